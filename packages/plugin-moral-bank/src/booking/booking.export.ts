import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * A venue's bookings as a spreadsheet (场地使用登记, `/export/moral-bank-bookings.csv?venueId=…&from=…&to=…`):
 * what `moralBankBookings` lists to the caller for that time, by start: when, how long, paid from
 * which account, for what, and how it stands.
 */
export const bookingsExport: SpreadsheetExport = {
  name: 'moral-bank-bookings',
  description: "A venue's bookings overlapping [from, to), by start, filtered as moralBankBookings is.",
  query: `query MoralBankBookingsExport($venueId: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $status: [MoralBankBookingStatus!], $after: String) {
    moralBankBookings(venueId: $venueId, from: $from, to: $to, status: $status, first: 100, after: $after) {
      nodes { id venue { name } startsAt endsAt minutes account { name } purpose status inPriorityWindow createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    'venue.name': { en: 'Venue', 'zh-CN': '场地' },
    startsAt: { en: 'Starts', 'zh-CN': '开始时间' },
    endsAt: { en: 'Ends', 'zh-CN': '结束时间' },
    minutes: { en: 'Minutes', 'zh-CN': '时长（分钟）' },
    'account.name': { en: 'Account', 'zh-CN': '使用账户' },
    purpose: { en: 'Purpose', 'zh-CN': '用途' },
    status: { en: 'Status', 'zh-CN': '状态' },
    inPriorityWindow: { en: 'Priority window', 'zh-CN': '优先时段' },
    createdAt: { en: 'Booked at', 'zh-CN': '预约时间' },
  },
  words: {
    REQUESTED: { en: 'requested', 'zh-CN': '待分配' },
    CONFIRMED: { en: 'confirmed', 'zh-CN': '已确认' },
    CANCELLED: { en: 'cancelled', 'zh-CN': '已取消' },
    NO_SHOW: { en: 'no-show', 'zh-CN': '爽约' },
    DECLINED: { en: 'declined', 'zh-CN': '未获分配' },
    true: { en: 'yes', 'zh-CN': '是' },
    false: { en: 'no', 'zh-CN': '否' },
  },
};
