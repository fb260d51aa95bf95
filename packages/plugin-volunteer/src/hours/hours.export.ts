import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * Service hours as a spreadsheet (志愿服务时长台账, `/export/volunteer-service.csv`): the entries
 * `volunteerServiceEntries` lists to the caller, by person, status or place; what a community
 * prints for its records and a volunteer brings to school or work as proof of service.
 */
export const serviceHoursExport: SpreadsheetExport = {
  name: 'volunteer-service',
  description: 'Volunteer service entries the caller may see, filtered as volunteerServiceEntries is.',
  query: `query VolunteerServiceExport($under: ID, $personId: ID, $status: VolunteerServiceStatus, $after: String) {
    volunteerServiceEntries(under: $under, personId: $personId, status: $status, first: 100, after: $after) {
      nodes { id person { name } team { name } community { name } source servedOn minutes description status
        verifiedBy { name } verifiedAt createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    'person.name': { en: 'Volunteer', 'zh-CN': '志愿者' },
    'team.name': { en: 'Team', 'zh-CN': '队伍' },
    'community.name': { en: 'Community', 'zh-CN': '社区' },
    source: { en: 'Source', 'zh-CN': '来源' },
    servedOn: { en: 'Served on', 'zh-CN': '服务日期' },
    minutes: { en: 'Minutes', 'zh-CN': '时长（分钟）' },
    description: { en: 'Service', 'zh-CN': '服务内容' },
    status: { en: 'Status', 'zh-CN': '状态' },
    'verifiedBy.name': { en: 'Verified by', 'zh-CN': '审核人' },
    verifiedAt: { en: 'Verified at', 'zh-CN': '审核时间' },
    createdAt: { en: 'Reported at', 'zh-CN': '登记时间' },
  },
  words: {
    SHIFT: { en: 'shift', 'zh-CN': '排班' },
    TASK: { en: 'task', 'zh-CN': '任务' },
    MANUAL: { en: 'reported by hand', 'zh-CN': '自主填报' },
    CORRECTION: { en: 'correction', 'zh-CN': '更正' },
    PENDING: { en: 'pending', 'zh-CN': '待审核' },
    APPROVED: { en: 'approved', 'zh-CN': '已审核' },
    DECLINED: { en: 'declined', 'zh-CN': '未通过' },
  },
};
