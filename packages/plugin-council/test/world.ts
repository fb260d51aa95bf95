import {
  type Caller,
  Organization,
  OrganizationKind,
  OrganizationMember,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
} from '@gongzhi/core';
import { asPerson, createTestApp, placeWriter, type Problem, problemOf, type TestApp, type TestAppOptions } from '@gongzhi/core/testing';
import plugin from '../src/index.js';

/** A small district for council tests, written straight to the database (core's tables). */
export interface World {
  app: TestApp;
  district: Place;
  subdistrict: Place;
  community: Place;
  building: Place;
  otherBuilding: Place;
  hall: Place;
  /** Residents of `building` (households under it). */
  residents: Person[];
  /** A resident of `otherBuilding`. */
  neighbour: Person;
  /** Five-party organisations, each with its named people. */
  orgs: Record<'party' | 'committee' | 'owners' | 'property' | 'unit', { org: Organization; people: Person[] }>;
  outsider: Person;
}

export { asPerson as as };

export async function createWorld(clock?: () => Date, options: Omit<TestAppOptions, 'plugins' | 'clock'> = {}): Promise<World> {
  const app = await createTestApp({ ...options, plugins: [plugin], clock });
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'T-FT', '丰台区', null);
  const sub = place(PlaceType.SUBDISTRICT, 'T-FZ', '方庄街道', district);
  const community = place(PlaceType.COMMUNITY, 'T-HLY', '火龙园北里社区', sub);
  const building = place(PlaceType.BUILDING, 'T-HLY-10', '10号楼', community);
  const otherBuilding = place(PlaceType.BUILDING, 'T-HLY-11', '11号楼', community);
  const hall = place(PlaceType.VENUE, 'T-HLY-HALL', '社区议事厅', community);
  const residents: Person[] = [];
  for (let i = 1; i <= 4; i++) {
    const home = place(PlaceType.HOUSEHOLD, `T-HLY-10-${i}01`, `10号楼${i}01`, building);
    residents.push(em.create(Person, { name: `居民${i}`, household: home }));
  }
  const otherHome = place(PlaceType.HOUSEHOLD, 'T-HLY-11-101', '11号楼101', otherBuilding);
  const neighbour = em.create(Person, { name: '邻楼居民', household: otherHome });
  const org = (name: string, kind: OrganizationKind, people: string[], role: PersonRoleKind) => {
    const o = em.create(Organization, { name, kind, place: community });
    const ps = people.map((n) => em.create(Person, { name: n }));
    // Each party's people hold a role in the community, which is what lets them see its business.
    for (const p of ps) em.create(PersonRole, { person: p, place: community, role, startsOn: '2020-01-01' });
    for (const p of ps) em.create(OrganizationMember, { organization: o, person: p, role: '成员', joinedOn: '2024-01-01' });
    return { org: o, people: ps };
  };
  const orgs = {
    party: org('火龙园北里社区党支部', OrganizationKind.PARTY_BRANCH, ['党支部书记'], PersonRoleKind.PARTY_MEMBER),
    committee: org(
      '火龙园北里社区居委会',
      OrganizationKind.RESIDENTS_COMMITTEE,
      ['居委会主任', '居委会委员'],
      PersonRoleKind.SOCIAL_WORKER,
    ),
    owners: org(
      '火龙园北里业主委员会',
      OrganizationKind.OWNERS_COMMITTEE,
      ['业委会主任', '业委会委员甲', '业委会委员乙'],
      PersonRoleKind.RESIDENT,
    ),
    property: org('火龙园物业服务中心', OrganizationKind.PROPERTY_COMPANY, ['物业经理'], PersonRoleKind.PROPERTY_STAFF),
    unit: org('驻区单位联合会', OrganizationKind.RESIDENT_UNIT, ['驻区单位代表'], PersonRoleKind.VOLUNTEER),
  };
  const outsider = em.create(Person, { name: '路人' });
  await em.flush();
  return { app, district, subdistrict: sub, community, building, otherBuilding, hall, residents, neighbour, orgs, outsider };
}

type Options = { caller?: Caller | null };

/** Runs a mutation expected to succeed; returns its payload's result (the first field besides `errors`). */
export async function act(app: TestApp, source: string, variables: Record<string, unknown> = {}, options?: Options): Promise<any> {
  const result = await app.execute(source, variables, options);
  const problem = problemOf(result);
  if (problem) throw new Error(`${source.slice(0, 60)}…: ${problem.code}: ${problem.message}`);
  const payload = Object.values(result.data!)[0] as Record<string, unknown>;
  return Object.entries(payload).find(([key]) => key !== 'errors')![1];
}

/** Runs an operation expected to fail; returns the problem (a payload error, or a top-level one). */
export async function failure(app: TestApp, source: string, variables: Record<string, unknown>, options?: Options): Promise<Problem> {
  const problem = problemOf(await app.execute(source, variables, options));
  expect(problem).toBeDefined();
  return problem!;
}

const ERRORS = 'errors { code message field }';

export const Q = {
  createCouncil: `mutation($input: CreateCouncilInput!) { createCouncil(input: $input) { council { id name kind votingRule voteCounting quorumPercent } ${ERRORS} } }`,
  addMember: `mutation($c: ID!, $s: CouncilSeatType!, $p: ID, $o: ID) { addCouncilMember(councilId: $c, seatType: $s, personId: $p, organizationId: $o) { member { id seatType name } ${ERRORS} } }`,
  schedule: `mutation($input: ScheduleCouncilMeetingInput!) { scheduleCouncilMeeting(input: $input) { meeting { id title urgent scheduledAt place { name } convenedBy { name } } ${ERRORS} } }`,
  attendance: `mutation($m: ID!, $ids: [ID!]!) { recordCouncilAttendance(meetingId: $m, memberIds: $ids) { meeting { id attendance { nodes { member { name } } } } ${ERRORS} } }`,
  agenda: `mutation($input: AddCouncilAgendaItemInput!) { addCouncilAgendaItem(input: $input) { agendaItem { id position kind title request { id status } gridFindingId } ${ERRORS} } }`,
  propose: `mutation($a: ID!, $t: String!) { createCouncilProposal(agendaItemId: $a, text: $t) { proposal { id status } ${ERRORS} } }`,
  vote: `mutation($p: ID!, $c: CouncilVoteChoice!, $m: ID) { castCouncilVote(proposalId: $p, choice: $c, memberId: $m) { ballot { id choice castBy { name } member { name } } ${ERRORS} } }`,
  changeVote: `mutation($p: ID!, $c: CouncilVoteChoice!, $m: ID) { changeCouncilVote(proposalId: $p, choice: $c, memberId: $m) { ballot { id choice castBy { name } } ${ERRORS} } }`,
  close: `mutation($p: ID!) { closeCouncilProposal(proposalId: $p) { proposal { id status outcome closedBy { name } tally { forWeight againstWeight abstainWeight eligibleWeight castWeight votingRule voteCounting quorumPercent quorumMet } } ${ERRORS} } }`,
  openPoll: `mutation($p: ID!, $q: String!, $places: [ID!]!) { openCouncilResidentPoll(proposalId: $p, question: $q, placeIds: $places) { poll { id status question places { name } } ${ERRORS} } }`,
  answerPoll: `mutation($id: ID!, $a: CouncilPollAnswer!) { answerCouncilResidentPoll(pollId: $id, answer: $a) { poll { id answerCount } ${ERRORS} } }`,
  closePoll: `mutation($id: ID!) { closeCouncilResidentPoll(pollId: $id) { poll { status agreeCount disagreeCount eligibleCount answerCount closedAt } ${ERRORS} } }`,
  decide: `mutation($input: RecordCouncilDecisionInput!) { recordCouncilDecision(input: $input) { decision { id summary totalFundingFen progress { done inProgress total ratio }
    actionItems { nodes { id title dueOn status ownerOrganization { name } ownerPerson { name } } } fundingSources { nodes { kind description amountFen } } } ${ERRORS} } }`,
  updateItem: `mutation($id: ID!, $s: CouncilActionItemStatus!) { updateCouncilActionItem(id: $id, status: $s) { actionItem { id status decision { progress { done total ratio } completedAt } } ${ERRORS} } }`,
  minutes: `mutation($a: ID!, $m: String!) { recordCouncilMinutes(agendaItemId: $a, minutes: $m) { agendaItem { minutes } ${ERRORS} } }`,
};

/** A council in the world's community with the given rule, counting, quorum, and a proposal open on a topic. */
export async function councilWithProposal(
  w: World,
  name: string,
  rule: string,
  counting: string,
  quorumPercent: number,
  seats: { person?: Person; org?: Organization; seat: string }[],
) {
  const convenor = seats[0].person ?? null;
  const council = await act(w.app, Q.createCouncil, {
    input: { communityId: w.community.id, name, kind: 'NAMED', votingRule: rule, voteCounting: counting, quorumPercent },
  });
  const members: string[] = [];
  for (const s of seats) members.push((await act(w.app, Q.addMember, { c: council.id, s: s.seat, p: s.person?.id, o: s.org?.id })).id);
  const actor = convenor ?? firstPersonOf(w, seats[0].org!);
  const scheduledAt = new Date(Date.now() + 3 * 3_600_000).toISOString();
  const meeting = await act(
    w.app,
    Q.schedule,
    { input: { councilId: council.id, title: `${name}会议`, scheduledAt, urgent: true } },
    asPerson(actor),
  );
  const item = await act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: '议题' } }, asPerson(actor));
  const proposal = await act(w.app, Q.propose, { a: item.id, t: '提案' }, asPerson(actor));
  return { council, members, meeting, item, proposal, actor };
}

function firstPersonOf(w: World, org: Organization): Person {
  for (const group of Object.values(w.orgs)) if (group.org.uuid === org.uuid) return group.people[0];
  throw new Error('unknown organisation');
}

/** An action item as `recordCouncilDecision` takes it, owned by a person. */
export interface ActionItemDraft {
  title: string;
  dueOn: string;
  ownerPersonId: string;
}

/**
 * A decision of a new one-seat council of `community` (named `name`) with the given action items,
 * through the public API: council, urgent meeting, agenda item, proposal, vote, close, decision.
 * Answers the action items' ids, in the order given.
 */
export async function oneSeatDecision(w: World, community: Place, rep: Person, items: ActionItemDraft[], name: string): Promise<string[]> {
  const council = await act(w.app, Q.createCouncil, {
    input: { communityId: community.id, name, kind: 'NAMED', votingRule: 'SIMPLE_MAJORITY', voteCounting: 'PER_SEAT', quorumPercent: 50 },
  });
  await act(w.app, Q.addMember, { c: council.id, s: 'RESIDENT_REPRESENTATIVE', p: rep.id });
  const at = new Date(w.app.platform.now().getTime() + 3_600_000).toISOString();
  const meeting = await act(
    w.app,
    Q.schedule,
    { input: { councilId: council.id, title: '议事', scheduledAt: at, urgent: true } },
    asPerson(rep),
  );
  const agenda = await act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: '议题' } }, asPerson(rep));
  const proposal = await act(w.app, Q.propose, { a: agenda.id, t: '提案' }, asPerson(rep));
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, asPerson(rep));
  await act(w.app, Q.close, { p: proposal.id }, asPerson(rep));
  const decision = await act(
    w.app,
    Q.decide,
    { input: { proposalId: proposal.id, summary: '决定', actionItems: items, funding: [] } },
    asPerson(rep),
  );
  return decision.actionItems.nodes.map((i: { id: string }) => i.id);
}
