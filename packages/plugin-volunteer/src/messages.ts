import { defineMessages, definePhrases } from '@gongzhi/core';

/**
 * The messages of volunteer's errors, in every locale (see the README's errors section): each has
 * the code clients switch on and the same `{parameters}` in English and Chinese.
 */
export const volunteerMessages = defineMessages('volunteer', {
  placeInsideCommunityCommunity: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a place inside a community (社区) or the community itself; {placeName} is a {placeType} above any community.',
    'zh-CN': '"{field}" 应为社区或社区内的地点；{placeName} 是社区以上的{placeType}。',
  },
  wholeMinutesFromLonger: {
    code: 'INVALID_DURATION',
    en: '"{field}" must be whole minutes from {range}; got {minutes}. Longer service is logged as one entry per day.',
    'zh-CN': '"{field}" 应为 {range} 之间的整分钟数，当前为 {minutes}。更长的服务请按天分条登记。',
  },
  inputCommunityidCommunity: {
    code: 'BAD_USER_INPUT',
    en: '"input.communityId" must be a community (社区); {communityName} is a {communityType}.',
    'zh-CN': '"input.communityId" 应为社区；{communityName} 的类型是 {communityType}。',
  },
  inputServedonFutureReport: {
    code: 'BAD_USER_INPUT',
    en: '"input.servedOn" ({servedOn}) is in the future; report hours on or after the day served (today is {today}).',
    'zh-CN': '"input.servedOn"（{servedOn}）是将来的日期；请在服务当天或之后登记时长（今天是 {today}）。',
  },
  memberReportWithoutTeam: {
    code: 'NOT_TEAM_MEMBER',
    en: '{personName} is not a member of {teamName}; report without a team, or join it first.',
    'zh-CN': '{personName} 不是{teamName}的成员；请以个人身份登记，或先加入该队伍。',
  },
  entryAlreadyDecidedEntry: {
    code: 'ALREADY_VERIFIED',
    en: 'This entry was already {decidedStatus} by {someone} at {at}; a decided entry never changes. To change its minutes, add a correction (correctVolunteerHours).',
    'zh-CN': '该记录已于 {at} 由{someone}{decidedStatus}，审核过的记录不再更改。如需调整时长，请添加更正记录（correctVolunteerHours）。',
  },
  nobodyVerifiesTheirOwn: {
    code: 'SELF_VERIFICATION',
    en: 'Nobody verifies their own hours: another member of community staff must verify this entry.',
    'zh-CN': '不能审核自己的服务时长：请由社区其他工作人员审核。',
  },
  entryidNamesCorrectionCorrect: {
    code: 'BAD_USER_INPUT',
    en: '"entryId" names a correction; correct the original entry instead.',
    'zh-CN': '"entryId" 指向的是一条更正记录；请更正原始记录。',
  },
  onlyApprovedEntryCorrected: {
    code: 'NOT_VERIFIED',
    en: 'Only an approved entry is corrected; this one is {originalStatus}. A pending entry is simply approved or declined.',
    'zh-CN': '只有已通过的记录才能更正；该记录当前为 {originalStatus}。待审核的记录直接通过或驳回即可。',
  },
  correctionWouldLeaveEntry: {
    code: 'INVALID_DURATION',
    en: 'This correction would leave the entry at {minutes} minutes; it stands at {total}, so a correction may subtract at most {total}.',
    'zh-CN': '此次更正会使记录变为 {minutes} 分钟；当前为 {total} 分钟，最多只能减去 {total} 分钟。',
  },
  volunteerCannotPairedThemselves: {
    code: 'BAD_USER_INPUT',
    en: 'A volunteer cannot be paired with themselves.',
    'zh-CN': '志愿者不能与自己结对。',
  },
  volunteerPairsThemselvesResident: {
    code: 'FORBIDDEN',
    en: 'A volunteer pairs themselves with a resident; to pair a team, give "input.teamId".',
    'zh-CN': '志愿者本人与居民结对；如需以队伍结对，请提供 "input.teamId"。',
  },
  pairingCommunityNotCommunity: {
    code: 'BAD_USER_INPUT',
    en: '"input.communityId" must be a community (社区); {givenName} is a {givenType}.',
    'zh-CN': '"input.communityId" 应为社区；{givenName} 的类型是 {givenType}。',
  },
  householdCommunityGiveInput: {
    code: 'BAD_USER_INPUT',
    en: '{residentName} has no household in a community: give "input.communityId".',
    'zh-CN': '{residentName} 在社区中没有所属户：请提供 "input.communityId"。',
  },
  giveExactlyOneInput: {
    code: 'BAD_USER_INPUT',
    en: 'Give exactly one of "input.teamId" (a team pairs) or "input.volunteerId" (one volunteer pairs).',
    'zh-CN': '"input.teamId"（队伍结对）和 "input.volunteerId"（个人结对）请提供且只提供其中一个。',
  },
  inputCareplanNameLeast: {
    code: 'BAD_USER_INPUT',
    en: '"input.carePlan" must name at least one item (escort to hospital, medicine, housework…).',
    'zh-CN': '"input.carePlan" 至少要列出一项帮扶内容（陪同就医、代购药品、家务……）。',
  },
  visitedatFuture: {
    code: 'BAD_USER_INPUT',
    en: '"visitedAt" must not be in the future; it is {at}.',
    'zh-CN': '"visitedAt" 不能是将来的时间，当前为 {at}。',
  },
  pairingEnded: {
    code: 'PAIRING_ENDED',
    en: 'This pairing ended on {endsOn}.',
    'zh-CN': '该结对已于 {endsOn} 结束。',
  },
  pairingStartsVisitBefore: {
    code: 'BAD_USER_INPUT',
    en: 'This pairing starts on {startsOn}; the visit is before that.',
    'zh-CN': '该结对从 {startsOn} 开始，此次走访在此之前。',
  },
  pairedVolunteerNorMember: {
    code: 'FORBIDDEN',
    en: '{visitorName} is not the paired volunteer nor a member of the paired team.',
    'zh-CN': '{visitorName} 既不是结对志愿者，也不是结对队伍的成员。',
  },
  onlyPairedVolunteerEnds: {
    code: 'FORBIDDEN',
    en: 'Only the paired volunteer ends this pairing.',
    'zh-CN': '只有结对志愿者本人可以结束此结对。',
  },
  pairingAlreadyEnded: {
    code: 'PAIRING_ENDED',
    en: 'This pairing already ended on {endsOn}.',
    'zh-CN': '该结对已于 {endsOn} 结束。',
  },
  endsonAfter: {
    code: 'BAD_USER_INPUT',
    en: '"endsOn" must be on or after {startsOn}.',
    'zh-CN': '"endsOn" 不能早于 {startsOn}。',
  },
  inputWantedWholeNumber: {
    code: 'BAD_USER_INPUT',
    en: '"input.wanted" must be a whole number from 1 to 10000, got {wanted}.',
    'zh-CN': '"input.wanted" 应为 1 至 10000 之间的整数，当前为 {wanted}。',
  },
  inputOpenuntilFuture: {
    code: 'BAD_USER_INPUT',
    en: '"input.openUntil" must be in the future; it is {openUntil}.',
    'zh-CN': '"input.openUntil" 应为将来的时间，当前为 {openUntil}。',
  },
  signUpsClosed: {
    code: 'RECRUITMENT_CLOSED',
    en: 'Sign-ups for "{callTitle}" closed at {openUntil}.',
    'zh-CN': '“{callTitle}”已于 {openUntil} 截止报名。',
  },
  alreadySignedUp: {
    code: 'CONFLICT',
    en: '{personName} has already signed up for "{callTitle}".',
    'zh-CN': '{personName} 已报名“{callTitle}”。',
  },
  alreadyAllVolunteersWanted: {
    code: 'RECRUITMENT_FULL',
    en: '"{callTitle}" already has all {wanted} volunteers it wanted; the application stays on the waitlist until someone withdraws.',
    'zh-CN': '“{callTitle}”所需的 {wanted} 名志愿者已招满；在有人退出之前，此报名留在候补名单中。',
  },
  reasonRequiredWhenDeclining: {
    code: 'BAD_USER_INPUT',
    en: '"reason" is required when declining: say why, so the applicant knows.',
    'zh-CN': '驳回时必须填写 "reason"：请说明原因，以便申请人知晓。',
  },
  applicationAlreadyOnlyPending: {
    code: 'ALREADY_DECIDED',
    en: 'This application is already {applicationStatus}; only pending or waitlisted ones are decided.',
    'zh-CN': '该报名已是 {applicationStatus} 状态；只有待审核或候补中的报名才能处理。',
  },
  onlyApplicantWithdrawsApplication: {
    code: 'FORBIDDEN',
    en: 'Only the applicant withdraws an application.',
    'zh-CN': '只有申请人本人可以撤回报名。',
  },
  applicationAlready: {
    code: 'ALREADY_DECIDED',
    en: 'This application is already {was}.',
    'zh-CN': '该报名已是 {was} 状态。',
  },
  applicationChangedMeanwhileReload: {
    code: 'CONFLICT',
    en: 'This application changed meanwhile; reload it and try again.',
    'zh-CN': '该报名已被他人改动，请刷新后重试。',
  },
  wholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a whole number from 1 to 1000, got {capacity}.',
    'zh-CN': '"{field}" 应为 1 至 1000 之间的整数，当前为 {capacity}。',
  },
  inputWeekdaysListIso: {
    code: 'BAD_USER_INPUT',
    en: '"input.weekdays" must list ISO weekdays from 1 (Monday) to 7 (Sunday), at least one; got [{weekdays}].',
    'zh-CN': '"input.weekdays" 应列出 1（周一）至 7（周日）的 ISO 星期数，至少一个；当前为 [{weekdays}]。',
  },
  timeWrittenHhMm: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a time written HH:MM (00:00–23:59), got "{value}".',
    'zh-CN': '"{field}" 应为 HH:MM 格式的时间（00:00–23:59），当前为 "{value}"。',
  },
  inputEndtimeDifferFrom: {
    code: 'INVALID_DURATION',
    en: '"input.endTime" must differ from "input.startTime": a shift lasts less than 24 hours.',
    'zh-CN': '"input.endTime" 不能与 "input.startTime" 相同：一个班次不超过 24 小时。',
  },
  inputValiduntilAfterInput: {
    code: 'BAD_USER_INPUT',
    en: '"input.validUntil" ({validUntil}) must be on or after "input.validFrom" ({validFrom}).',
    'zh-CN': '"input.validUntil"（{validUntil}）不能早于 "input.validFrom"（{validFrom}）。',
  },
  inputTimezoneIanaTime: {
    code: 'BAD_USER_INPUT',
    en: '"input.timeZone" must be an IANA time zone such as Asia/Shanghai, got "{timeZone}".',
    'zh-CN': '"input.timeZone" 应为 IANA 时区，如 Asia/Shanghai，当前为 "{timeZone}"。',
  },
  afterFromMostDays: {
    code: 'BAD_USER_INPUT',
    en: '"to" must be on or after "from" and at most {MAX_MATERIALIZE_DAYS} days later; {from} to {to} is {days} days.',
    'zh-CN': '"to" 不能早于 "from"，且最多相隔 {MAX_MATERIALIZE_DAYS} 天；{from} 至 {to} 共 {days} 天。',
  },
  inputEndsatAfterInput: {
    code: 'INVALID_DURATION',
    en: '"input.endsAt" must be after "input.startsAt" and at most 24 hours later; the shift given lasts {minutes} minutes.',
    'zh-CN': '"input.endsAt" 应晚于 "input.startsAt"，且不超过 24 小时；所给班次时长为 {minutes} 分钟。',
  },
  onlyOpenSignUps: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" is {in}; only open sign-ups are {what}.',
    'zh-CN': '"{field}" 为{in}；只有有效的报名才能{what}。',
  },
  signUpChangedMeanwhile: {
    code: 'CONFLICT',
    en: 'A sign-up changed meanwhile; reload and try again.',
    'zh-CN': '有报名已被他人改动，请刷新后重试。',
  },
  shiftCancelled: {
    code: 'SHIFT_CANCELLED',
    en: 'The shift "{shiftTitle}" was called off at {cancelledAt} ({reason}); sign up for another one.',
    'zh-CN': '班次"{shiftTitle}"已于 {cancelledAt} 取消（{reason}），请报名其他班次。',
  },
  shiftOver: {
    code: 'SHIFT_STARTED',
    en: 'This shift ended at {endsAt}: its places no longer change.',
    'zh-CN': '该班次已于 {endsAt} 结束，名额不能再调整。',
  },
  capacityRange: {
    code: 'BAD_USER_INPUT',
    en: '"capacity" must be a whole number from 1 to 1000 (got {capacity}).',
    'zh-CN': '"capacity" 须为 1 至 1000 的整数（收到 {capacity}）。',
  },
  capacityBelowTaken: {
    code: 'CONFLICT',
    en: '{taken} volunteers are signed up: the shift cannot take fewer ({capacity}); cancel sign-ups first.',
    'zh-CN': '已有 {taken} 名志愿者报名，名额不能少于此数（{capacity}）；请先取消部分报名。',
  },
  shiftAlreadyCancelled: {
    code: 'ALREADY_CANCELLED',
    en: 'This shift was already called off at {cancelledAt}.',
    'zh-CN': '该班次已于 {cancelledAt} 取消。',
  },
  shiftBegunCancel: {
    code: 'SHIFT_STARTED',
    en: 'This shift began at {startsAt}: it is not called off now; its volunteers check out instead.',
    'zh-CN': '该班次已于 {startsAt} 开始，不能再取消；请志愿者签退。',
  },
  cancelReasonLength: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must say why the shift is called off, in 1 to 200 characters: the volunteers are told.',
    'zh-CN': '"reason" 应说明取消班次的原因（1 至 200 个字符），将告知报名的志愿者。',
  },
  shiftEndedSignUp: {
    code: 'SHIFT_OVER',
    en: 'This shift ended at {endsAt}; sign up for a later one.',
    'zh-CN': '该班次已于 {endsAt} 结束，请报名后续班次。',
  },
  alreadySignedUpShift: {
    code: 'ALREADY_SIGNED_UP',
    en: '{personName} is already signed up for this shift.',
    'zh-CN': '{personName} 已报名该班次。',
  },
  allPlacesTakenPick: {
    code: 'SLOT_FULL',
    en: 'All {capacity} places on "{shiftTitle}" ({startsAt}) are taken; pick another shift or ask a member to swap.',
    'zh-CN': '“{shiftTitle}”（{startsAt}）的 {capacity} 个名额已满；请选择其他班次，或请队员与您换班。',
  },
  volunteerCheckedCheckOut: {
    code: 'ALREADY_CHECKED_IN',
    en: 'This volunteer has checked in; check out instead of cancelling.',
    'zh-CN': '该志愿者已签到，请签退而不是取消。',
  },
  signUpAlreadyCancelled: {
    code: 'ALREADY_CANCELLED',
    en: 'This sign-up is already cancelled (or was checked in meanwhile).',
    'zh-CN': '该报名已取消（或在此期间已签到）。',
  },
  bothSignUpsShifts: {
    code: 'BAD_USER_INPUT',
    en: 'Both sign-ups must be shifts of the same team.',
    'zh-CN': '两条报名须属于同一队伍的班次。',
  },
  bothSignUpsBelong: {
    code: 'BAD_USER_INPUT',
    en: 'Both sign-ups belong to the same person; a swap needs two people.',
    'zh-CN': '两条报名属于同一人；换班需要两个人。',
  },
  signUpAlreadyBelongs: {
    code: 'BAD_USER_INPUT',
    en: 'This sign-up already belongs to that person.',
    'zh-CN': '该报名已属于此人。',
  },
  volunteersCheckThemselvesSign: {
    code: 'FORBIDDEN',
    en: 'Volunteers check themselves {what}; this sign-up is someone else’s.',
    'zh-CN': '志愿者须本人{what}；这条报名属于他人。',
  },
  signUpCancelled: {
    code: 'BAD_USER_INPUT',
    en: 'This sign-up was cancelled.',
    'zh-CN': '该报名已取消。',
  },
  alreadyChecked: {
    code: 'ALREADY_CHECKED_IN',
    en: 'Already checked in at {checkedInAt}.',
    'zh-CN': '已于 {checkedInAt} 签到。',
  },
  checkOpenFromUntil: {
    code: 'OUTSIDE_SHIFT',
    en: 'Check-in is open from {Date} until the shift ends at {endsAt}; it is {now}.',
    'zh-CN': '签到时间为 {Date} 至班次结束 {endsAt}；现在是 {now}。',
  },
  checkOutBeforeCheck: {
    code: 'CHECK_IN_FIRST',
    en: 'Check-out before check-in: check in first (checkInVolunteerShift).',
    'zh-CN': '尚未签到不能签退：请先签到（checkInVolunteerShift）。',
  },
  alreadyCheckedOut: {
    code: 'ALREADY_CHECKED_OUT',
    en: 'Already checked out at {checkedOutAt}.',
    'zh-CN': '已于 {checkedOutAt} 签退。',
  },
  checkOutComeAfter: {
    code: 'CHECK_IN_FIRST',
    en: 'Check-out must come after check-in.',
    'zh-CN': '签退时间须晚于签到时间。',
  },
  checkedMinutesAgoHours: {
    code: 'INVALID_DURATION',
    en: 'Checked in {minutes} minutes ago, 24 hours or more: ask community staff to record the real hours by hand (reportVolunteerHours).',
    'zh-CN': '签到已过 {minutes} 分钟，达到或超过 24 小时：请社区工作人员据实手工登记时长（reportVolunteerHours）。',
  },
  taskJustClaimed: {
    code: 'ALREADY_CLAIMED',
    en: 'This task was just claimed by {else}.',
    'zh-CN': '该任务刚刚已被{else}认领。',
  },
  taskChangedMeanwhileNow: {
    code: 'CONFLICT',
    en: 'This task changed meanwhile and is now {nowStatus}; reload it.',
    'zh-CN': '该任务已被他人改动，当前状态为 {nowStatus}，请刷新。',
  },
  giveInputRequestidTask: {
    code: 'BAD_USER_INPUT',
    en: 'Give "input.requestId" (a task for a request) or "input.placeId" (a standalone task).',
    'zh-CN': '请提供 "input.requestId"（诉求对应的任务）或 "input.placeId"（独立任务）。',
  },
  onlyVolunteerWhoClaimed: {
    code: 'NOT_CLAIMER',
    en: 'Only the volunteer who claimed a task releases it; this task is {taskStatus}.',
    'zh-CN': '只有认领该任务的志愿者可以退回任务；该任务当前为 {taskStatus}。',
  },
  onlyClaimerCompletes: {
    code: 'NOT_CLAIMER',
    en: 'Only the volunteer who claimed a task reports it done; this task is {taskStatus}{hint}.',
    'zh-CN': '只有认领该任务的志愿者可以报告完成；该任务当前为 {taskStatus}{hint}。',
  },
  taskServesRequestLeave: {
    code: 'BAD_USER_INPUT',
    en: 'This task serves no request; leave out "resolveRequest".',
    'zh-CN': '该任务不对应任何诉求，请去掉 "resolveRequest"。',
  },
  onlyWhoeverOpenedTask: {
    code: 'FORBIDDEN',
    en: 'Only whoever opened the task, or the volunteer who claimed it, cancels it.',
    'zh-CN': '只有任务发起人或认领该任务的志愿者可以取消任务。',
  },
  taskAlready: {
    code: 'CONFLICT',
    en: 'This task is already {taskStatus}.',
    'zh-CN': '该任务已是 {taskStatus} 状态。',
  },
  alreadyMember: {
    code: 'CONFLICT',
    en: '{personName} is already a member of {teamName}.',
    'zh-CN': '{personName} 已是{teamName}的成员。',
  },
  membershipAlreadyEnded: {
    code: 'CONFLICT',
    en: 'This membership already ended on {leftOn}.',
    'zh-CN': '该成员已于 {leftOn} 退出。',
  },
  leftonAfterDayJoined: {
    code: 'BAD_USER_INPUT',
    en: '"leftOn" ({day}) must be on or after the day joined ({joinedOn}).',
    'zh-CN': '"leftOn"（{day}）不能早于加入日期（{joinedOn}）。',
  },
  wouldLeaderAddAnother: {
    code: 'LAST_LEADER',
    en: '{teamName} would have no leader; add another leader first.',
    'zh-CN': '{teamName}将没有负责人；请先增加一名负责人。',
  },
  lastLeaderErased: {
    code: 'LAST_LEADER',
    en: "{teamName} would have no leader once this person's personal data is erased; add another leader of the team first.",
    'zh-CN': '删除该人员的个人信息后，{teamName}将没有负责人；请先为队伍增加一名负责人。',
  },
  onlyLeaderMayOne: {
    code: 'NOT_TEAM_LEADER',
    en: 'Only a leader of {teamName} may {what}; {personName} is not one of its leaders.',
    'zh-CN': '只有{teamName}的负责人才能{what}；{personName} 不是其负责人。',
  },
  memberJoinTeamFirst: {
    code: 'NOT_TEAM_MEMBER',
    en: '{personName} is not a member of {teamName}; join the team first (or ask its leader to add them).',
    'zh-CN': '{personName} 不是{teamName}的成员；请先加入队伍（或请队伍负责人添加）。',
  },
  textEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must not be empty.',
    'zh-CN': '"{field}" 不能为空。',
  },
  constraintShiftSignupNoOverlap: {
    code: 'DOUBLE_BOOKED',
    en: 'This person is already on another shift at an overlapping time; cancel or swap that one first.',
    'zh-CN': '此人在重叠时段已报名其他班次，请先取消或换班。',
  },
  constraintShiftTakenWithinCapacity: {
    code: 'SLOT_FULL',
    en: 'Every place on this shift is taken; pick another shift or ask a member to swap.',
    'zh-CN': '该班次名额已满；请选择其他班次，或请队员与您换班。',
  },
  constraintRecruitmentAcceptedWithinWanted: {
    code: 'RECRUITMENT_FULL',
    en: 'The call already has every volunteer it wanted; the application stays on the waitlist.',
    'zh-CN': '该招募所需志愿者已招满，此报名留在候补名单中。',
  },
  constraintTeamMemberUnique: {
    code: 'CONFLICT',
    en: 'This person is already a member of the team.',
    'zh-CN': '此人已是该队伍的成员。',
  },
  constraintTeamHomePlaceNameUnique: {
    code: 'CONFLICT',
    en: 'A team of this name is already based at this place; choose another name.',
    'zh-CN': '该地点已有同名队伍，请换一个名称。',
  },
  constraintApplicationUnique: {
    code: 'CONFLICT',
    en: 'This person has already signed up for this call.',
    'zh-CN': '此人已报名该招募。',
  },
  constraintPairingOpenTeamUnique: {
    code: 'CONFLICT',
    en: 'This team is already paired with this resident; end that pairing first.',
    'zh-CN': '该队伍已与这位居民结对，请先结束原有结对。',
  },
  constraintPairingOpenVolunteerUnique: {
    code: 'CONFLICT',
    en: 'This volunteer is already paired with this resident; end that pairing first.',
    'zh-CN': '该志愿者已与这位居民结对，请先结束原有结对。',
  },
  constraintPairingNotSelf: {
    code: 'BAD_USER_INPUT',
    en: 'A volunteer cannot be paired with themselves.',
    'zh-CN': '志愿者不能与自己结对。',
  },
  constraintServiceEntryNotSelfVerified: {
    code: 'SELF_VERIFICATION',
    en: 'Nobody verifies their own hours: another member of community staff must verify them.',
    'zh-CN': '不能审核自己的服务时长：须由社区其他工作人员审核。',
  },
  constraintServiceEntryMinutes: {
    code: 'INVALID_DURATION',
    en: 'Service minutes must be a whole number from 1 to 1439 (less than 24 hours).',
    'zh-CN': '服务时长应为 1 至 1439 之间的整分钟数（不足 24 小时）。',
  },
  constraintShiftSignupCheckOutAfterIn: {
    code: 'CHECK_IN_FIRST',
    en: 'Check-out must come after check-in.',
    'zh-CN': '签退时间须晚于签到时间。',
  },
});

/** Words the messages above take as parameters, in every locale. */
export const volunteerPhrases = definePhrases('volunteer', {
  someone: { en: 'someone', 'zh-CN': '他人' },
  someoneElse: { en: 'someone else', 'zh-CN': '他人' },
  cancelled: { en: 'cancelled', 'zh-CN': '已取消' },
  alreadyCheckedIn: { en: 'already checked in', 'zh-CN': '已签到' },
  swapped: { en: 'swapped', 'zh-CN': '换班' },
  handedOver: { en: 'handed over', 'zh-CN': '转让' },
  checkIn: { en: 'in', 'zh-CN': '签到' },
  checkOut: { en: 'out', 'zh-CN': '签退' },
  cancelOthersShift: { en: "cancel someone else's shift", 'zh-CN': '取消他人的班次' },
  swapOthersShifts: { en: "swap other members' shifts", 'zh-CN': '替其他队员换班' },
  handOverOthersShift: { en: "hand over someone else's shift", 'zh-CN': '转让他人的班次' },
  createSchedules: { en: 'create shift schedules', 'zh-CN': '制定排班计划' },
  openShifts: { en: 'open shifts', 'zh-CN': '开放班次' },
  createShifts: { en: 'create shifts', 'zh-CN': '创建班次' },
  cancelShifts: { en: 'call shifts off', 'zh-CN': '取消班次' },
  changeShifts: { en: 'change how many a shift takes', 'zh-CN': '调整班次名额' },
  addMembers: { en: 'add members', 'zh-CN': '添加成员' },
  closeRecruitment: { en: 'close a recruitment call', 'zh-CN': '结束招募' },
  changeTeam: { en: "change the team's name or description", 'zh-CN': '修改队伍名称或介绍' },
  endOthersMembership: { en: "end someone else's membership", 'zh-CN': '结束他人的成员身份' },
  pairTeam: { en: 'pair the team with a resident', 'zh-CN': '以队伍名义与居民结对' },
  endPairing: { en: 'end the pairing', 'zh-CN': '结束结对' },
  postRecruitment: { en: 'post a recruitment call', 'zh-CN': '发布招募' },
  decideApplications: { en: 'decide applications', 'zh-CN': '审核报名' },
  claimItFirst: { en: ': claim it first', 'zh-CN': '，请先认领' },
});
