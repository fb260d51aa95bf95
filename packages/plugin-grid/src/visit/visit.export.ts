import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * Household visits as a spreadsheet (民情走访台账, `/export/grid-visits.csv`): the visits
 * `gridVisits(filter:)` lists to the caller, by grid, place, worker and days; what a grid brings
 * to its weekly meeting and a community files as its people's-conditions ledger (民情账). A
 * visit's checks, people met and findings are listed in their cells, one after another.
 */
export const visitLedgerExport: SpreadsheetExport = {
  name: 'grid-visits',
  description: "Household visits the caller may see, filtered as gridVisits(filter:) is: a grid's people's-conditions ledger.",
  query: `query GridVisitsExport($filter: GridVisitFilter, $after: String) {
    gridVisits(filter: $filter, first: 100, after: $after) {
      nodes { id visitedOn household { name } grid { name } worker { name } met { name } checks { item ok note } notes
        findings(first: 20) { nodes { description category } } createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    visitedOn: { en: 'Visited on', 'zh-CN': '走访日期' },
    'household.name': { en: 'Household', 'zh-CN': '住户' },
    'grid.name': { en: 'Grid', 'zh-CN': '网格' },
    'worker.name': { en: 'Grid worker', 'zh-CN': '网格员' },
    'met.name': { en: 'People met', 'zh-CN': '走访对象' },
    'checks.item': { en: 'Checked', 'zh-CN': '检查项目' },
    'checks.ok': { en: 'Result', 'zh-CN': '检查结果' },
    'checks.note': { en: 'Check notes', 'zh-CN': '检查说明' },
    notes: { en: 'Notes', 'zh-CN': '走访情况' },
    'findings.nodes.description': { en: 'Findings', 'zh-CN': '发现问题' },
    'findings.nodes.category': { en: 'Finding categories', 'zh-CN': '问题类别' },
    createdAt: { en: 'Recorded at', 'zh-CN': '登记时间' },
  },
  words: {
    HEATING: { en: 'heating', 'zh-CN': '供暖' },
    GAS: { en: 'gas', 'zh-CN': '燃气' },
    ELECTRICITY: { en: 'electricity', 'zh-CN': '用电' },
    WATER: { en: 'water', 'zh-CN': '用水' },
    FIRE_SAFETY: { en: 'fire safety', 'zh-CN': '消防安全' },
    HEALTH: { en: 'health', 'zh-CN': '身体状况' },
    NETWORK: { en: 'network', 'zh-CN': '网络' },
    OTHER: { en: 'other', 'zh-CN': '其他' },
    true: { en: 'in order', 'zh-CN': '正常' },
    false: { en: 'not in order', 'zh-CN': '异常' },
  },
};
