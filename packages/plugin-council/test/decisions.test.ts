import { Person, PersonRole, PersonRoleKind, toGlobalId } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { act, as, councilWithProposal, createWorld, failure, Q, type World } from './world.js';

let w: World;
let reps: Person[];
/** Community staff (social workers): they may move the community's requests. */
let staff: Person[];
const now = new Date('2026-11-23T08:00:00Z');

beforeAll(async () => {
  w = await createWorld(() => now);
  const em = w.app.platform.orm.em.fork();
  reps = Array.from({ length: 3 }, (_, i) => em.create(Person, { name: `代表${i + 1}` }));
  // Resident representatives of the community: their role there is what lets them see each other.
  for (const person of reps) em.create(PersonRole, { person, place: w.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  staff = Array.from({ length: 3 }, (_, i) => em.create(Person, { name: `社工${i + 1}` }));
  for (const person of staff)
    em.create(PersonRole, { person, place: w.community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
});
afterAll(() => w?.app.close());

const count = async (table: string) =>
  Number((await w.app.platform.orm.em.fork().execute(`SELECT count(*) AS n FROM council.${table}`))[0].n);
let n = 0;

async function passed() {
  const seats = reps.map((person) => ({ person, seat: 'RESIDENT_REPRESENTATIVE' }));
  const made = await councilWithProposal(w, `决策${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, seats);
  await act(w.app, Q.vote, { p: made.proposal.id, c: 'FOR' }, as(reps[0]));
  await act(w.app, Q.vote, { p: made.proposal.id, c: 'FOR' }, as(reps[1]));
  await act(w.app, Q.close, { p: made.proposal.id }, as(reps[0]));
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
      'input.actionItems.0 ("维修楼道门") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".',
    ],
    [
      { actionItems: [item({ ownerOrganizationId: w.orgs.property.org.id })] },
      'BAD_USER_INPUT',
      'input.actionItems.0 ("维修楼道门") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".',
    ],
    [
      { actionItems: [] },
      'BAD_USER_INPUT',
      '"input.actionItems" must assign at least one share of the work (明确分工): a title, one owner and a due date.',
    ],
    [
      {
        funding: [
          { kind: 'HOUSING_MAINTENANCE_FUND', amountFen: 100 },
          { kind: 'OTHER', amountFen: -1 },
        ],
      },
      'BAD_USER_INPUT',
      'input.funding.1.amountFen must be a whole, non-negative number of fen (1 yuan = 100 fen), got -1.',
    ],
    [
      { actionItems: [item({ dueOn: '2026-02-30' })] },
      'BAD_USER_INPUT',
      '"input.actionItems.0.dueOn" must be a date written YYYY-MM-DD, got "2026-02-30".',
    ],
    // A valid first item, an owner that does not exist second: the first is not left behind.
    [
      { actionItems: [item(), item({ ownerPersonId: Buffer.from('Person:00000000-0000-4000-8000-000000000000').toString('base64url') })] },
      'NOT_FOUND',
      expect.stringContaining('input.actionItems.1.ownerPersonId'),
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

  const ok = await act(
    w.app,
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
  expect(ok).toMatchObject({ totalFundingFen: 0, actionItems: { nodes: [{ ownerPerson: { name: '代表3' } }] } });
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
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(reps[0]));
  expect((await act(w.app, Q.close, { p: proposal.id }, as(reps[0]))).outcome).toBe('NO_QUORUM');
  expect(await failure(w.app, Q.decide, { input }, as(reps[0]))).toMatchObject({
    code: 'PROPOSAL_NOT_PASSED',
    message: 'This proposal was not passed (no_quorum); only a passed proposal becomes a decision.',
  });
});

const SUBMIT = `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }`;
const TIMELINE = `query($id: ID!) { node(id: $id) { ... on Request { status timeline { nodes { fromStatus toStatus } } } } }`;

/** A request of building 10 on the agenda of a new council of `seats`, its proposal passed by `chair`. */
async function passedOnRequest(chair: Person, seats: Person[]) {
  const { submitRequest } = await w.app.run(SUBMIT, {
    input: { kind: 'COMPLAINT', channel: 'PHONE', title: '三个楼道门坏了', placeId: w.building.id, requesterId: w.residents[1].id },
  });
  const requestId: string = submitRequest.request.id;
  const made = await councilWithProposal(w, `诉求议事会${++n}`, 'CONSENT', 'PER_SEAT', 0, [
    ...seats.map((person) => ({ person, seat: 'OTHER' })),
  ]);
  const agenda = await act(w.app, Q.agenda, { input: { meetingId: made.meeting.id, title: '楼道门', requestId } }, as(chair));
  const proposal = await act(w.app, Q.propose, { a: agenda.id, t: '用住房维修基金修好三个楼道门' }, as(chair));
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(chair));
  await act(w.app, Q.close, { p: proposal.id }, as(chair));
  return { requestId, proposal };
}

const timeline = async (requestId: string) => (await w.app.run(TIMELINE, { id: requestId })).node;

test('the last action items finished at the same moment resolve the request once', async () => {
  for (let round = 0; round < 4; round++) {
    const { requestId, proposal } = await passedOnRequest(staff[0], staff);
    const decision = await act(
      w.app,
      Q.decide,
      {
        input: {
          proposalId: proposal.id,
          summary: '住房维修基金修复三个楼道门',
          actionItems: staff.map((r, i) => item({ title: `修${i + 1}单元门`, ownerPersonId: r.id })),
          funding: [{ kind: 'HOUSING_MAINTENANCE_FUND', description: '住房维修基金', amountFen: 1_250_000 }],
        },
      },
      as(staff[0]),
    );
    // From SUBMITTED the decision walked the request legally, each move core's changeRequestStatus: accepted, then in progress.
    expect((await timeline(requestId)).timeline.nodes.slice(1)).toEqual([
      { fromStatus: 'SUBMITTED', toStatus: 'ACCEPTED' },
      { fromStatus: 'ACCEPTED', toStatus: 'IN_PROGRESS' },
    ]);
    const results = await Promise.all(
      decision.actionItems.nodes.map((a: { id: string; title: string }) => {
        const owner = staff[Number(a.title.slice(1, 2)) - 1];
        return w.app.execute(Q.updateItem, { id: a.id, s: 'DONE' }, as(owner));
      }),
    );
    expect(results.map(problemOf)).toEqual([undefined, undefined, undefined]);
    const after = await timeline(requestId);
    expect(after.status).toBe('RESOLVED');
    expect(after.timeline.nodes.filter((t: { toStatus: string }) => t.toStatus === 'RESOLVED')).toHaveLength(1);
  }
});

test('a member who may not move requests cannot record a decision on one; it is refused and nothing is written', async () => {
  const { requestId, proposal } = await passedOnRequest(reps[0], [reps[0], staff[0]]);
  const before = await Promise.all(['decision', 'action_item', 'funding_source'].map(count));
  const input = { proposalId: proposal.id, summary: '修门', actionItems: [item()], funding: [{ kind: 'DONATION', amountFen: 1 }] };
  expect(await failure(w.app, Q.decide, { input }, as(reps[0]))).toMatchObject({ code: 'FORBIDDEN', field: 'input.proposalId' });
  expect(await Promise.all(['decision', 'action_item', 'funding_source'].map(count))).toEqual(before);
  expect((await timeline(requestId)).status).toBe('SUBMITTED');
  // A member who is community staff records it, and the request moves.
  await act(w.app, Q.decide, { input }, as(staff[0]));
  expect((await timeline(requestId)).status).toBe('IN_PROGRESS');
});

test('an owner who may not move requests still finishes the last share; the request then waits, in progress, for staff', async () => {
  const completed: unknown[] = [];
  const stop = w.app.platform.events.on('council.decision-completed', (e) => void completed.push(e.payload));
  try {
    const { requestId, proposal } = await passedOnRequest(staff[0], [staff[0]]);
    const decision = await act(
      w.app,
      Q.decide,
      { input: { proposalId: proposal.id, summary: '修门', actionItems: [item()] } },
      as(staff[0]),
    );
    const done = await act(w.app, Q.updateItem, { id: decision.actionItems.nodes[0].id, s: 'DONE' }, as(reps[2]));
    expect(done.decision.completedAt).not.toBeNull();
    expect((await timeline(requestId)).status).toBe('IN_PROGRESS');
    expect(completed).toMatchObject([{ requestId: uuidOf(requestId), requestResolved: false }]);
  } finally {
    stop();
  }
});

test('a meeting needs notice unless urgent; agenda items are a request, a grid finding or a topic', async () => {
  const seats = [{ person: reps[0], seat: 'GRID_WORKER' }];
  const { council, meeting } = await councilWithProposal(w, `网格周一议事会${++n}`, 'CONSENT', 'PER_SEAT', 50, seats);
  const soon = new Date(now.getTime() + 3 * 3_600_000).toISOString();
  expect(await failure(w.app, Q.schedule, { input: { councilId: council.id, title: '例会', scheduledAt: soon } }, as(reps[0]))).toEqual({
    code: 'NOTICE_TOO_SHORT',
    field: 'input.scheduledAt',
    message:
      'A meeting needs 24 hours\' notice: schedule it at 2026-11-24T08:00:00.000Z or later, or set "urgent" to convene it within hours.',
  });
  const urgent = await act(
    w.app,
    Q.schedule,
    { input: { councilId: council.id, title: '污水管塌陷紧急议事', scheduledAt: soon, urgent: true } },
    as(reps[0]),
  );
  expect(urgent).toMatchObject({ urgent: true, convenedBy: { name: '代表1' } });
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

  // A grid finding is named by its global id (test/grid-finding.test.ts adds real ones, with the grid plugin).
  const agenda = (gridFindingId: string) =>
    failure(w.app, Q.agenda, { input: { meetingId: meeting.id, title: 'x', gridFindingId } }, as(reps[0]));
  expect(await agenda('not-a-uuid')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.gridFindingId' });
  expect(await agenda(council.id)).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'input.gridFindingId',
    message: '"input.gridFindingId" must be the id of a grid finding (a GridFinding).',
  });
  // Without the grid plugin there is no finding to name.
  expect(await agenda(toGlobalId('GridFinding', '2b1f1a52-5a0e-4c59-9d61-6c7a1c0f3e11'))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'input.gridFindingId',
  });
  // Items added at once take distinct positions.
  const many = await Promise.all(
    [1, 2, 3, 4].map((i) => act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: `议题${i}` } }, as(reps[0]))),
  );
  expect(many.map((m) => m.position).sort()).toEqual([2, 3, 4, 5]);
  expect(many[0]).toMatchObject({ kind: 'TOPIC', request: null, gridFindingId: null });
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
    field: 'input.quorumPercent',
  });
  expect(await failure(w.app, Q.createCouncil, { input: { ...input, name: '  ' } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  });
  expect(await failure(w.app, Q.createCouncil, { input: { ...input, communityId: w.building.id } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.communityId',
  });
  const council = await act(w.app, Q.createCouncil, { input });
  expect(await failure(w.app, Q.createCouncil, { input })).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER' })).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER', p: reps[0].id, o: w.orgs.unit.org.id })).toMatchObject({
    code: 'BAD_USER_INPUT',
  });
  await act(w.app, Q.addMember, { c: council.id, s: 'VOLUNTEER', p: reps[0].id });
  expect(await failure(w.app, Q.addMember, { c: council.id, s: 'OTHER', p: reps[0].id })).toMatchObject({
    code: 'ALREADY_MEMBER',
    message: '代表1 already holds a seat on 银发义工议事会; a person or organisation sits once.',
  });
  // Two seats for one organisation at the same moment: one is given (the database decides; its rule's meaning answers).
  const both = await Promise.all(
    [1, 2].map(() => w.app.execute(Q.addMember, { c: council.id, s: 'RESIDENT_UNIT', o: w.orgs.unit.org.id })),
  );
  expect(both.filter((r) => !problemOf(r))).toHaveLength(1);
  expect(problemOf(both.find((r) => problemOf(r))!)).toMatchObject({ code: 'ALREADY_MEMBER', field: 'organizationId' });
  const { node } = await w.app.run(`query($id: ID!) { node(id: $id) { ... on Council { members { nodes { name } } } } }`, {
    id: council.id,
  });
  expect(node.members.nodes).toEqual([{ name: '代表1' }, { name: '驻区单位联合会' }]);
});

test('node(id:) finds every council object by its global id', async () => {
  const { proposal } = await passed();
  const d = await act(
    w.app,
    Q.decide,
    { input: { proposalId: proposal.id, summary: '节点', actionItems: [item()], funding: [{ kind: 'DONATION', amountFen: 5 }] } },
    as(reps[0]),
  );
  const doc = `query($d: ID!, $a: ID!, $p: ID!) {
    d: node(id: $d) { id __typename ... on CouncilDecision { summary } }
    a: node(id: $a) { id __typename ... on CouncilActionItem { title } }
    p: node(id: $p) { id __typename ... on CouncilProposal { outcome agendaItem { meeting { council { name } } } } } }`;
  const data = await w.app.run(doc, { d: d.id, a: d.actionItems.nodes[0].id, p: proposal.id });
  expect(data.d).toEqual({ id: d.id, __typename: 'CouncilDecision', summary: '节点' });
  expect(data.a).toEqual({ id: d.actionItems.nodes[0].id, __typename: 'CouncilActionItem', title: '维修楼道门' });
  expect(data.p).toMatchObject({ __typename: 'CouncilProposal', outcome: 'PASSED' });
});

test('a decision answers its action items in the order sent, whatever their due dates', async () => {
  const { proposal } = await passed();
  const titles = ['拆除旧沙发', '采购新长椅', '安装长椅', '通知居民', '验收'];
  const dueOn = ['2026-12-20', '2026-12-01', '2026-12-10', '2026-12-01', '2026-12-31'];
  const decision = await act(
    w.app,
    Q.decide,
    {
      input: {
        proposalId: proposal.id,
        summary: '新长椅替换旧沙发',
        actionItems: titles.map((title, i) => item({ title, dueOn: dueOn[i] })),
      },
    },
    as(reps[0]),
  );
  expect(decision.actionItems.nodes.map((a: { title: string }) => a.title)).toEqual(titles);
});
