import { defineMessages } from '@gongzhi/core';

/**
 * The messages of council's errors, in every locale (see the README's errors section): each has
 * the code clients switch on and the same `{parameters}` in English and Chinese.
 */
export const councilMessages = defineMessages('council', {
  textEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must not be empty.',
    'zh-CN': '"{field}" 不能为空。',
  },
  seatAlreadyVacated: {
    code: 'CONFLICT',
    en: 'This seat on {councilName} was vacated at {vacatedAt}; to seat its holder again, add them as a member.',
    'zh-CN': '{councilName}的该席位已于 {vacatedAt} 空缺；如需让其重新入席，请重新添加为成员。',
  },
  holdsSeatMemberOrganisation: {
    code: 'NOT_A_MEMBER',
    en: '{personName} holds no seat on {councilName} and is not a member of an organisation that does; only its members may do this.',
    'zh-CN': '{personName} 在{councilName}没有席位，也不是有席位的组织的成员；只有其成员可以进行此操作。',
  },
  mayActSeatThey: {
    code: 'NOT_A_MEMBER',
    en: '{personName} may not act for that seat; they may act for: {names}.',
    'zh-CN': '{personName} 不能代表该席位；可代表的席位有：{names}。',
  },
  mayActSeveralSeats: {
    code: 'SEAT_AMBIGUOUS',
    en: '{personName} may act for several seats ({map}): say which one with "memberId".',
    'zh-CN': '{personName} 可以代表多个席位（{map}）：请用 "memberId" 指明代表哪一个。',
  },
  inputCommunityidCommunity: {
    code: 'BAD_USER_INPUT',
    en: '"input.communityId" must be a community (社区); {communityName} is a {communityType}.',
    'zh-CN': '"input.communityId" 应为社区；{communityName} 的类型是 {communityType}。',
  },
  inputQuorumpercentWholeNumber: {
    code: 'BAD_USER_INPUT',
    en: '"input.quorumPercent" must be a whole number from 0 to 100 (the share of voting weight that must vote), got {quorum}.',
    'zh-CN': '"input.quorumPercent" 应为 0 至 100 之间的整数（须参与表决的表决权比例），当前为 {quorum}。',
  },
  rulesChangeUnderOpenVote: {
    code: 'CONFLICT',
    en: '{open} proposal(s) of {councilName} are still open: close them before changing how it decides (each is decided by the rule it was voted under).',
    'zh-CN': '{councilName}仍有 {open} 项提案未结束表决：请先结束表决，再修改议事规则（每项提案按其表决时的规则决定）。',
  },
  alreadyCouncilNamedChoose: {
    code: 'CONFLICT',
    en: '{communityName} already has a council named "{name}"; choose another name.',
    'zh-CN': '{communityName} 已有名为“{name}”的议事会，请换一个名称。',
  },
  seatHeldPersonOrganisation: {
    code: 'BAD_USER_INPUT',
    en: 'A seat is held by a person or by an organisation: give exactly one of "personId" and "organizationId".',
    'zh-CN': '席位由个人或组织持有：请在 "personId" 和 "organizationId" 中提供且只提供一个。',
  },
  alreadyHoldsSeatPerson: {
    code: 'ALREADY_MEMBER',
    en: '{name} already holds a seat on {councilName}; a person or organisation sits once.',
    'zh-CN': '{name} 已在{councilName}拥有席位；个人或组织只能占一个席位。',
  },
  inputActionitemsAssignLeast: {
    code: 'BAD_USER_INPUT',
    en: '"input.actionItems" must assign at least one share of the work (明确分工): a title, one owner and a due date.',
    'zh-CN': '"input.actionItems" 至少要明确一项分工：包括事项名称、一名负责人和完成期限。',
  },
  needsExactlyOneOwner: {
    code: 'BAD_USER_INPUT',
    en: '{field} ("{itemTitle}") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".',
    'zh-CN': '{field}（“{itemTitle}”）需要且只需要一名负责人：请提供 "ownerOrganizationId" 或 "ownerPersonId"。',
  },
  residentsPollProposalStill: {
    code: 'POLL_OPEN',
    en: "The residents' poll on this proposal is still open: close it first; a decision follows the residents' answer.",
    'zh-CN': '该议题的居民意见征询仍在进行：请先结束征询；决定须依据居民意见作出。',
  },
  residentsDidAgreeAgree: {
    code: 'RESIDENTS_DISAGREE',
    en: 'Residents did not agree ({agreeCount} agree, {disagreeCount} disagree); a decision needs more residents agreeing than disagreeing.',
    'zh-CN': '居民意见未达成一致（同意 {agreeCount}，不同意 {disagreeCount}）；作出决定需要同意的居民多于不同意的居民。',
  },
  proposalAlreadyDecisionRecord: {
    code: 'CONFLICT',
    en: 'This proposal already has its decision; record changes as action item updates.',
    'zh-CN': '该议题已有决定；后续变化请以事项进展的形式记录。',
  },
  inputFundingAmountfenWhole: {
    code: 'BAD_USER_INPUT',
    en: 'input.funding.{i}.amountFen must be a whole, non-negative number of fen (1 yuan = 100 fen), got {amountFen}.',
    'zh-CN': 'input.funding.{i}.amountFen 应为非负整数，单位为分（1 元 = 100 分），当前为 {amountFen}。',
  },
  decisionRequestWhichMoves: {
    code: 'FORBIDDEN',
    en: 'This decision is on a request, which it moves to in progress; that needs the permission "request.manage" where the request is, and {deciderName} holds none there. A member who is community staff records it.',
    'zh-CN':
      '该决定针对一条诉求，会将其转为办理中；这需要在诉求所在地具备 "request.manage" 权限，而 {deciderName} 在该处没有。请由身为社区工作人员的成员记录。',
  },
  onlyOwnerUpdates: {
    code: 'NOT_OWNER',
    en: 'Only the owner of "{itemTitle}" updates it: {owner}; {personName} is not.',
    'zh-CN': '只有“{itemTitle}”的负责人 {owner} 可以更新；{personName} 不是负责人。',
  },
  alreadyDoneFinishedShare: {
    code: 'ACTION_ITEM_DONE',
    en: '"{itemTitle}" is already done; a finished share of the work is not reopened.',
    'zh-CN': '“{itemTitle}”已完成；已完成的分工不再重新打开。',
  },
  meetingCancelled: {
    code: 'MEETING_CANCELLED',
    en: 'The meeting "{title}" was called off ({reason}); schedule a new one.',
    'zh-CN': '会议“{title}”已取消（{reason}）；请重新安排会议。',
  },
  meetingAlreadyStarted: {
    code: 'MEETING_STARTED',
    en: 'The meeting "{title}" began at {scheduledAt}; a meeting that took place is not moved or called off.',
    'zh-CN': '会议“{title}”已于 {scheduledAt} 开始；已召开的会议不能改期或取消。',
  },
  meetingHasOpenProposals: {
    code: 'CONFLICT',
    en: '{open} proposal(s) on the agenda of "{title}" are still open: close them before calling the meeting off.',
    'zh-CN': '会议“{title}”的议程中还有 {open} 项提案未结束：请先结束表决再取消会议。',
  },
  meetingNeedsHoursNotice: {
    code: 'NOTICE_TOO_SHORT',
    en: 'A meeting needs {notice} hours\' notice: schedule it at {Date} or later, or set "urgent" to convene it within hours.',
    'zh-CN': '会议需提前 {notice} 小时通知：请安排在 {Date} 或之后，或设置 "urgent" 以在数小时内召开。',
  },
  inputScheduledatUrgentMeeting: {
    code: 'BAD_USER_INPUT',
    en: '"input.scheduledAt" of an urgent meeting must be within the last day or in the future.',
    'zh-CN': '紧急会议的 "input.scheduledAt" 须在最近一天内或将来。',
  },
  memberidsNameSeatsCouncil: {
    code: 'BAD_USER_INPUT',
    en: '"memberIds" must name seats of the council holding this meeting; some do not.',
    'zh-CN': '"memberIds" 应为召开本次会议的议事会的席位；其中有些不是。',
  },
  agendaItemAboutRequest: {
    code: 'BAD_USER_INPUT',
    en: 'An agenda item is about a request or a grid finding, not both: give "requestId" or "gridFindingId" (or neither for a free topic).',
    'zh-CN': '议程事项针对一条诉求或一项网格发现，不能两者兼有：请提供 "requestId" 或 "gridFindingId"（自由议题两者都不提供）。',
  },
  inputGridfindingidIdGrid: {
    code: 'BAD_USER_INPUT',
    en: '"input.gridFindingId" must be the id of a grid finding (a GridFinding).',
    'zh-CN': '"input.gridFindingId" 应为网格发现（GridFinding）的编号。',
  },
  placeidsNameLeastOne: {
    code: 'BAD_USER_INPUT',
    en: '"placeIds" must name at least one affected place (a building, a compound…) whose residents are asked.',
    'zh-CN': '"placeIds" 至少要列出一个受影响的地点（楼栋、小区……），向其居民征询意见。',
  },
  placeidsLieCouncilS: {
    code: 'OUT_OF_SCOPE',
    en: '"placeIds" must lie in {communityName}, the council\'s community; {aboveName} does not.',
    'zh-CN': '"placeIds" 须在议事会所在的{communityName}内；{aboveName} 不在其中。',
  },
  residentsPollClosedAnswers: {
    code: 'POLL_CLOSED',
    en: "This residents' poll has closed; answers are taken only while it is open.",
    'zh-CN': '该居民意见征询已结束；只在征询期间收集意见。',
  },
  doesLivePlacesPoll: {
    code: 'NOT_A_RESIDENT',
    en: '{residentName} does not live in the places this poll asks (their household is not under any of them); only their residents answer.',
    'zh-CN': '{residentName} 不住在本次征询的范围内（其所属户不在其中任何地点之下）；只有范围内的居民可以回答。',
  },
  alreadyAnsweredPollEach: {
    code: 'ALREADY_ANSWERED',
    en: '{residentName} has already answered this poll; each resident answers once.',
    'zh-CN': '{residentName} 已回答过本次征询；每位居民只能回答一次。',
  },
  residentsPollAlreadyClosed: {
    code: 'POLL_CLOSED',
    en: "This residents' poll is already closed.",
    'zh-CN': '该居民意见征询已经结束。',
  },
  votingProposalClosedOutcome: {
    code: 'PROPOSAL_CLOSED',
    en: 'Voting on this proposal has closed; its outcome is recorded. Votes are taken only while a proposal is open.',
    'zh-CN': '该议题的表决已结束，结果已记录。只在议题开放期间接受投票。',
  },
  votedProposalYetCast: {
    code: 'NO_VOTE_YET',
    en: '{seatName} has not voted on this proposal yet; cast the vote with castCouncilVote.',
    'zh-CN': '{seatName} 尚未对该议题投票；请用 castCouncilVote 投票。',
  },
  alreadyVotedCastOne: {
    code: 'ALREADY_VOTED',
    en: '{seatName} already voted {toUpperCase} (cast by {castByName}); one vote per seat. To change it while the vote is open, use changeCouncilVote.',
    'zh-CN': '{seatName} 已投 {toUpperCase}（由 {castByName} 投出）；每个席位一票。如需在表决期间改票，请使用 changeCouncilVote。',
  },
  proposalAlreadyClosedOutcome: {
    code: 'PROPOSAL_CLOSED',
    en: 'This proposal is already closed; its outcome is recorded.',
    'zh-CN': '该议题已结束表决，结果已记录。',
  },
  constraintCouncilCommunityIdNameKey: {
    code: 'CONFLICT',
    en: 'The community already has a council of this name; choose another name.',
    'zh-CN': '本社区已有同名议事会，请换一个名称。',
  },
  constraintMemberPersonUnique: {
    code: 'ALREADY_MEMBER',
    en: 'This person already holds a seat on the council; a person or organisation sits once.',
    'zh-CN': '此人已在该议事会拥有席位；个人或组织只能占一个席位。',
  },
  constraintMemberOrganizationUnique: {
    code: 'ALREADY_MEMBER',
    en: 'This organisation already holds a seat on the council; a person or organisation sits once.',
    'zh-CN': '该组织已在该议事会拥有席位；个人或组织只能占一个席位。',
  },
  constraintResidentPollProposalIdKey: {
    code: 'CONFLICT',
    en: "This proposal already has a residents' poll; a proposal is put to residents once.",
    'zh-CN': '该议题已发起过居民意见征询；每个议题只征询一次。',
  },
  constraintDecisionProposalIdKey: {
    code: 'CONFLICT',
    en: 'This proposal already has its decision; record changes as action item updates.',
    'zh-CN': '该议题已有决定；后续变化请以事项进展的形式记录。',
  },
  onlyOwnerOrganizationUpdates: {
    code: 'NOT_OWNER',
    en: 'Only the owner of "{itemTitle}" updates it: members of {organizationName}; {personName} is not.',
    'zh-CN': '只有“{itemTitle}”的负责单位{organizationName}的成员可以更新；{personName} 不是其成员。',
  },
  proposalStillOpen: {
    code: 'PROPOSAL_NOT_PASSED',
    en: 'This proposal is still open: close the vote first; only a passed proposal becomes a decision.',
    'zh-CN': '该议题仍在表决中：请先结束表决；只有通过的议题才能形成决定。',
  },
  proposalNotPassed: {
    code: 'PROPOSAL_NOT_PASSED',
    en: 'This proposal was not passed ({outcome}); only a passed proposal becomes a decision.',
    'zh-CN': '该议题未获通过（{outcome}）；只有通过的议题才能形成决定。',
  },
  onePollPerProposal: {
    code: 'CONFLICT',
    en: "This proposal already has a residents' poll; a proposal is put to residents once.",
    'zh-CN': '该议题已发起过居民意见征询；每个议题只征询一次。',
  },
  linkedRequestNotMoved: {
    code: 'ILLEGAL_TRANSITION',
    en: 'The request this decision is about could not be moved to {to}: {reason}',
    'zh-CN': '该决定所涉及的诉求未能转为 {to}：{reason}',
  },
});
