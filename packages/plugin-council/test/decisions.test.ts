import { Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { as, councilWithProposal, createWorld, failure, Q, type World } from './world.js';

let w: World;
let reps: Person[];
const now = new Date('2026-11-23T08:00:00Z');

beforeAll(async () => {
  w = await createWorld(() => now);
  const em = w.app.platform.orm.em.fork();
  reps = Array.from({ length: 3 }, (_, i) => em.create(Person, { name: `代表${i + 1}` }));
  // Resident representatives of the community: their role there is what lets them see each other.
  for (const person of reps) em.create(PersonRole, { person, place: w.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
});
afterAll(() => w?.app.close());

const count = async (table: string) =>
  Number((await w.app.platform.orm.em.fork().execute(`SELECT count(*) AS n FROM council.${table}`))[0].n);
let n = 0;

async function passed() {
  const seats = reps.map((person) => ({ person, seat: 'RESIDENT_REPRESENTATIVE' }));
  const made = await councilWithProposal(w, `决策${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, seats);
  await w.app.run(Q.vote, { p: made.proposal.id, c: 'FOR' }, as(reps[0]));
  await w.app.run(Q.vote, { p: made.proposal.id, c: 'FOR' }, as(reps[1]));
  await w.app.run(Q.close, { p: made.proposal.id }, as(reps[0]));
  return made;
}

const item = (extra: Record<string, unknown> = {}) => ({ title: '维修楼道门', dueOn: '2026-12-01', ownerPersonId: reps[2].id, ...extra });

test('bad decisions are refused with typed errors and write nothing', async () => {
  const { proposal } = await passed();
  const before = await Promise.all(['decision', 'action_item', 'funding_source'].map(count));
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { actionItems: [item({ ownerPersonId: null })] },
      'BAD_USER_INPUT',
      'actionItems[0] ("维修楼道门") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".',
    ],
    [
      { actionItems: [item({ ownerOrganizationId: w.orgs.property.org.id })] },
      'BAD_USER_INPUT',
      'actionItems[0] ("维修楼道门") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".',
    ],
    [
      { actionItems: [] },
      'BAD_USER_INPUT',
      '"actionItems" must assign at least one share of the work (明确分工): a title, one owner and a due date.',
    ],
    [
      {
        funding: [
          { kind: 'HOUSING_MAINTENANCE_FUND', amountFen: 100 },
          { kind: 'OTHER', amountFen: -1 },
        ],
      },
      'BAD_USER_INPUT',
      'funding[1].amountFen must be a whole, non-negative number of fen (1 yuan = 100 fen), got -1.',
    ],
    [
      { actionItems: [item({ dueOn: '2026-02-30' })] },
      'BAD_USER_INPUT',
      '"actionItems[0].dueOn" must be a date written YYYY-MM-DD, got "2026-02-30".',
    ],
    // A valid first item, an owner that does not exist second: the first is not left behind.
    [
      { actionItems: [item(), item({ ownerPersonId: Buffer.from('Person:00000000-0000-4000-8000-000000000000').toString('base64url') })] },
      'NOT_FOUND',
      expect.stringContaining('actionItems[1].ownerPersonId'),
    ],
  ];
  for (const [input, code, message] of cases) {
    const error = await failure(
      w.app,
      Q.decide,
      { input: { proposalId: proposal.id, summary: '维修', actionItems: [item()], funding: [], ...input } },
      as(reps[0]),
    );
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
  }
  const outsider = await failure(
    w.app,
    Q.decide,
    { input: { proposalId: proposal.id, summary: '维修', actionItems: [item()] } },
    as(w.outsider),
  );
  expect(outsider.code).toBe('NOT_FOUND'); // the council lies outside the outsider's places (issue #9)
  expect(await Promise.all(['decision', 'action_item', 'funding_source'].map(count))).toEqual(before);

  const ok = await w.app.run(
    Q.decide,
    {
      input: {
        proposalId: proposal.id,
        summary: '维修',
        actionItems: [item()],
        funding: [{ kind: 'HOUSING_MAINTENANCE_FUND', amountFen: 0 }],
      },
    },
    as(reps[0]),
  );
  expect(ok.recordCouncilDecision).toMatchObject({ totalFundingFen: 0, actionItems: [{ ownerPerson: { name: '代表3' } }] });
  const twice = await failure(w.app, Q.decide, { input: { proposalId: proposal.id, summary: '再来', actionItems: [item()] } }, as(reps[0]));
  expect(twice.code).toBe('CONFLICT');
});

test('only a passed proposal becomes a decision', async () => {
  const seats = reps.map((person) => ({ person, seat: 'OTHER' }));
  const { proposal } = await councilWithProposal(w, `未决${++n}`, 'TWO_THIRDS', 'PER_SEAT', 100, seats);
  const input = { proposalId: proposal.id, summary: '某事', actionItems: [item()] };
  expect(await failure(w.app, Q.decide, { input }, as(reps[0]))).toMatchObject({
    code: 'PROPOSAL_NOT_PASSED',
    message: 'This proposal is still open: close the vote first; only a passed proposal becomes a decision.',
  });
  await w.app.run(Q.vote, { p: proposal.id, c: 'FOR' }, as(reps[0]));
  expect((await w.app.run(Q.close, { p: proposal.id }, as(reps[0]))).closeCouncilProposal.outcome).toBe('NO_QUORUM');
  expect(await failure(w.app, Q.decide, { input }, as(reps[0]))).toMatchObject({
    code: 'PROPOSAL_NOT_PASSED',
    message: 'This proposal was not passed (no_quorum); only a passed proposal becomes a decision.',
  });
});

test('the last action items finished at the same moment resolve the request once', async () => {
  const { app } = w;
  for (let round = 0; round < 4; round++) {
    const { submitRequest } = await app.run(`mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } } }`, {
      input: { kind: 'COMPLAINT', channel: 'PHONE', title: '三个楼道门坏了', placeId: w.building.id, requesterId: w.residents[1].id },
    });
    const requestId = submitRequest.request.id;
    const seats = reps.map((person) => ({ person, seat: 'OTHER' }));
    const { council } = await councilWithProposal(w, `并发完成${++n}`, 'CONSENT', 'PER_SEAT', 0, seats);
    const { node } = await app.run(`query($id: ID!) { node(id: $id) { ... on Council { meetings { id } } } }`, { id: council.id });
    const { addCouncilAgendaItem: agenda } = await app.run(
      Q.agenda,
      { input: { meetingId: node.meetings[0].id, title: '楼道门', requestId } },
      as(reps[0]),
    );
    const { createCouncilProposal: proposal } = await app.run(Q.propose, { a: agenda.id, t: '用住房维修基金修好三个楼道门' }, as(reps[0]));
    await app.run(Q.vote, { p: proposal.id, c: 'FOR' }, as(reps[0]));
    await app.run(Q.close, { p: proposal.id }, as(reps[0]));
    const { recordCouncilDecision: decision } = await app.run(
      Q.decide,
      {
        input: {
          proposalId: proposal.id,
          summary: '住房维修基金修复三个楼道门',
          actionItems: reps.map((r, i) => item({ title: `修${i + 1}单元门`, ownerPersonId: r.id })),
          funding: [{ kind: 'HOUSING_MAINTENANCE_FUND', description: '住房维修基金', amountFen: 1_250_000 }],
        },
      },
      as(reps[0]),
    );
    // From SUBMITTED the decision walked the request legally: accepted, then in progress.
    const timeline = async () =>
      (await app.run(`query($id: ID!) { node(id: $id) { ... on Request { status timeline { fromStatus toStatus } } } }`, { id: requestId }))
        .node;
    expect((await timeline()).timeline.slice(1)).toEqual([
      { fromStatus: 'SUBMITTED', toStatus: 'ACCEPTED' },
      { fromStatus: 'ACCEPTED', toStatus: 'IN_PROGRESS' },
    ]);
    const results = await Promise.all(
      decision.actionItems.map((a: { id: string; title: string }) => {
        const owner = reps[Number(a.title.slice(1, 2)) - 1];
        return app.execute(Q.updateItem, { id: a.id, s: 'DONE' }, as(owner));
      }),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    const after = await timeline();
    expect(after.status).toBe('RESOLVED');
    expect(after.timeline.filter((t: { toStatus: string }) => t.toStatus === 'RESOLVED')).toHaveLength(1);
  }
});

test('a meeting needs notice unless urgent; agenda items are a request, a grid finding or a topic', async () => {
  const seats = [{ person: reps[0], seat: 'GRID_WORKER' }];
  const { council, meeting } = await councilWithProposal(w, `网格周一议事会${++n}`, 'CONSENT', 'PER_SEAT', 50, seats);
  const soon = new Date(now.getTime() + 3 * 3_600_000).toISOString();
  expect(await failure(w.app, Q.schedule, { input: { councilId: council.id, title: '例会', scheduledAt: soon } }, as(reps[0]))).toEqual({
    code: 'NOTICE_TOO_SHORT',
    argument: 'scheduledAt',
    message:
      'A meeting needs 24 hours\' notice: schedule it at 2026-11-24T08:00:00.000Z or later, or set "urgent" to convene it within hours.',
  });
  const urgent = await w.app.run(
    Q.schedule,
    { input: { councilId: council.id, title: '污水管塌陷紧急议事', scheduledAt: soon, urgent: true } },
    as(reps[0]),
  );
  expect(urgent.scheduleCouncilMeeting).toMatchObject({ urgent: true, convenedBy: { name: '代表1' } });
  expect(
    (
      await failure(
        w.app,
        Q.schedule,
        { input: { councilId: council.id, title: '例会', scheduledAt: '2026-12-01T08:00:00Z' } },
        as(w.outsider),
      )
    ).code,
  ).toBe('NOT_FOUND'); // outside their places

  const finding = '2b1f1a52-5a0e-4c59-9d61-6c7a1c0f3e11';
  const grid = await w.app.run(
    Q.agenda,
    { input: { meetingId: meeting.id, title: '网格员发现：楼道堆物', gridFindingId: finding } },
    as(reps[0]),
  );
  expect(grid.addCouncilAgendaItem).toMatchObject({ position: 2, kind: 'GRID_FINDING', gridFindingId: finding, request: null });
  expect(
    (await failure(w.app, Q.agenda, { input: { meetingId: meeting.id, title: 'x', gridFindingId: 'not-a-uuid' } }, as(reps[0]))).argument,
  ).toBe('gridFindingId');
  // Items added at once take distinct positions.
  const many = await Promise.all(
    [1, 2, 3, 4].map((i) => w.app.run(Q.agenda, { input: { meetingId: meeting.id, title: `议题${i}` } }, as(reps[0]))),
  );
  expect(many.map((m) => m.addCouncilAgendaItem.position).sort()).toEqual([3, 4, 5, 6]);
});

test('councils and seats: bad input is refused and writes nothing', async () => {
  const input = {
    communityId: w.community.id,
    name: '银发义工议事会',
    kind: 'NAMED',
    votingRule: 'CONSENT',
    voteCounting: 'PER_SEAT',
    quorumPercent: 50,
  };
  expect(await failure(w.app, Q.createCouncil, { input: { ...input, quorumPercent: 101 } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'quorumPercent',
  });
  expect(await failure(w.app, Q.createCouncil, { input: { ...input, name: '  ' } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'name',
  });
  expect(await failure(w.app, Q.createCouncil, { input: { ...input, communityId: w.building.id } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'communityId',
  });
  const { createCouncil: council } = await w.app.run(Q.createCouncil, { input });
  expect(await failure(w.app, Q.createCouncil, { input })).toMatchObject({ code: 'CONFLICT', argument: 'name' });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER' })).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER', p: reps[0].id, o: w.orgs.unit.org.id })).toMatchObject({
    code: 'BAD_USER_INPUT',
  });
  await w.app.run(Q.addMember, { c: council.id, s: 'VOLUNTEER', p: reps[0].id });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER', p: reps[0].id })).toMatchObject({
    code: 'ALREADY_MEMBER',
    message: '代表1 already holds a seat on 银发义工议事会; a person or organisation sits once.',
  });
  // Two seats for one organisation at the same moment: one is given.
  const both = await Promise.all(
    [1, 2].map(() => w.app.execute(Q.addMember, { c: council.id, s: 'RESIDENT_UNIT', o: w.orgs.unit.org.id })),
  );
  expect(both.filter((r) => !r.errors)).toHaveLength(1);
  expect(both.find((r) => r.errors)!.errors![0].extensions?.code).toBe('ALREADY_MEMBER');
  const { node } = await w.app.run(`query($id: ID!) { node(id: $id) { ... on Council { members { name } } } }`, { id: council.id });
  expect(node.members).toEqual([{ name: '代表1' }, { name: '驻区单位联合会' }]);
});

test('node(id:) finds every council object by its global id', async () => {
  const { proposal } = await passed();
  const { recordCouncilDecision: d } = await w.app.run(
    Q.decide,
    { input: { proposalId: proposal.id, summary: '节点', actionItems: [item()], funding: [{ kind: 'DONATION', amountFen: 5 }] } },
    as(reps[0]),
  );
  const doc = `query($d: ID!, $a: ID!, $p: ID!) {
    d: node(id: $d) { id __typename ... on CouncilDecision { summary } }
    a: node(id: $a) { id __typename ... on CouncilActionItem { title } }
    p: node(id: $p) { id __typename ... on CouncilProposal { outcome agendaItem { meeting { council { name } } } } } }`;
  const data = await w.app.run(doc, { d: d.id, a: d.actionItems[0].id, p: proposal.id });
  expect(data.d).toEqual({ id: d.id, __typename: 'CouncilDecision', summary: '节点' });
  expect(data.a).toEqual({ id: d.actionItems[0].id, __typename: 'CouncilActionItem', title: '维修楼道门' });
  expect(data.p).toMatchObject({ __typename: 'CouncilProposal', outcome: 'PASSED' });
});
