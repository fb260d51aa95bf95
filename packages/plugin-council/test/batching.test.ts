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

const DEEP = `query($under: ID!, $first: Int!) { councils(under: $under, first: $first) { nodes {
  id name community { name }
  members { nodes { seatType name person { name } organization { name councilSeats { nodes { seatType } } } council { name } } }
  meetings { nodes { title place { name } convenedBy { name } attendance { nodes { member { name } recordedBy { name } } } council { name }
    agenda { nodes { position kind title request { title councilItems { nodes { title } } } meeting { title }
      proposals { nodes { text outcome closedBy { name } tally { forWeight quorumMet } agendaItem { title }
        ballots { nodes { choice castBy { name } member { name } } }
        residentPoll { question answerCount places { name } proposal { text } }
        decision { summary totalFundingFen progress { done total ratio } decidedBy { name } proposal { text }
          actionItems { nodes { title ownerOrganization { name } ownerPerson { name } decision { summary } } }
          fundingSources { nodes { kind amountFen } } } } } } } } } } } }`;

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
  expect(one.data.councils.nodes).toHaveLength(1);
  expect(five.data.councils.nodes).toHaveLength(5);
  const meeting = five.data.councils.nodes[4].meetings.nodes[0];
  expect(meeting.agenda.nodes[0].proposals.nodes[0].decision.actionItems.nodes).toHaveLength(2);
  expect(meeting.attendance.nodes).toHaveLength(5);
  expect(five.statements).toBe(one.statements);
});

test("council fields on core's Request, Organization, Person and Place are batched", async () => {
  const doc = `query($under: ID!, $first: Int!) {
    requests(filter: { under: $under }, first: $first) { edges { node { title councilItems { nodes { title proposals { nodes { outcome } } } } } } }
    organizations(under: $under, first: $first) {
      nodes { name councilSeats { nodes { seatType council { name } } } councilActionItems { nodes { title } } } }
    people(under: $under, first: $first) { nodes { name councilSeats { nodes { seatType } } } }
    places(under: $under, first: $first) { nodes { name councils { nodes { name } } } } }`;
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
  expect(five.data.organizations.nodes.every((o: { councilSeats: { nodes: unknown[] } }) => o.councilSeats.nodes.length === 5)).toBe(true);
  expect(five.statements).toBe(one.statements);
});

test('nested connections page with cursors, and a page of parents costs the same statements whatever its size', async () => {
  // Every council's seats, two at a time: the first page, then the next from its endCursor.
  const seats = `query($under: ID!, $first: Int!, $after: String) { councils(under: $under, first: $first) { nodes { id
    members(first: 2, after: $after) { edges { cursor node { seatType } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`;
  const page = async (first: number, after: string | null) => {
    let data: any;
    const statements = await w.app.countStatements(async () => {
      data = await w.app.run(seats, { under: w.community.id, first, after });
    });
    return { statements, councils: data.councils.nodes };
  };
  const [first] = (await page(1, null)).councils;
  expect(first.members.edges.map((e: { node: { seatType: string } }) => e.node.seatType)).toEqual(['PARTY_BRANCH', 'RESIDENTS_COMMITTEE']);
  expect(first.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: first.members.edges[1].cursor });
  const [next] = (await page(1, first.members.pageInfo.endCursor)).councils;
  expect(next.members.edges.map((e: { node: { seatType: string } }) => e.node.seatType)).toEqual(['OWNERS_COMMITTEE', 'PROPERTY_COMPANY']);
  expect(next.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  const [last] = (await page(1, next.members.pageInfo.endCursor)).councils;
  expect(last.members.edges.map((e: { node: { seatType: string } }) => e.node.seatType)).toEqual(['RESIDENT_UNIT']);
  expect(last.members.pageInfo.hasNextPage).toBe(false);
  // Backward from the end: the two before the last.
  const back = await w.app.run(
    `query($id: ID!, $before: String) { node(id: $id) { ... on Council { members(last: 2, before: $before) { nodes { seatType } } } } }`,
    { id: first.id, before: last.members.edges[0].cursor },
  );
  expect(back.node.members.nodes.map((m: { seatType: string }) => m.seatType)).toEqual(['OWNERS_COMMITTEE', 'PROPERTY_COMPANY']);
  // Five councils' second pages cost what one council's does: one statement for all their seats.
  const one = await page(1, first.members.pageInfo.endCursor);
  const five = await page(5, first.members.pageInfo.endCursor);
  expect(five.councils).toHaveLength(5);
  expect(five.councils.every((c: { members: { edges: unknown[] } }) => c.members.edges.length === 2)).toBe(true);
  expect(five.statements).toBe(one.statements);
});

test('the top-level lists page by cursor, bound to their filters', async () => {
  const councils = `query($under: ID!, $kind: CouncilKind, $after: String) {
    councils(under: $under, kind: $kind, first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }`;
  const p1 = (await w.app.run(councils, { under: w.community.id })).councils;
  expect(p1.nodes.map((c: { name: string }) => c.name)).toEqual(['议事会0', '议事会1']);
  const p2 = (await w.app.run(councils, { under: w.community.id, after: p1.pageInfo.endCursor })).councils;
  expect(p2.nodes.map((c: { name: string }) => c.name)).toEqual(['议事会2', '议事会3']);
  // The cursor belongs to the list it came from: with another filter it is refused.
  const other = await w.app.execute(councils, { under: w.community.id, kind: 'NAMED', after: p1.pageInfo.endCursor });
  expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const items = `query($under: ID!, $after: String) {
    councilActionItems(under: $under, status: [TODO], first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
  const i1 = (await w.app.run(items, { under: w.community.id })).councilActionItems;
  const i2 = (await w.app.run(items, { under: w.community.id, after: i1.pageInfo.endCursor })).councilActionItems;
  const i3 = (await w.app.run(items, { under: w.community.id, after: i2.pageInfo.endCursor })).councilActionItems;
  const ids = [...i1.nodes, ...i2.nodes, ...i3.nodes].map((n: { id: string }) => n.id);
  expect(ids).toHaveLength(10);
  expect(new Set(ids).size).toBe(10);
  expect(i3.pageInfo.hasNextPage).toBe(false);
});
