import { ERASED_NAME, type Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { act, as, createWorld, failure, Q, type World } from './world.js';

let w: World;
/** The resident whose personal data is erased (居民1), and one who stays (居民2); both live in 10号楼. */
let erased: Person;
let kept: Person;
/** A council where the erased resident sat, convened, attended, voted, closed, answered, decided and owns a share of the work. */
let worked: string;
/** A council where both merely hold a seat. */
let seatedOnly: string;

const COUNCIL = `query($id: ID!) { node(id: $id) { ... on Council { name
  members { nodes { seatType name person { name } } }
  meetings { nodes { title convenedBy { name } attendance { nodes { member { name } recordedBy { name } } }
    agenda { nodes { title proposals { nodes { text outcome closedBy { name } tally { forWeight abstainWeight eligibleWeight }
      ballots { nodes { choice castBy { name } member { name } } }
      residentPoll { answerCount agreeCount disagreeCount }
      decision { summary decidedBy { name } actionItems { nodes { title ownerPerson { name } } } } } } } } } } } } }`;
const SEATS = `query($id: ID!) { node(id: $id) { ... on Person { name councilSeats { nodes { council { name } } } } } }`;
const ERASE = `mutation($input: ErasePersonalDataInput!) { erasePersonalData(input: $input) {
  erasure { personId records { owner entity rows treatment } } errors { code message field } } }`;

/** A council of the community where both residents hold a seat. */
async function council(name: string): Promise<string> {
  const { id } = await act(w.app, Q.createCouncil, {
    input: { communityId: w.community.id, name, votingRule: 'SIMPLE_MAJORITY', quorumPercent: 50 },
  });
  for (const person of [erased, kept]) await act(w.app, Q.addMember, { c: id, s: 'RESIDENT_REPRESENTATIVE', p: person.id });
  return id;
}

beforeAll(async () => {
  w = await createWorld();
  [erased, kept] = w.residents;
  // Resident representatives of the community: their role there is what lets them see each other.
  const em = w.app.platform.orm.em.fork();
  for (const person of [erased, kept])
    em.create(PersonRole, { person, place: w.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
  worked = await council('楼道议事会');
  const seats = (await w.app.run(`query($id: ID!) { node(id: $id) { ... on Council { members { nodes { id } } } } }`, { id: worked })).node
    .members.nodes;
  const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
  const meeting = await act(w.app, Q.schedule, { input: { councilId: worked, title: '楼道议事', scheduledAt, urgent: true } }, as(erased));
  await act(w.app, Q.attendance, { m: meeting.id, ids: seats.map((s: { id: string }) => s.id) }, as(erased));
  const item = await act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: '楼道堆物' } }, as(erased));
  const proposal = await act(w.app, Q.propose, { a: item.id, t: '清理楼道堆物' }, as(erased));
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(erased));
  await act(w.app, Q.vote, { p: proposal.id, c: 'ABSTAIN' }, as(kept));
  await act(w.app, Q.close, { p: proposal.id }, as(erased));
  const poll = await act(w.app, Q.openPoll, { p: proposal.id, q: '同意清理吗？', places: [w.building.id] }, as(erased));
  await act(w.app, Q.answerPoll, { id: poll.id, a: 'AGREE' }, as(erased));
  await act(w.app, Q.answerPoll, { id: poll.id, a: 'AGREE' }, as(kept));
  await act(w.app, Q.closePoll, { id: poll.id }, as(erased));
  await act(
    w.app,
    Q.decide,
    {
      input: {
        proposalId: proposal.id,
        summary: '周末清理楼道',
        actionItems: [
          { title: '通知各户', ownerPersonId: erased.id, dueOn: '2026-12-01' },
          { title: '搬运杂物', ownerPersonId: kept.id, dueOn: '2026-12-02' },
        ],
        funding: [],
      },
    },
    as(erased),
  );
  seatedOnly = await council('银发议事会');
});
afterAll(() => w?.app.close());

test("erasing a resident deletes their bare seats, keeps the council's record pointing at the pseudonymised row, and says so", async () => {
  const before = await w.app.run(COUNCIL, { id: worked });
  expect(JSON.stringify(before)).toContain(erased.name);

  const { erasePersonalData } = await w.app.run(ERASE, { input: { personId: erased.id, reason: '本人书面申请删除' } });
  expect(erasePersonalData.errors).toEqual([]);
  const records: { owner: string; entity: string; rows: number; treatment: string }[] = erasePersonalData.erasure.records;
  const council = records.filter((r) => r.owner === 'council');
  expect(Object.fromEntries(council.map((r) => [r.entity, r.rows]))).toEqual({
    CouncilMember: 2, // the bare seat deleted, the one with a ballot and an attendance vacated
    CouncilMeeting: 0,
    CouncilAttendance: 0,
    CouncilProposal: 0,
    CouncilBallot: 0,
    CouncilResidentPollAnswer: 0,
    CouncilDecision: 0,
    CouncilActionItem: 0,
  });
  expect(council.every((r) => /^(deleted|kept)\b/.test(r.treatment))).toBe(true);

  // The council they worked in: every seat, attendance, ballot, answer, decision and share of the work is still there,
  // the same but for their name; the tally and the poll's counts still add up.
  const after = await w.app.run(COUNCIL, { id: worked });
  expect(after).toEqual(JSON.parse(JSON.stringify(before).replaceAll(erased.name, ERASED_NAME)));
  const proposal = after.node.meetings.nodes[0].agenda.nodes[0].proposals.nodes[0];
  expect(proposal.tally).toEqual({ forWeight: 1, abstainWeight: 1, eligibleWeight: 2 });
  expect(proposal.residentPoll).toEqual({ answerCount: 2, agreeCount: 2, disagreeCount: 0 });
  expect(proposal.ballots.nodes).toContainEqual({ choice: 'FOR', castBy: { name: ERASED_NAME }, member: { name: ERASED_NAME } });

  // The council where they merely sat: their seat is gone, the other resident's stays.
  const seated = await w.app.run(COUNCIL, { id: seatedOnly });
  expect(seated.node.members.nodes).toEqual([{ seatType: 'RESIDENT_REPRESENTATIVE', name: kept.name, person: { name: kept.name } }]);
  expect((await w.app.run(SEATS, { id: erased.id })).node).toEqual({
    name: ERASED_NAME,
    councilSeats: { nodes: [{ council: { name: '楼道议事会' } }] },
  });
  expect((await w.app.run(SEATS, { id: kept.id })).node).toEqual({
    name: kept.name,
    councilSeats: { nodes: [{ council: { name: '楼道议事会' } }, { council: { name: '银发议事会' } }] },
  });
});

test('a vacated seat does not weigh on the votes after the erasure: the others reach quorum without it', async () => {
  const scheduledAt = new Date(Date.now() + 7_200_000).toISOString();
  const meeting = await act(w.app, Q.schedule, { input: { councilId: worked, title: '再次议事', scheduledAt, urgent: true } }, as(kept));
  const item = await act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: '加装扶手' } }, as(kept));
  const proposal = await act(w.app, Q.propose, { a: item.id, t: '楼道加装扶手' }, as(kept));
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(kept));
  await act(w.app, Q.close, { p: proposal.id }, as(kept));
  const closed = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on CouncilProposal { outcome tally { forWeight eligibleWeight } } } }`,
    {
      id: proposal.id,
    },
  );
  expect(closed.node).toEqual({ outcome: 'PASSED', tally: { forWeight: 1, eligibleWeight: 1 } });
});

test("staff give the erased person's unfinished share of the work to someone else, who finishes it; a resident may not", async () => {
  const ITEMS = `query($id: ID!) { node(id: $id) { ... on Council { meetings { nodes { agenda { nodes { proposals { nodes {
    decision { actionItems { nodes { id title status ownerPerson { name } } } } } } } } } } } } }`;
  const meetings = (await w.app.run(ITEMS, { id: worked })).node.meetings.nodes;
  // Every action item of the council, whichever meeting decided it.
  const items = meetings.flatMap((m: any) =>
    m.agenda.nodes.flatMap((a: any) => a.proposals.nodes.flatMap((p: any) => p.decision?.actionItems.nodes ?? [])),
  );
  const theirs = items.find((i: { title: string }) => i.title === '通知各户');
  expect(theirs).toMatchObject({ status: 'TODO', ownerPerson: { name: ERASED_NAME } });
  const REASSIGN = `mutation($id: ID!, $p: ID) { reassignCouncilActionItem(id: $id, ownerPersonId: $p) {
    actionItem { title ownerPerson { name } } errors { code message field } } }`;
  expect(await failure(w.app, REASSIGN, { id: theirs.id, p: kept.id }, as(kept))).toMatchObject({ code: 'FORBIDDEN' });
  const staff = w.orgs.committee.people[0];
  expect(await failure(w.app, REASSIGN, { id: theirs.id }, as(staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerPersonId' });
  expect(await act(w.app, REASSIGN, { id: theirs.id, p: kept.id }, as(staff))).toEqual({
    title: '通知各户',
    ownerPerson: { name: kept.name },
  });
  expect(await act(w.app, Q.updateItem, { id: theirs.id, s: 'DONE' }, as(kept))).toMatchObject({ status: 'DONE' });
});
