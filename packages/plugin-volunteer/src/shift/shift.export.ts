import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * A team's rota as a spreadsheet (排班表, `/export/volunteer-shifts.csv?teamId=…&from=…&to=…`): its
 * shifts in the time asked, by start, as `volunteerShifts` lists them, each with who is on it (its
 * active sign-ups, in sign-up order) and when they checked in; what goes on the checkpoint's wall.
 */
export const rotaExport: SpreadsheetExport = {
  name: 'volunteer-shifts',
  description: "A volunteer team's shifts in [from, to), by start, with who is on each, as volunteerShifts lists them.",
  query: `query VolunteerShiftsExport($teamId: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $after: String) {
    volunteerShifts(teamId: $teamId, from: $from, to: $to, first: 100, after: $after) {
      nodes { title place { name } startsAt endsAt capacity taken
        signups(first: 100) { nodes { person { name } checkedInAt } } cancelledAt cancelReason }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    title: { en: 'Shift', 'zh-CN': '班次' },
    'place.name': { en: 'Place', 'zh-CN': '地点' },
    startsAt: { en: 'Starts', 'zh-CN': '开始时间' },
    endsAt: { en: 'Ends', 'zh-CN': '结束时间' },
    capacity: { en: 'Places', 'zh-CN': '名额' },
    taken: { en: 'Taken', 'zh-CN': '已报名' },
    'signups.nodes.person.name': { en: 'Volunteers', 'zh-CN': '在岗志愿者' },
    'signups.nodes.checkedInAt': { en: 'Checked in', 'zh-CN': '签到时间' },
    cancelledAt: { en: 'Called off', 'zh-CN': '取消时间' },
    cancelReason: { en: 'Why called off', 'zh-CN': '取消原因' },
  },
};
