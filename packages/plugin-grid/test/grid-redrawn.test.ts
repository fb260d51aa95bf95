import type { GongzhiEvent } from '@gongzhi/core';
import { apiKeyCaller, uuidOf } from '@gongzhi/core/testing';
import { assignWorker, createGrid, createWorld, request, submit, type World } from './world.js';

/**
 * The grids are redrawn (网格调整): `removeGridPlaces` takes places off a grid, new requests there
 * are no longer routed to it, and another grid may take them. A micro-grid's places go first.
 */
let w: World;
let grid: string;
let micro: string;

beforeAll(async () => {
  w = await createWorld();
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id, w.place.c2.id]);
  micro = await createGrid(w.app, w.place.fxy.id, '20号楼一单元微网格', [w.place.u1.id], { k: 'MICRO_GRID', parent: grid });
  await assignWorker(w.app, grid, w.person.wang.id);
});
afterAll(() => w?.app.close());

const REMOVE = `mutation($g: ID!, $p: [ID!]!) { removeGridPlaces(gridId: $g, placeIds: $p) { grid { places { nodes { name } } } errors { code message field } } }`;
const errorsOf = async (g: string, places: string[], options = {}) =>
  (await w.app.run(REMOVE, { g, p: places }, options)).removeGridPlaces.errors;

test('a place taken off a grid gets its new requests routed no more; another grid may take it', async () => {
  expect((await request(w.app, await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼漏水'))).grid).toEqual({
    name: '芳星园三区第一网格',
  });
  const events: GongzhiEvent[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch));
  const removed = await w.app.run(REMOVE, { g: grid, p: [w.place.c2.id] });
  stop();
  expect(removed.removeGridPlaces).toEqual({ grid: { places: { nodes: [{ name: '芳星园三区' }] } }, errors: [] });
  expect(events.map((e) => [e.name, e.payload])).toEqual([
    ['grid.places-removed', { gridId: uuidOf(grid), placePath: w.place.fxy.path, placeIds: [w.place.c2.uuid] }],
  ]);
  const after = await request(w.app, await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼又漏水'));
  expect(after).toMatchObject({ status: 'SUBMITTED', grid: null, assignee: null });
  // Free for another grid now.
  await createGrid(w.app, w.place.fxy.id, '芳星园二区网格', [w.place.c2.id]);
});

test("a micro-grid's places go first; a place the grid does not cover itself is refused; nothing is half done", async () => {
  const nested = await errorsOf(grid, [w.place.c1.id]);
  expect(nested).toEqual([
    {
      code: 'CONFLICT',
      message: 'The micro-grid 20号楼一单元微网格 still covers places in 芳星园三区: take them off the micro-grid first.',
      field: 'placeIds.0',
    },
  ]);
  const inside = await errorsOf(grid, [w.place.b20.id]);
  expect(inside).toEqual([
    {
      code: 'NOT_COVERED',
      message: '20号楼 is not one of the places 芳星园三区第一网格 covers (a place inside one is covered through it: take that one off).',
      field: 'placeIds.0',
    },
  ]);
  expect(await errorsOf(micro, [w.place.u1.id, w.place.u2.id])).toEqual([
    expect.objectContaining({ code: 'NOT_COVERED', field: 'placeIds.1' }),
  ]);
  const places = await w.app.run('query($g: ID!) { grid(id: $g) { places { nodes { name } } } }', { g: micro });
  expect(places.grid.places.nodes).toEqual([{ name: '1单元' }]);

  expect(await errorsOf(micro, [w.place.u1.id])).toEqual([]);
  expect(await errorsOf(grid, [w.place.c1.id])).toEqual([]);
  expect((await w.app.run('query($g: ID!) { grid(id: $g) { places { nodes { name } } } }', { g: grid })).grid.places.nodes).toEqual([]);
});

test("redrawing is the community's grid managers' work; an unseen grid is like a made-up one", async () => {
  const c3 = await createGrid(w.app, w.place.fxy.id, '21号楼网格', [w.place.b21.id]);
  const reporter = await apiKeyCaller(w.app, { name: '报事', placeIds: [w.place.fxy.uuid], permissions: ['request.submit'] });
  const elsewhere = await apiKeyCaller(w.app, { name: '成仪路', placeIds: [w.place.cyl.uuid], permissions: ['grid.manage'] });
  expect(await errorsOf(c3, [w.place.b21.id], { caller: reporter })).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  expect(await errorsOf(c3, [w.place.b21.id], { caller: elsewhere })).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND', field: 'gridId' }),
  ]);
  expect(await errorsOf(c3, [])).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'placeIds' })]);
});

test('the grids are renumbered: updateGrid renames one; two grids of a community keep two names; a blank name is refused', async () => {
  const east = await createGrid(w.app, w.place.fxy.id, '东区网格', []);
  await createGrid(w.app, w.place.fxy.id, '西区网格', []);
  const UPDATE = `mutation($g: ID!, $n: String) { updateGrid(id: $g, name: $n) { grid { name } errors { code message field } } }`;
  expect((await w.app.run(UPDATE, { g: east, n: ' 芳星园第二网格 ' })).updateGrid).toEqual({
    grid: { name: '芳星园第二网格' },
    errors: [],
  });
  expect((await w.app.run(UPDATE, { g: east, n: null })).updateGrid.grid).toEqual({ name: '芳星园第二网格' });
  expect((await w.app.run(UPDATE, { g: east, n: '西区网格' })).updateGrid.errors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  expect((await w.app.run(UPDATE, { g: east, n: ' ' })).updateGrid.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '"name" must not be empty; leave it out to keep the name.', field: 'name' },
  ]);
  const elsewhere = await apiKeyCaller(w.app, { name: '成仪路', placeIds: [w.place.cyl.uuid], permissions: ['grid.manage'] });
  expect((await w.app.run(UPDATE, { g: east, n: '别处' }, { caller: elsewhere })).updateGrid.errors).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND', field: 'id' }),
  ]);
  expect((await w.app.run('query($g: ID!) { grid(id: $g) { name } }', { g: east })).grid).toEqual({ name: '芳星园第二网格' });
});
