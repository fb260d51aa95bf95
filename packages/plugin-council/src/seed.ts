import {
  addOrganizationMember,
  createPerson,
  Organization,
  Person,
  Place,
  type PluginSeedContext,
  Request,
  RequestStatus,
  residentCountUnder,
  type UnitOfWork,
} from '@gongzhi/core';
import { Council, CouncilKind, CouncilMember, SeatType, VoteCounting, VotingRule } from './council/council.entity.js';
import { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource, FundingKind } from './decision/decision.entity.js';
import { advanceDecidedRequest } from './decision/linked-request.commands.js';
import { AgendaItemKind, CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting/meeting.entity.js';
import type { CouncilOptions } from './options.js';
import { CouncilResidentPoll, CouncilResidentPollAnswer, CouncilResidentPollPlace, PollAnswer } from './poll/poll.entity.js';
import { CouncilBallot, CouncilProposal, ProposalOutcome, ProposalStatus, VoteChoice } from './proposal/proposal.entity.js';

const FIVE_PARTY = '火龙园北里五方共建议事会';
const SHANPAN = '山畔议事会';
const DAY = 86_400_000;

/** The i-th row of a list written at once: one millisecond apart, so the demo's lists keep the order written. */
const nth = (uow: UnitOfWork, i: number) => new Date(uow.now().getTime() + i);

/** A seat with the person who votes for it. */
interface Seat {
  member: CouncilMember;
  person: Person;
}

/**
 * Demo councils on core's demo district (people fictional): the five-party council of
 * 火龙园北里社区 taking up the broken door access (decided, funded by parking and
 * advertising income, being carried out), and 芳星园三区's own 山畔议事会, which replaced
 * old sofas with new benches after residents of building 20 agreed. Seeding twice adds nothing;
 * without core's demo district it adds nothing.
 *
 * Council rows are written directly; core's rows (the parties' delegates, the request the
 * decision moved) only through core's commands, run as `system: council.seed` in the seeding
 * transaction.
 */
export async function seedCouncils(ctx: PluginSeedContext<CouncilOptions>): Promise<void> {
  const join = ctx.events.systemUnitOfWork;
  if (!join) throw new Error('The council seed needs the running platform: it changes core rows through core commands.');
  // Seed data announces nothing, as core's own seed does: no events leave this unit of work.
  const uow = await join({ em: ctx.em(), emit: () => Promise.resolve() }, 'council.seed');
  await seedFiveParty(uow);
  await seedShanpan(uow);
  await uow.em.flush();
}

async function seedFiveParty(uow: UnitOfWork): Promise<void> {
  const { em } = uow;
  const community = await em.findOne(Place, { code: 'DEMO-HLY' });
  if (!community || (await em.count(Council, { community, name: FIVE_PARTY }))) return;
  const parties: [string, SeatType, string, string][] = [
    ['火龙园北里社区党支部', SeatType.PARTY_BRANCH, '孟书记', '书记'],
    ['火龙园北里社区居委会', SeatType.RESIDENTS_COMMITTEE, '韩主任', '主任'],
    ['火龙园北里业主委员会', SeatType.OWNERS_COMMITTEE, '钱主任', '主任'],
    ['火龙园物业服务中心', SeatType.PROPERTY_COMPANY, '尹经理', '项目经理'],
    ['驻区单位联合会', SeatType.RESIDENT_UNIT, '冯代表', '代表'],
  ];
  const organizations = await em.find(Organization, { name: { $in: parties.map(([name]) => name) }, place: community });
  if (organizations.length < parties.length) return;
  const council = em.create(Council, {
    name: FIVE_PARTY,
    kind: CouncilKind.FIVE_PARTY,
    description: '党支部、居委会、业委会、物业、驻区单位五方共商共建',
    votingRule: VotingRule.CONSENT,
    voteCounting: VoteCounting.PER_SEAT,
    quorumPercent: 60,
    community,
  });
  const seats: (Seat & { organization: Organization })[] = [];
  for (const [name, seatType, personName, role] of parties) {
    const organization = organizations.find((o) => o.name === name)!;
    // Each party sends a delegate: a (fictional) member of the organisation who votes for it.
    const person = await uow.run(createPerson, { name: personName });
    await uow.run(addOrganizationMember, { organization, person, role, joinedOn: '2021-03-01' });
    seats.push({
      member: em.create(CouncilMember, { council, seatType, organization, createdAt: nth(uow, seats.length) }),
      person,
      organization,
    });
  }
  const [partyBranch, residentsCommittee, , propertyCompany] = seats;
  if (!partyBranch || !residentsCommittee || !propertyCompany) throw new Error('The five-party council demo needs all five parties.');
  const request = await em.findOne(Request, { title: '单元门禁损坏，外来人员随意进出', placePath: { $like: `${community.path}%` } });
  const proposal = doorAccessProposal(uow, council, seats, partyBranch.person, request);
  doorAccessDecision(uow, proposal, partyBranch.person, {
    property: propertyCompany.organization,
    committee: residentsCommittee.organization,
  });
  await em.flush();
  // The decision put the request in progress, as recordCouncilDecision does.
  if (request)
    await uow.run(advanceDecidedRequest, { request, to: RequestStatus.IN_PROGRESS, note: `${FIVE_PARTY}决定：更换10号楼单元门禁` });
}

/** The five parties' meeting on the door access and the proposal they passed by consent (the resident units abstaining). */
function doorAccessProposal(uow: UnitOfWork, council: Council, seats: Seat[], secretary: Person, request: Request | null): CouncilProposal {
  const { em } = uow;
  const at = uow.now();
  const meeting = em.create(CouncilMeeting, {
    council,
    title: '五方共建协商会：10号楼单元门禁',
    place: council.community,
    scheduledAt: new Date(at.getTime() - 3 * DAY),
    convenedBy: secretary,
  });
  seats.forEach((s, i) => em.create(CouncilAttendance, { meeting, member: s.member, recordedBy: secretary, createdAt: nth(uow, i) }));
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
    em.create(CouncilBallot, {
      proposal,
      member: s.member,
      choice: i === 4 ? VoteChoice.ABSTAIN : VoteChoice.FOR,
      castBy: s.person,
      createdAt: nth(uow, i),
    }),
  );
  return proposal;
}

/** The door-access decision: the property company installs (under way), the residents' committee informs; parking income pays. */
function doorAccessDecision(
  uow: UnitOfWork,
  proposal: CouncilProposal,
  decidedBy: Person,
  { property, committee }: { property: Organization; committee: Organization },
): void {
  const { em } = uow;
  const placePath = proposal.agendaItem.meeting.council.community.path;
  const decision = em.create(CouncilDecision, { proposal, summary: '更换10号楼单元门禁', decidedBy });
  em.create(CouncilActionItem, {
    decision,
    placePath,
    title: '采购并安装新门禁',
    ownerOrganization: property,
    dueOn: '2026-12-15',
    status: ActionItemStatus.IN_PROGRESS,
    createdAt: nth(uow, 0),
  });
  em.create(CouncilActionItem, {
    decision,
    placePath,
    title: '通知居民并登记门禁卡',
    ownerOrganization: committee,
    dueOn: '2026-12-20',
    createdAt: nth(uow, 1),
  });
  em.create(CouncilFundingSource, {
    decision,
    kind: FundingKind.PARKING_AND_ADVERTISING_INCOME,
    description: '公共停车和广告收益',
    amountFen: 4_800_000,
  });
}

async function seedShanpan(uow: UnitOfWork): Promise<void> {
  const { em } = uow;
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
  const at = uow.now();
  const council = em.create(Council, {
    name: SHANPAN,
    kind: CouncilKind.NAMED,
    description: '芳星园三区居民自己的议事会（一居一特）',
    votingRule: VotingRule.SIMPLE_MAJORITY,
    voteCounting: VoteCounting.PER_PERSON,
    quorumPercent: 50,
    community,
  });
  const seats = [head, ...residents.slice(0, 4)].map((person, i) => ({
    person,
    member: em.create(CouncilMember, { council, seatType: SeatType.RESIDENT_REPRESENTATIVE, person, createdAt: nth(uow, i) }),
  }));
  const meeting = em.create(CouncilMeeting, {
    council,
    title: '山畔议事会：楼下休闲区',
    place: building,
    scheduledAt: new Date(at.getTime() - 20 * DAY),
    convenedBy: head,
  });
  seats.forEach(({ member }, i) => em.create(CouncilAttendance, { meeting, member, recordedBy: head, createdAt: nth(uow, i) }));
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
    em.create(CouncilBallot, {
      proposal,
      member,
      choice: i === 4 ? VoteChoice.ABSTAIN : VoteChoice.FOR,
      castBy: person,
      createdAt: nth(uow, i),
    }),
  );
  await benchesPollAndDecision(uow, proposal, building, residents, head);
}

/** Building 20's residents agreed (36 to 4); 王小丽 bought and installed the benches. */
async function benchesPollAndDecision(uow: UnitOfWork, proposal: CouncilProposal, building: Place, residents: Person[], head: Person) {
  const { em } = uow;
  const at = uow.now();
  const poll = em.create(CouncilResidentPoll, {
    proposal,
    question: '用新长椅替换楼下的旧沙发，您同意吗？',
    status: ProposalStatus.CLOSED,
    agreeCount: 36,
    disagreeCount: 4,
    eligibleCount: await residentCountUnder(uow, [building.path]),
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
    placePath: proposal.agendaItem.meeting.council.community.path,
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
