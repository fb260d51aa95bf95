import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * The action items of councils' decisions as a spreadsheet (议事分工台账,
 * `/export/council-action-items.csv?under=<place id>`): each party's share of the work, who owns it,
 * by when, how far it is; `overdue=true` lists what to chase up.
 */
export const actionItemsExport: SpreadsheetExport = {
  name: 'council-action-items',
  description: "Action items of councils' decisions under a place, filtered as councilActionItems is.",
  query: `query CouncilActionItemsExport($under: ID!, $status: [CouncilActionItemStatus!], $overdue: Boolean, $after: String) {
    councilActionItems(under: $under, status: $status, overdue: $overdue, first: 100, after: $after) {
      nodes { id title decision { summary } ownerOrganization { name } ownerPerson { name } dueOn status overdue updatedAt }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    title: { en: 'Action item', 'zh-CN': '分工事项' },
    'decision.summary': { en: 'Decision', 'zh-CN': '议定事项' },
    'ownerOrganization.name': { en: 'Owning organisation', 'zh-CN': '责任单位' },
    'ownerPerson.name': { en: 'Owner', 'zh-CN': '责任人' },
    dueOn: { en: 'Due', 'zh-CN': '完成时限' },
    status: { en: 'Status', 'zh-CN': '进度' },
    overdue: { en: 'Overdue', 'zh-CN': '是否超期' },
    updatedAt: { en: 'Last changed', 'zh-CN': '最后更新' },
  },
  words: {
    TODO: { en: 'to do', 'zh-CN': '未开始' },
    IN_PROGRESS: { en: 'in progress', 'zh-CN': '进行中' },
    DONE: { en: 'done', 'zh-CN': '已完成' },
    true: { en: 'yes', 'zh-CN': '是' },
    false: { en: 'no', 'zh-CN': '否' },
  },
};
