import { defineMessages, definePhrases } from '@gongzhi/core';

/**
 * The messages of moral-bank's errors, in every locale (see the README's errors section): each has
 * the code clients switch on and the same `{parameters}` in English and Chinese.
 */
export const bankMessages = defineMessages('moral-bank', {
  maySpendFromAccount: {
    code: 'NOT_ACCOUNT_HOLDER',
    en: '{actorName} may not spend from account {accountName}: {who} may.',
    'zh-CN': '{actorName} 无权使用账户 {accountName} 的余额：只有{who}可以。',
  },
  nameCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"name" must be 1 to 100 characters.',
    'zh-CN': '"name" 应为 1 至 100 个字符。',
  },
  issuanceAccountOpensItself: {
    code: 'BAD_USER_INPUT',
    en: "The bank's issuance account opens by itself with the first earning; open accounts for PERSON, TEAM or ORGANIZATION holders.",
    'zh-CN': '银行的发行账户会在首次获得积分时自动开立；请为 PERSON、TEAM 或 ORGANIZATION 持有人开户。',
  },
  accountNeedsHolderidId: {
    code: 'BAD_USER_INPUT',
    en: 'A {holderKind} account needs "holderId" to be the id of a {expected}; it names a {given}.',
    'zh-CN': '{holderKind} 账户的 "holderId" 应为 {expected} 的编号，当前指向的是 {given}。',
  },
  keeperOfTeamAccounts: {
    code: 'BAD_USER_INPUT',
    en: '{accountName} is not a team account: only a team account has a keeper.',
    'zh-CN': '{accountName} 不是队伍账户：只有队伍账户才有保管人。',
  },
  onlyHolderPersonTeam: {
    code: 'NOT_ACCOUNT_HOLDER',
    en: "Only the holder of {accountName} (a person, or a team's keeper) decides whether it is ranked.",
    'zh-CN': '只有 {accountName} 的持有人（个人，或队伍的保管人）可以决定是否参与排名。',
  },
  bookingsStartEndWhole: {
    code: 'BAD_USER_INPUT',
    en: 'Bookings start and end on whole minutes (no seconds).',
    'zh-CN': '预约的开始和结束时间须为整分钟（不含秒）。',
  },
  endsatAfterStartsat: {
    code: 'BAD_USER_INPUT',
    en: '"endsAt" must be after "startsAt".',
    'zh-CN': '"endsAt" 应晚于 "startsAt"。',
  },
  bookingStartFuturePassed: {
    code: 'BOOKING_IN_PAST',
    en: 'A booking must start in the future; {startsAt} has passed.',
    'zh-CN': '预约须从将来的时间开始；{startsAt} 已经过去。',
  },
  openBookTimeInside: {
    code: 'OUTSIDE_OPENING_HOURS',
    en: '{venueName} is open {open} ({timeZone}); book a time inside its opening hours.',
    'zh-CN': '{venueName} 的开放时间为 {open}（{timeZone}）；请在开放时间内预约。',
  },
  priorityWindowAccountsLeast: {
    code: 'PRIORITY_WINDOW',
    en: '{weekday} {starts}–{ends} is a priority window for accounts with at least {minPoints} activity points; {accountName} has {points}. Book another time.',
    'zh-CN': '{weekday} {starts}–{ends} 是优先时段，仅限活跃积分不少于 {minPoints} 的账户；{accountName} 有 {points} 分。请另选时间。',
  },
  bookingMayLastMost: {
    code: 'BOOKING_TOO_LONG',
    en: 'A booking of {venueName} may last at most {longest} minutes{window}; this one lasts {minutes}.',
    'zh-CN': '{venueName} 单次预约最长 {longest} 分钟{window}；本次为 {minutes} 分钟。',
  },
  venueClosed: {
    code: 'VENUE_CLOSED',
    en: 'Venue {venueName} is closed from {from} to {to} ({reason}); book another time.',
    'zh-CN': '场地 {venueName} 在 {from} 至 {to} 暂停开放（{reason}）；请另选时间。',
  },
  closureEndsAfterStarts: {
    code: 'BAD_USER_INPUT',
    en: '"input.endsAt" must come after "input.startsAt", and after now: a closure is for a time ahead.',
    'zh-CN': '"input.endsAt" 须晚于 "input.startsAt"，且晚于当前时间：暂停开放只能针对将来的时段。',
  },
  closureOver: {
    code: 'CONFLICT',
    en: 'This closure already ended at {endsAt}: the venue is open.',
    'zh-CN': '该暂停开放已于 {endsAt} 结束：场地已开放。',
  },
  closureReasonLength: {
    code: 'BAD_USER_INPUT',
    en: '"input.reason" must say why the venue closes (e.g. "活动室装修"), in 1 to 200 characters: the bookers are told.',
    'zh-CN': '"input.reason" 须说明暂停开放的原因（如“活动室装修”），长度 1 至 200 个字符：会告知已预约的人。',
  },
  venueTakesMoralBank: {
    code: 'NOT_FOUND',
    en: 'Venue {venueName} takes no moral-bank bookings yet; staff set its hours and rules with configureMoralBankVenue.',
    'zh-CN': '场地 {venueName} 尚未开放道德银行预约；请工作人员通过 configureMoralBankVenue 设置开放时间和规则。',
  },
  purposeMostCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"purpose" must be at most 200 characters.',
    'zh-CN': '"purpose" 最多 200 个字符。',
  },
  bookingOnlyRequestedConfirmed: {
    code: 'CONFLICT',
    en: 'This booking is {bookingStatus}; only requested or confirmed bookings can be cancelled.',
    'zh-CN': '该预约为 {bookingStatus} 状态；只有已申请或已确认的预约才能取消。',
  },
  bookingAlreadyStartedCan: {
    code: 'BOOKING_STARTED',
    en: 'This booking has already started and can no longer be cancelled.',
    'zh-CN': '该预约已经开始，不能再取消。',
  },
  nobodyRecordsTheirOwn: {
    code: 'NOT_ALLOWED',
    en: 'Nobody records their own no-show; venue staff do.',
    'zh-CN': '不能为自己登记爽约，由场地工作人员登记。',
  },
  bookingOnlyConfirmedBooking: {
    code: 'CONFLICT',
    en: 'This booking is {bookingStatus}; only a confirmed booking can be a no-show.',
    'zh-CN': '该预约为 {bookingStatus} 状态；只有已确认的预约才能登记爽约。',
  },
  showCanRecordedOnly: {
    code: 'BAD_USER_INPUT',
    en: 'A no-show can be recorded only once the booking has started.',
    'zh-CN': '预约开始之后才能登记爽约。',
  },
  afterFrom: {
    code: 'BAD_USER_INPUT',
    en: '"to" must be after "from".',
    'zh-CN': '"to" 应晚于 "from"。',
  },
  freeTimesSpan: {
    code: 'BAD_USER_INPUT',
    en: 'Free times are read for at most {days} days at a time; "to" is {given} days after "from".',
    'zh-CN': '空闲时段一次最多查询 {days} 天；"to" 比 "from" 晚了 {given} 天。',
  },
  wrongPlaceType: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must name a {type}; {placeName} is a {placeType}.',
    'zh-CN': '"{field}" 应为 {type} 类型的地点；{placeName} 的类型是 {placeType}。',
  },
  rateWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"rate" must be a whole number from 1 to 100 (5 means "5 for 1"); got {rate}.',
    'zh-CN': '"rate" 应为 1 至 100 之间的整数（5 表示“1 换 5”），当前为 {rate}。',
  },
  monthYyyyMm: {
    code: 'BAD_USER_INPUT',
    en: '"{name}" must be a month as YYYY-MM, e.g. 2026-05; got "{value}".',
    'zh-CN': '"{name}" 应为 YYYY-MM 格式的月份，如 2026-05，当前为 "{value}"。',
  },
  insufficientBalanceAccountMinutes: {
    code: 'INSUFFICIENT_BALANCE',
    en: 'Insufficient balance: account {accountName} has {balance} minutes and this needs {change}; ask for at most {max}.',
    'zh-CN': '余额不足：账户 {accountName} 有 {balance} 分钟，本次需要 {change} 分钟；最多可申请 {max} 分钟。',
  },
  wholeNumberMinutesFrom: {
    code: 'INVALID_AMOUNT',
    en: '"{field}" must be a whole number of minutes from 1 to {MAX_MINUTES} (1,000 hours); got {minutes}.',
    'zh-CN': '"{field}" 应为 1 至 {MAX_MINUTES}（1000 小时）之间的整分钟数，当前为 {minutes}。',
  },
  idempotencykeyCharactersUniquePer: {
    code: 'BAD_USER_INPUT',
    en: '"idempotencyKey" must be 8 to 200 characters, unique per intended transfer (a UUID is ideal).',
    'zh-CN': '"idempotencyKey" 应为 8 至 200 个字符，每笔转账唯一（建议使用 UUID）。',
  },
  idempotencyKeyAlreadyUsed: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    en: 'The idempotency key "{key}" was already used for a different transfer; use a new key for a new transfer, or resend exactly the same one to get its result.',
    'zh-CN': '幂等键 "{key}" 已用于另一笔转账；新的转账请使用新的键，或原样重发同一笔以取回结果。',
  },
  memoMostCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"memo" must be at most 500 characters.',
    'zh-CN': '"memo" 最多 500 个字符。',
  },
  transferNeedsTwoDifferent: {
    code: 'SAME_ACCOUNT',
    en: 'A transfer needs two different accounts; "toAccountId" names the sending account.',
    'zh-CN': '转账需要两个不同的账户；"toAccountId" 指向的是转出账户本身。',
  },
  minutesCannotTransferredBank: {
    code: 'BAD_USER_INPUT',
    en: "Minutes cannot be transferred to the bank's issuance account; spend them on a booking, or ask staff to reverse a transaction.",
    'zh-CN': '时长不能转入银行的发行账户；请用于预约，或请工作人员冲正某笔交易。',
  },
  reversalCannotItselfReversed: {
    code: 'BAD_USER_INPUT',
    en: 'A reversal cannot itself be reversed; post a new transfer if minutes must move again.',
    'zh-CN': '冲正交易本身不能再冲正；如需再次划转，请发起新的转账。',
  },
  bookingDebitsRefundsFollow: {
    code: 'BAD_USER_INPUT',
    en: 'Booking debits and refunds follow the booking: cancel the booking or record a no-show instead.',
    'zh-CN': '预约扣款和退款随预约变动：请取消预约或登记爽约。',
  },
  reasonSayWhyCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must say why, in 1 to 500 characters.',
    'zh-CN': '"reason" 请用 1 至 500 个字符说明原因。',
  },
  onlyPlatformCreditsVerified: {
    code: 'FORBIDDEN',
    en: 'Only the platform credits verified service, when the volunteer plugin reports it.',
    'zh-CN': '只有平台可以在志愿服务插件报告已审核的服务时长后记入积分。',
  },
  wholeMinutesEitherWay: {
    code: 'BAD_USER_INPUT',
    en: 'Whole minutes, 1 to {MAX_SERVICE_MINUTES} either way, are credited; got {minutes}.',
    'zh-CN': '记入的时长须为 1 至 {MAX_SERVICE_MINUTES} 之间的整分钟数（正负均可），当前为 {minutes}。',
  },
  communityId: {
    code: 'NOT_FOUND',
    en: 'No community has the id {communityId}.',
    'zh-CN': '找不到编号为 {communityId} 的社区。',
  },
  personNotFound: {
    code: 'NOT_FOUND',
    en: 'No person has the id {personId}.',
    'zh-CN': '找不到编号为 {personId} 的人员。',
  },
  openinghoursNeedsLeastOne: {
    code: 'BAD_USER_INPUT',
    en: '"openingHours" needs at least one day, e.g. { weekday: 1, opens: "08:00", closes: "21:00" }.',
    'zh-CN': '"openingHours" 至少要有一天，如 { weekday: 1, opens: "08:00", closes: "21:00" }。',
  },
  openingHoursNeedWeekday: {
    code: 'BAD_USER_INPUT',
    en: 'Opening hours need a weekday from 1 (Monday) to 7 (Sunday) and "HH:MM" times with opens before closes; got {stringify}.',
    'zh-CN': '开放时间需要 1（周一）至 7（周日）的星期数，以及 "HH:MM" 格式、开门早于关门的时间；当前为 {stringify}。',
  },
  priorityWindowNeedsWeekday: {
    code: 'BAD_USER_INPUT',
    en: 'A priority window needs a weekday from 1 to 7 and "HH:MM" times with starts before ends; got {stringify}.',
    'zh-CN': '优先时段需要 1 至 7 的星期数，以及 "HH:MM" 格式、开始早于结束的时间；当前为 {stringify}。',
  },
  priorityWindowNeedsMinpoints: {
    code: 'BAD_USER_INPUT',
    en: 'A priority window needs minPoints ≥ 0 and maxMinutes from 15 to 1440.',
    'zh-CN': '优先时段要求 minPoints ≥ 0，maxMinutes 在 15 至 1440 之间。',
  },
  outOfRange: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be from {min} to {max}{unit}; got {value}.',
    'zh-CN': '"{field}" 应在 {min} 至 {max}{unit} 之间，当前为 {value}。',
  },
  venueInsideCommunityAttach: {
    code: 'BAD_USER_INPUT',
    en: 'Venue {venueName} is not inside a community; attach it to a community (or a place under one) so a bank can take its bookings.',
    'zh-CN': '场地 {venueName} 不在任何社区内；请将其挂到某个社区（或社区下的地点），道德银行才能受理其预约。',
  },
  timezoneIanaTimeZone: {
    code: 'BAD_USER_INPUT',
    en: '"timeZone" must be an IANA time zone such as "Asia/Shanghai"; got "{timeZone}".',
    'zh-CN': '"timeZone" 应为 IANA 时区，如 "Asia/Shanghai"，当前为 "{timeZone}"。',
  },
  constraintBookingNoOverlap: {
    code: 'SLOT_TAKEN',
    en: 'The venue is already booked for part of this time; choose another time.',
    'zh-CN': '该场地在此时段已有部分被预约，请另选时间。',
  },
  constraintAccountBalanceFloor: {
    code: 'INSUFFICIENT_BALANCE',
    en: 'Insufficient balance for this transaction.',
    'zh-CN': '余额不足，无法完成此笔交易。',
  },
  constraintLedgerTransactionReversesUq: {
    code: 'CONFLICT',
    en: 'This transaction has already been reversed.',
    'zh-CN': '该笔交易已被冲正。',
  },
});

/** Words the messages above take as parameters, in every locale. */
export const bankPhrases = definePhrases('moral-bank', {
  inPriorityWindow: { en: ' in this priority window', 'zh-CN': '（优先时段内）' },
  onlyHolder: { en: 'only its holder', 'zh-CN': '账户持有人本人' },
  onlyTeamKeeper: { en: "only the team's keeper (who opened the account)", 'zh-CN': '队伍的保管人（开户人）' },
  onlyOrgMembers: { en: 'only members of the organisation', 'zh-CN': '该组织的成员' },
  nobody: {
    en: 'nobody (the issuance account moves only through earnings, bookings and reversals)',
    'zh-CN': '任何人都不能（发行账户只随积分获得、预约和冲正变动）',
  },
  minutes: { en: ' minutes', 'zh-CN': '分钟' },
  minutes30Days: { en: ' minutes (30 days)', 'zh-CN': '分钟（30 天）' },
  percent: { en: ' percent', 'zh-CN': '（百分比）' },
});
