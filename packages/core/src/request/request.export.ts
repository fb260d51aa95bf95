import type { SpreadsheetExport } from '../plugin/spreadsheet-export.js';

/**
 * Requests as a spreadsheet (`/export/requests.csv`): what `requests(filter:)` lists, newest
 * first. A row shows the work, not who asked: no requester, no callback phone.
 */
export const requestsExport: SpreadsheetExport = {
  name: 'requests',
  description: 'Requests the caller may see, newest first, filtered as requests(filter:) is: the work, not who asked.',
  query: `query RequestsExport($filter: RequestFilter, $after: String) {
    requests(filter: $filter, first: 100, after: $after) {
      nodes { id externalOrderNo kind channel category title description status level priority
        place { name } dispatchedTo { name } assignee { name } dueAt rating createdAt updatedAt }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    externalOrderNo: { en: '12345 order no.', 'zh-CN': '12345工单号' },
    kind: { en: 'Kind', 'zh-CN': '类型' },
    channel: { en: 'Channel', 'zh-CN': '来源渠道' },
    category: { en: 'Category', 'zh-CN': '分类' },
    title: { en: 'Title', 'zh-CN': '标题' },
    description: { en: 'Description', 'zh-CN': '内容' },
    status: { en: 'Status', 'zh-CN': '状态' },
    level: { en: 'Level', 'zh-CN': '层级' },
    priority: { en: 'Priority', 'zh-CN': '紧急程度' },
    'place.name': { en: 'Place', 'zh-CN': '地点' },
    'dispatchedTo.name': { en: 'Dispatched to', 'zh-CN': '派往单位' },
    'assignee.name': { en: 'Handled by', 'zh-CN': '承办人' },
    dueAt: { en: 'Due', 'zh-CN': '办理时限' },
    rating: { en: 'Rating', 'zh-CN': '评价' },
    createdAt: { en: 'Submitted', 'zh-CN': '提交时间' },
    updatedAt: { en: 'Last changed', 'zh-CN': '最后更新' },
  },
  words: {
    SUBMITTED: { en: 'submitted', 'zh-CN': '待受理' },
    ACCEPTED: { en: 'accepted', 'zh-CN': '已受理' },
    ASSIGNED: { en: 'assigned', 'zh-CN': '已派单' },
    CLAIMED: { en: 'claimed', 'zh-CN': '已认领' },
    IN_PROGRESS: { en: 'in progress', 'zh-CN': '处理中' },
    ESCALATED: { en: 'escalated', 'zh-CN': '已上报' },
    RESOLVED: { en: 'resolved', 'zh-CN': '已解决' },
    CLOSED: { en: 'closed', 'zh-CN': '已办结' },
    REJECTED: { en: 'rejected', 'zh-CN': '已驳回' },
    NEED: { en: 'need', 'zh-CN': '需求' },
    COMPLAINT: { en: 'complaint', 'zh-CN': '投诉' },
    REPORT: { en: 'report', 'zh-CN': '上报' },
    PRAISE: { en: 'praise', 'zh-CN': '表扬' },
    WISH: { en: 'wish', 'zh-CN': '微心愿' },
    GRID: { en: 'grid', 'zh-CN': '网格' },
    COMMUNITY: { en: 'community', 'zh-CN': '社区' },
    SUBDISTRICT: { en: 'subdistrict', 'zh-CN': '街道' },
    LOW: { en: 'low', 'zh-CN': '低' },
    NORMAL: { en: 'normal', 'zh-CN': '一般' },
    HIGH: { en: 'high', 'zh-CN': '高' },
    URGENT: { en: 'urgent', 'zh-CN': '紧急' },
    HOTLINE_12345: { en: '12345 hotline', 'zh-CN': '12345热线' },
    PHONE: { en: 'phone', 'zh-CN': '电话' },
    CHAT_GROUP: { en: 'chat group', 'zh-CN': '楼门群' },
    HOUSEHOLD_VISIT: { en: 'household visit', 'zh-CN': '入户走访' },
    MOBILE_REPORT: { en: 'mobile report', 'zh-CN': '随手拍' },
    WISH_WALL: { en: 'wish wall', 'zh-CN': '心愿墙' },
  },
};
