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
