import type { Caller, GongzhiEvent } from '@gongzhi/core';
import { apiKeyCaller, uuidOf } from '@gongzhi/core/testing';
import { addCanary, createGrid, createWorld, mutate, request, submit, type World } from './world.js';

/**
 * A grid worker leaves (`endGridWorkerAssignment`): from the day after their last day the grid
 * routes them no new request, the assignment keeps its history, and `grid.worker-assignment-ended`
 * tells subscribers. Checked like every write: the community's grid managers only, an unseen
 * assignment like a made-up id.
 */
let w: World;
let grid: string;
let wangAssignment: string;
let dongAssignment: string;
let gridManager: Caller;
let otherCommunity: Caller;

const ASSIGN = `mutation($g: ID!, $p: ID!, $s: String!) {
  assignGridWorker(gridId: $g, personId: $p, startsOn: $s) { worker { id } errors { code message field } } }`;
const END = `mutation($id: ID!, $on: String) {
  endGridWorkerAssignment(id: $id, endsOn: $on) { worker { person { name } startsOn endsOn } errors { code message field } } }`;

beforeAll(async () => {
  w = await createWorld();
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  wangAssignment = (await mutate(w.app, ASSIGN, { g: grid, p: w.person.wang.id, s: '2026-01-01' })).worker.id;
  dongAssignment = (await mutate(w.app, ASSIGN, { g: grid, p: w.person.dong.id, s: '2026-02-01' })).worker.id;
  gridManager = await apiKeyCaller(w.app, { name: '社区网格管理', placeIds: [w.place.fxy.uuid], permissions: ['grid.manage'] });
  otherCommunity = await apiKeyCaller(w.app, { name: '成仪路网格管理', placeIds: [w.place.cyl.uuid], permissions: ['grid.manage'] });
});
afterAll(() => w?.app.close());

test('a worker who left gets no new request from the next day; the event tells subscribers', async () => {
  const events: GongzhiEvent[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch));
  // Last day today (the test clock: 1 June): given no day, the grid's today.
  const ended = await w.app.run(END, { id: wangAssignment, on: null }, { caller: gridManager });
  stop();
  expect(ended.endGridWorkerAssignment).toEqual({
    worker: { person: { name: '王小丽' }, startsOn: '2026-01-01', endsOn: '2026-06-01' },
    errors: [],
  });
  expect(events.filter((e) => e.name === 'grid.worker-assignment-ended').map((e) => e.payload)).toEqual([
    {
      gridId: uuidOf(grid),
      placePath: w.place.fxy.path,
      personId: w.person.wang.uuid,
      assignmentId: uuidOf(wangAssignment),
      endsOn: '2026-06-01',
      handedOverToId: null,
      handedOver: 0,
    },
  ]);

  // Still on duty on their last day: the longest serving takes the first request.
  expect((await request(w.app, await submit(w.app, w.place.h201.id, w.person.resident.id, '楼道灯坏了'))).assignee).toEqual({
    name: '王小丽',
  });
  // The next day only 董桂芳 is on duty, however many requests come.
  w.clock.set('2026-06-02T09:00:00+08:00');
  for (const title of ['门禁坏了', '井盖松动']) {
    expect((await request(w.app, await submit(w.app, w.place.b20.id, w.person.resident.id, title))).assignee).toEqual({ name: '董桂芳' });
  }
  // The grid's workers today, and all of them with their history.
  const workers = await w.app.run(
    'query($g: ID!) { grid(id: $g) { today: workers { nodes { person { name } } } all: workers(all: true) { nodes { person { name } endsOn } } } }',
    { g: grid },
  );
  expect(workers.grid.today.nodes).toEqual([{ person: { name: '董桂芳' } }]);
  expect(workers.grid.all.nodes).toEqual([
    { person: { name: '王小丽' }, endsOn: '2026-06-01' },
    { person: { name: '董桂芳' }, endsOn: null },
  ]);
});

test('an end only comes earlier; working the grid again is a new assignment', async () => {
  const later = await w.app.run(END, { id: wangAssignment, on: '2026-12-31' });
  expect(later.endGridWorkerAssignment.errors).toEqual([
    {
      code: 'CONFLICT',
      message:
        'This assignment already ends on 2026-06-01; an end only comes earlier ("endsOn" 2026-12-31 is later). To work the grid longer, assign the worker again from 2026-06-02.',
      field: 'endsOn',
    },
  ]);
  const again = await w.app.run(ASSIGN, { g: grid, p: w.person.wang.id, s: '2026-06-02' });
  expect(again.assignGridWorker.errors).toEqual([]);
  const earlier = await w.app.run(END, { id: wangAssignment, on: '2026-05-31' });
  expect(earlier.endGridWorkerAssignment.worker.endsOn).toBe('2026-05-31');
});

test('ending an assignment is checked like every write, and a refusal writes nothing', async () => {
  const errors = async (id: string, on: string | null, caller?: Caller) =>
    (await w.app.run(END, { id, on }, caller ? { caller } : {})).endGridWorkerAssignment.errors;
  expect(await errors(dongAssignment, '2026-01-31')).toEqual([
    expect.objectContaining({
      code: 'BAD_USER_INPUT',
      message: '"endsOn" (2026-01-31) must be on or after "startsOn" (2026-02-01).',
      field: 'endsOn',
    }),
  ]);
  expect(await errors(dongAssignment, '2026-06-31')).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'endsOn' })]);
  // Who sees the community but does not manage its grids may not; another community's managers do not see it.
  const submitter = await apiKeyCaller(w.app, { name: '社区报事', placeIds: [w.place.fxy.uuid], permissions: ['request.submit'] });
  expect(await errors(wangAssignment, null, submitter)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  const unseen = await errors(wangAssignment, null, otherCommunity);
  const madeUp = await errors(Buffer.from('GridWorker:00000000-0000-4000-8000-000000000000').toString('base64url'), null, otherCommunity);
  expect(unseen).toEqual(madeUp);
  expect(unseen).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  // The community's social worker manages its grids (a person signed in): 董桂芳's last day is today.
  const { socialWorker } = await addCanary(w);
  expect(await errors(dongAssignment, null, { id: socialWorker.uuid, kind: 'person' })).toEqual([]);
  const all = await w.app.run('query($g: ID!) { grid(id: $g) { workers(all: true) { nodes { person { name } endsOn } } } }', { g: grid });
  expect(all.grid.workers.nodes).toEqual([
    { person: { name: '王小丽' }, endsOn: '2026-05-31' },
    { person: { name: '董桂芳' }, endsOn: '2026-06-02' },
    { person: { name: '王小丽' }, endsOn: null },
  ]);
});

test('a worker who leaves hands their open work in the grid over to a colleague (工作移交), all of it or none', async () => {
  w.clock.set('2026-06-03T09:00:00+08:00');
  const second = await createGrid(w.app, w.place.fxy.id, '芳星园二区网格', [w.place.c2.id]);
  const wangHere = (await mutate(w.app, ASSIGN, { g: second, p: w.person.wang.id, s: '2026-06-03' })).worker.id;
  // Only 王小丽 is on duty here: the grid routes both requests to her; she starts on one.
  const leak = await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼漏水');
  const door = await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼门禁坏了');
  await mutate(w.app, 'mutation($id: ID!) { changeRequestStatus(id: $id, to: IN_PROGRESS) { request { id } errors { code message } } }', {
    id: leak,
  });
  // Her work in the first grid is not this grid's to hand over.
  const elsewhere = await submit(w.app, w.place.h201.id, w.person.resident.id, '20号楼楼道灯坏了');
  for (const id of [leak, door, elsewhere]) expect((await request(w.app, id)).assignee).toEqual({ name: '王小丽' });
  await mutate(w.app, ASSIGN, { g: second, p: w.person.dong.id, s: '2026-06-03' });

  const HAND_OVER = `mutation($id: ID!, $to: ID) {
    endGridWorkerAssignment(id: $id, handOverToId: $to) { worker { endsOn } errors { code message field } } }`;
  // To someone who is not a worker of this grid: refused, and nothing is written.
  expect((await w.app.run(HAND_OVER, { id: wangHere, to: w.person.li.id })).endGridWorkerAssignment.errors).toEqual([
    {
      code: 'NOT_GRID_MEMBER',
      message: '李网格 is not another worker of grid 芳星园二区网格 today: hand the work over to one of its workers.',
      field: 'handOverToId',
    },
  ]);
  // A grid manager who may not move requests (request.manage) cannot hand them over: the end is not written either.
  const refused = await w.app.run(HAND_OVER, { id: wangHere, to: w.person.dong.id }, { caller: gridManager });
  expect(refused.endGridWorkerAssignment.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  const workers = async () =>
    (await w.app.run('query($g: ID!) { grid(id: $g) { workers { nodes { person { name } endsOn } } } }', { g: second })).grid.workers.nodes;
  expect(await workers()).toEqual(expect.arrayContaining([{ person: { name: '王小丽' }, endsOn: null }]));
  expect((await request(w.app, door)).assignee).toEqual({ name: '王小丽' });

  const events: GongzhiEvent[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch));
  const ended = await w.app.run(HAND_OVER, { id: wangHere, to: w.person.dong.id });
  stop();
  expect(ended.endGridWorkerAssignment).toEqual({ worker: { endsOn: '2026-06-03' }, errors: [] });
  expect(events.find((e) => e.name === 'grid.worker-assignment-ended')?.payload).toMatchObject({
    handedOverToId: w.person.dong.uuid,
    handedOver: 2,
  });
  expect(events.filter((e) => e.name === 'request.reassigned')).toHaveLength(2);
  expect(await request(w.app, leak)).toMatchObject({ status: 'IN_PROGRESS', assignee: { name: '董桂芳' } });
  const handed = await request(w.app, door);
  expect(handed).toMatchObject({ status: 'ASSIGNED', assignee: { name: '董桂芳' } });
  expect(handed.timeline.nodes.at(-1)).toMatchObject({
    action: 'reassigned',
    note: '王小丽 → 董桂芳: grid 芳星园二区网格: assignment ends 2026-06-03',
  });
  expect((await request(w.app, elsewhere)).assignee).toEqual({ name: '王小丽' });
});

test("a grid's rates count the requests under the places it covers, and no others", async () => {
  const PERFORMANCE = `query($g: ID!) { grid(id: $g) { requestPerformance(from: "2026-01-01T00:00:00+08:00", to: "2026-12-31T00:00:00+08:00") {
    total responded resolved responseRate } } }`;
  await submit(w.app, w.place.h201.id, w.person.resident.id, '门口积水'); // under the grid
  await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼门口积水'); // outside it
  const em = w.app.platform.orm.em.fork();
  const [under] = await em.execute<{ total: number; responded: number }[]>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM request_timeline e WHERE e.request_id = r.id AND e.from_status = 'submitted' AND e.to_status <> 'submitted'))::int AS responded
       FROM request r WHERE r.place_path LIKE ?`,
    [`${w.place.c1.path}%`],
  );
  expect(under.total).toBeGreaterThan(0);
  const { requestPerformance } = (await w.app.run(PERFORMANCE, { g: grid })).grid;
  expect(requestPerformance).toMatchObject({ total: under.total, responded: under.responded });
  expect(requestPerformance.responseRate).toBeCloseTo(under.responded / under.total, 4);
});

test("a page of grids' rates is counted in one statement, however many grids", async () => {
  await createGrid(w.app, w.place.fxy.id, '芳星园三区待划网格', []); // no places yet: its rates are all nought
  const PAGE = `query($c: ID!, $n: Int!) { place(id: $c) { grids(first: $n) { nodes { name
    requestPerformance(from: "2026-01-01T00:00:00+08:00", to: "2026-12-31T00:00:00+08:00") { total } } } } }`;
  const statements = async (n: number) => {
    let nodes: unknown[] = [];
    const texts = await w.app.recordStatements(async () => {
      nodes = (await w.app.run(PAGE, { c: w.place.fxy.id, n })).place.grids.nodes;
    });
    return { count: texts.length, grids: nodes.length };
  };
  // By name the empty grid comes first: a page of two holds one grid with places (a grid of none asks nothing).
  const one = await statements(2);
  const many = await statements(10);
  expect(one.grids).toBe(2);
  expect(many.grids).toBeGreaterThan(2);
  expect(many.count).toBe(one.count);
});
