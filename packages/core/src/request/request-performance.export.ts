import type { SpreadsheetExport } from '../plugin/spreadsheet-export.js';

/**
 * How each place's requests were handled, as a spreadsheet (诉求办理情况统计表,
 * `/export/request-performance.csv?under=…&from=…&to=…`): what `requestPerformanceByPlace` lists
 * for the period, a row per place directly under the one asked for (a subdistrict's communities);
 * what a district files every month. Rates are fractions (0.8571), rounded to four places.
 */
export const requestPerformanceExport: SpreadsheetExport = {
  name: 'request-performance',
  description: "How the requests of each place directly under one were handled in a period: the hotline's rates, by place.",
  query: `query RequestPerformanceExport($under: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $after: String) {
    requestPerformanceByPlace(under: $under, from: $from, to: $to, first: 100, after: $after) {
      nodes { place { name code } total responded responseRate averageResponseMinutes resolved resolutionRate
        withDeadline resolvedOnTime onTimeRate rated averageRating satisfied satisfactionRate }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    'place.name': { en: 'Place', 'zh-CN': '地点' },
    'place.code': { en: 'Code', 'zh-CN': '编码' },
    total: { en: 'Requests', 'zh-CN': '诉求总数' },
    responded: { en: 'Taken up', 'zh-CN': '已响应' },
    responseRate: { en: 'Response rate', 'zh-CN': '响应率' },
    averageResponseMinutes: { en: 'Average response (minutes)', 'zh-CN': '平均响应时长（分钟）' },
    resolved: { en: 'Resolved', 'zh-CN': '已办结' },
    resolutionRate: { en: 'Resolution rate', 'zh-CN': '解决率' },
    withDeadline: { en: 'With a deadline', 'zh-CN': '有办理时限' },
    resolvedOnTime: { en: 'Resolved on time', 'zh-CN': '按时办结' },
    onTimeRate: { en: 'On-time rate', 'zh-CN': '按时办结率' },
    rated: { en: 'Rated', 'zh-CN': '已评价' },
    averageRating: { en: 'Average rating', 'zh-CN': '平均评分' },
    satisfied: { en: 'Satisfied', 'zh-CN': '满意' },
    satisfactionRate: { en: 'Satisfaction rate', 'zh-CN': '满意率' },
  },
};
