import { Organization, OrganizationMember, Person, Place, type PluginSeedContext, Request, RequestStatus } from '@gongzhi/core';
import { Council, CouncilKind, CouncilMember, SeatType, VoteCounting, VotingRule } from './council/council.entity.js';
import { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource, FundingKind } from './decision/decision.entity.js';
import { advanceDecidedRequest } from './decision/linked-request.commands.js';
import { AgendaItemKind, CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting/meeting.entity.js';
import type { CouncilOptions } from './options.js';
import { CouncilResidentPoll, CouncilResidentPollAnswer, CouncilResidentPollPlace, PollAnswer } from './poll/poll.entity.js';
import { CouncilBallot, CouncilProposal, ProposalOutcome, ProposalStatus, VoteChoice } from './proposal/proposal.entity.js';

type SeedContext = PluginSeedContext<CouncilOptions>;

const FIVE_PARTY = '火龙园北里五方共建议事会';
const SHANPAN = '山畔议事会';
const DAY = 86_400_000;

/**
 * Demo councils on core's demo district (people fictional): the five-party council of
 * 火龙园北里社区 taking up the broken door access (decided, funded by parking and
 * advertising income, being carried out), and 芳星园三区's own 山畔议事会, which replaced
 * old sofas with new benches after residents of building 20 agreed. Seeding twice adds nothing;
 * without core's demo district it adds nothing.
 */
export async function seedCouncils(ctx: SeedContext): Promise<void> {
  await seedFiveParty(ctx);
  await seedShanpan(ctx);
  await ctx.em().flush();
}

/**
 * Moves the demo request as the decision did, through the same command (core's request
 * commands, each move on its timeline), in the seeding transaction, as `system: council.seed`.
 */
async function advanceDemoRequest(ctx: SeedContext, request: Request, note: string): Promise<void> {
  const join = ctx.events.systemUnitOfWork;
  if (!join) throw new Error('The council seed needs the running platform: it moves a request through core commands.');
  // Seed data announces nothing, as core's own seed does: no events leave this unit of work.
  const uow = await join({ em: ctx.em(), emit: () => Promise.resolve() }, 'council.seed');
  await uow.run(advanceDecidedRequest, { request, to: RequestStatus.IN_PROGRESS, note });
}

async function seedFiveParty(ctx: SeedContext): Promise<void> {
  const em = ctx.em();
  const community = await em.findOne(Place, { code: 'DEMO-HLY' });
  if (!community || (await em.count(Council, { community, name: FIVE_PARTY }))) return;
  const at = ctx.now();
  const council = em.create(Council, {
    name: FIVE_PARTY,
    kind: CouncilKind.FIVE_PARTY,
    description: '党支部、居委会、业委会、物业、驻区单位五方共商共建',
    votingRule: VotingRule.CONSENT,
    voteCounting: VoteCounting.PER_SEAT,
    quorumPercent: 60,
    community,
  });
  const parties: [string, SeatType, string, string][] = [
    ['火龙园北里社区党支部', SeatType.PARTY_BRANCH, '孟书记', '书记'],
    ['火龙园北里社区居委会', SeatType.RESIDENTS_COMMITTEE, '韩主任', '主任'],
    ['火龙园北里业主委员会', SeatType.OWNERS_COMMITTEE, '钱主任', '主任'],
    ['火龙园物业服务中心', SeatType.PROPERTY_COMPANY, '尹经理', '项目经理'],
    ['驻区单位联合会', SeatType.RESIDENT_UNIT, '冯代表', '代表'],
  ];
  const seats: { member: CouncilMember; person: Person; organization: Organization }[] = [];
  for (const [name, seatType, personName, role] of parties) {
    const organization = await em.findOne(Organization, { name, place: community });
    if (!organization) return;
    // Each party sends a delegate: a (fictional) member of the organisation who votes for it.
    const person = em.create(Person, { name: personName });
    em.create(OrganizationMember, { organization, person, role, joinedOn: '2021-03-01' });
    seats.push({ member: em.create(CouncilMember, { council, seatType, organization }), person, organization });
  }
  const [partyBranch, residentsCommittee, , propertyCompany] = seats;
  if (!partyBranch || !residentsCommittee || !propertyCompany) throw new Error('The five-party council demo needs all five parties.');
  const secretary = partyBranch.person;
  const meeting = em.create(CouncilMeeting, {
    council,
    title: '五方共建协商会：10号楼单元门禁',
    place: community,
    scheduledAt: new Date(at.getTime() - 3 * DAY),
    convenedBy: secretary,
  });
  for (const s of seats) em.create(CouncilAttendance, { meeting, member: s.member, recordedBy: secretary });
  const request = await em.findOne(Request, { title: '单元门禁损坏，外来人员随意进出', placePath: { $like: `${community.path}%` } });
  const item = em.create(CouncilAgendaItem, {
    meeting,
    position: 1,
    kind: request ? AgendaItemKind.REQUEST : AgendaItemKind.TOPIC,
    title: '10号楼单元门禁损坏',
    request,
    minutes:
      '社区管家转来居民反映：门禁损坏，外来人员随意进出。物业报价4.8万元；业委会同意使用公共停车和广告收益；居委会负责通知居民、登记门禁卡。',
  });
  const proposal = em.create(CouncilProposal, {
    agendaItem: item,
    text: '更换10号楼单元门禁，费用由公共停车和广告收益支付',
    status: ProposalStatus.CLOSED,
    outcome: ProposalOutcome.PASSED,
    votingRule: VotingRule.CONSENT,
    voteCounting: VoteCounting.PER_SEAT,
    quorumPercent: 60,
    forWeight: 4,
    againstWeight: 0,
    abstainWeight: 1,
    eligibleWeight: 5,
    closedAt: new Date(at.getTime() - 3 * DAY + 3_600_000),
    closedBy: secretary,
  });
  seats.forEach((s, i) =>
    em.create(CouncilBallot, { proposal, member: s.member, choice: i === 4 ? VoteChoice.ABSTAIN : VoteChoice.FOR, castBy: s.person }),
  );
  const decision = em.create(CouncilDecision, { proposal, summary: '更换10号楼单元门禁', decidedBy: secretary });
  em.create(CouncilActionItem, {
    decision,
    placePath: community.path,
    title: '采购并安装新门禁',
    ownerOrganization: propertyCompany.organization,
    dueOn: '2026-12-15',
    status: ActionItemStatus.IN_PROGRESS,
  });
  em.create(CouncilActionItem, {
    decision,
    placePath: community.path,
    title: '通知居民并登记门禁卡',
    ownerOrganization: residentsCommittee.organization,
    dueOn: '2026-12-20',
  });
  em.create(CouncilFundingSource, {
    decision,
    kind: FundingKind.PARKING_AND_ADVERTISING_INCOME,
    description: '公共停车和广告收益',
    amountFen: 4_800_000,
  });
  await em.flush();
  // The decision puts the request in progress, as recordCouncilDecision does.
  if (request) await advanceDemoRequest(ctx, request, `${FIVE_PARTY}决定：更换10号楼单元门禁`);
}

async function seedShanpan(ctx: SeedContext): Promise<void> {
  const em = ctx.em();
  const community = await em.findOne(Place, { code: 'DEMO-FXY3' });
  const building = await em.findOne(Place, { code: 'DEMO-FXY3-20' });
  if (!community || !building || (await em.count(Council, { community, name: SHANPAN }))) return;
  const head = await em.findOne(Person, { name: '王小丽' });
  const residents = await em.find(
    Person,
    { household: { path: { $like: `${building.path}%` } } },
    { orderBy: { household: { code: 'asc' }, name: 'asc' }, limit: 40 },
  );
  if (!head || residents.length < 40) return;
  const at = ctx.now();
  const council = em.create(Council, {
    name: SHANPAN,
    kind: CouncilKind.NAMED,
    description: '芳星园三区居民自己的议事会（一居一特）',
    votingRule: VotingRule.SIMPLE_MAJORITY,
    voteCounting: VoteCounting.PER_PERSON,
    quorumPercent: 50,
    community,
  });
  const reps = [head, ...residents.slice(0, 4)];
  const seats = reps.map((person) => ({
    person,
    member: em.create(CouncilMember, { council, seatType: SeatType.RESIDENT_REPRESENTATIVE, person }),
  }));
  const meeting = em.create(CouncilMeeting, {
    council,
    title: '山畔议事会：楼下休闲区',
    place: building,
    scheduledAt: new Date(at.getTime() - 20 * DAY),
    convenedBy: head,
  });
  for (const { member } of seats) em.create(CouncilAttendance, { meeting, member, recordedBy: head });
  const item = em.create(CouncilAgendaItem, {
    meeting,
    position: 1,
    kind: AgendaItemKind.TOPIC,
    title: '楼下休闲区旧沙发破损',
    minutes: '旧沙发日晒雨淋已破损，老人坐着不安全。大家商量用结实的新长椅替换，先征求20号楼居民意见。',
  });
  const proposal = em.create(CouncilProposal, {
    agendaItem: item,
    text: '新长椅替换旧沙发',
    status: ProposalStatus.CLOSED,
    outcome: ProposalOutcome.PASSED,
    votingRule: VotingRule.SIMPLE_MAJORITY,
    voteCounting: VoteCounting.PER_PERSON,
    quorumPercent: 50,
    forWeight: 4,
    againstWeight: 0,
    abstainWeight: 1,
    eligibleWeight: 5,
    closedAt: new Date(at.getTime() - 20 * DAY + 3_600_000),
    closedBy: head,
  });
  seats.forEach(({ person, member }, i) =>
    em.create(CouncilBallot, { proposal, member, choice: i === 4 ? VoteChoice.ABSTAIN : VoteChoice.FOR, castBy: person }),
  );
  const eligible = await em.count(Person, { household: { path: { $like: `${building.path}%` } } });
  const poll = em.create(CouncilResidentPoll, {
    proposal,
    question: '用新长椅替换楼下的旧沙发，您同意吗？',
    status: ProposalStatus.CLOSED,
    agreeCount: 36,
    disagreeCount: 4,
    eligibleCount: eligible,
    closedAt: new Date(at.getTime() - 13 * DAY),
  });
  em.create(CouncilResidentPollPlace, { poll, place: building });
  residents.forEach((person, i) =>
    em.create(CouncilResidentPollAnswer, { poll, person, answer: i % 10 === 9 ? PollAnswer.DISAGREE : PollAnswer.AGREE }),
  );
  const decision = em.create(CouncilDecision, {
    proposal,
    summary: '新长椅替换旧沙发',
    decidedBy: head,
    completedAt: new Date(at.getTime() - 2 * DAY),
  });
  em.create(CouncilActionItem, {
    decision,
    placePath: community.path,
    title: '采购并安装三张新长椅',
    ownerPerson: head,
    dueOn: '2026-11-15',
    status: ActionItemStatus.DONE,
  });
  em.create(CouncilFundingSource, {
    decision,
    kind: FundingKind.PARKING_AND_ADVERTISING_INCOME,
    description: '公共停车和广告收益',
    amountFen: 360_000,
  });
}
