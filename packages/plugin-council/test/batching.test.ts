import { act, as, createWorld, Q, type World } from './world.js';

let w: World;
const KEYS = ['party', 'committee', 'owners', 'property', 'unit'] as const;

/** A council with everything under it: seats, a meeting, attendance, an item on a request, a closed proposal, a poll, a decision. */
async function fullCouncil(i: number) {
  const { app, orgs } = w;
  const chair = orgs.party.people[0];
  // The decision moves the request: community staff (the residents' committee director) records it.
  const director = orgs.committee.people[0];
  const { submitRequest } = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }`,
    {
      input: { kind: 'COMPLAINT', channel: 'PHONE', title: `诉求${i}`, placeId: w.building.id, requesterId: w.residents[0].id },
    },
  );
  const council = await act(app, Q.createCouncil, {
    input: { communityId: w.community.id, name: `议事会${i}`, votingRule: 'CONSENT', quorumPercent: 0 },
  });
  const members: string[] = [];
  for (const [k, key] of KEYS.entries()) {
    const seat = ['PARTY_BRANCH', 'RESIDENTS_COMMITTEE', 'OWNERS_COMMITTEE', 'PROPERTY_COMPANY', 'RESIDENT_UNIT'][k];
    members.push((await act(app, Q.addMember, { c: council.id, s: seat, o: orgs[key].org.id })).id);
  }
  const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
  const meeting = await act(
    app,
    Q.schedule,
    { input: { councilId: council.id, title: `会议${i}`, placeId: w.hall.id, scheduledAt, urgent: true } },
    as(chair),
  );
  await act(app, Q.attendance, { m: meeting.id, ids: members }, as(chair));
  const item = await act(
    app,
    Q.agenda,
    { input: { meetingId: meeting.id, title: `议题${i}`, requestId: submitRequest.request.id } },
    as(chair),
  );
  const proposal = await act(app, Q.propose, { a: item.id, t: `提案${i}` }, as(chair));
  await act(app, Q.vote, { p: proposal.id, c: 'FOR' }, as(chair));
  await act(app, Q.vote, { p: proposal.id, c: 'FOR' }, as(orgs.owners.people[0]));
  await act(app, Q.close, { p: proposal.id }, as(chair));
  const poll = await act(app, Q.openPoll, { p: proposal.id, q: '同意吗？', places: [w.building.id] }, as(chair));
  await act(app, Q.answerPoll, { id: poll.id, a: 'AGREE' }, as(w.residents[1]));
  await act(app, Q.closePoll, { id: poll.id }, as(chair));
  await act(
    app,
    Q.decide,
    {
      input: {
        proposalId: proposal.id,
        summary: `决定${i}`,
        actionItems: [
          { title: `分工${i}`, ownerOrganizationId: orgs[KEYS[i % 5]].org.id, dueOn: '2026-12-31' },
          { title: `个人分工${i}`, ownerPersonId: w.residents[2].id, dueOn: '2026-12-31' },
        ],
        funding: [{ kind: 'SUBDISTRICT_ALLOCATION', amountFen: 100_000 }],
      },
    },
    as(director),
  );
}

beforeAll(async () => {
  w = await createWorld();
  for (let i = 0; i < 5; i++) await fullCouncil(i);
});
afterAll(() => w?.app.close());

const DEEP = `query($under: ID!, $first: Int!) { councils(under: $under, first: $first) {
  id name community { name }
  members { seatType name person { name } organization { name councilSeats { seatType } } council { name } }
  meetings { title place { name } convenedBy { name } attendance { name } council { name }
    agenda { position kind title request { title councilItems { title } } meeting { title }
      proposals { text outcome closedBy { name } tally { forWeight quorumMet } agendaItem { title }
        ballots { choice castBy { name } member { name } }
        residentPoll { question answerCount places { name } proposal { text } }
        decision { summary totalFundingFen progress { done total ratio } decidedBy { name } proposal { text }
          actionItems { title ownerOrganization { name } ownerPerson { name } decision { summary } }
          fundingSources { kind amountFen } } } } } } }`;

test('a page of councils with everything under it costs the same statements for 1 council as for 5', async () => {
  const run = async (first: number) => {
    let data: any;
    const statements = await w.app.countStatements(async () => {
      data = await w.app.run(DEEP, { under: w.community.id, first });
    });
    return { statements, data };
  };
  const one = await run(1);
  const five = await run(5);
  expect(one.data.councils).toHaveLength(1);
  expect(five.data.councils).toHaveLength(5);
  expect(five.data.councils[4].meetings[0].agenda[0].proposals[0].decision.actionItems).toHaveLength(2);
  expect(five.data.councils[4].meetings[0].attendance).toHaveLength(5);
  expect(five.statements).toBe(one.statements);
});

test("council fields on core's Request, Organization, Person and Place are batched", async () => {
  const doc = `query($under: ID!, $first: Int!) {
    requests(filter: { under: $under }, first: $first) { edges { node { title councilItems { title proposals { outcome } } } } }
    organizations(under: $under, first: $first) { nodes { name councilSeats { seatType council { name } } councilActionItems { title } } }
    people(under: $under, first: $first) { nodes { name councilSeats { seatType } } }
    places(under: $under, first: $first) { nodes { name councils { name } } } }`;
  const count = async (first: number) => {
    let data: any;
    const statements = await w.app.countStatements(async () => {
      data = await w.app.run(doc, { under: w.community.id, first });
    });
    return { statements, data };
  };
  const one = await count(1);
  const five = await count(5);
  expect(five.data.requests.edges).toHaveLength(5);
  expect(five.data.organizations.nodes).toHaveLength(5);
  expect(five.data.organizations.nodes.every((o: { councilSeats: unknown[] }) => o.councilSeats.length === 5)).toBe(true);
  expect(five.statements).toBe(one.statements);
});
