import type { Caller } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, problemOf, type TestApp, uuidOf } from '@gongzhi/core/testing';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const CREATE = `mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id type code name depth } errors { code message field } } }`;
const ids: Record<string, string> = {};

async function place(code: string, type: string, parent?: string, extra: Record<string, unknown> = {}): Promise<string> {
  const data = await app.run(CREATE, {
    input: { code, type: type.toUpperCase(), name: code, parentId: parent ? ids[parent] : null, ...extra },
  });
  ids[code] = data.createPlace.place.id;
  return data.createPlace.place.id;
}

async function placeCount(): Promise<number> {
  const data = await app.run('{ places(first: 100) { nodes { id } } }');
  return data.places.nodes.length;
}

beforeAll(async () => {
  await place('d', 'district');
  await place('s', 'subdistrict', 'd');
  await place('c', 'community', 's');
  await place('cp', 'compound', 'c');
  await place('b1', 'building', 'cp');
  await place('u1', 'unit', 'b1');
  await place('h1', 'household', 'u1');
  await place('h2', 'household', 'u1');
  await place('ba', 'bungalow_area', 'c');
  await place('h3', 'household', 'ba');
  await place('room', 'venue', 'c', { venueKind: 'ACTIVITY_ROOM', capacity: 30 });
  await place('c2', 'community', 's');
});

test('computes depth and the materialized path (seen through ancestors)', async () => {
  const data = await app.run(`query ($id: ID!) { place(id: $id) { depth parent { code } ancestors { code depth } } }`, { id: ids.h1 });
  expect(data.place.depth).toBe(6);
  expect(data.place.parent.code).toBe('u1');
  expect(data.place.ancestors.map((a: { code: string }) => a.code)).toEqual(['d', 's', 'c', 'cp', 'b1', 'u1']);
  const root = await app.run(`query ($id: ID!) { place(id: $id) { depth parent { code } ancestors { code } } }`, { id: ids.d });
  expect(root.place).toEqual({ depth: 0, parent: null, ancestors: [] });
});

test('refuses an illegal parent with BAD_USER_INPUT naming both types, and writes nothing', async () => {
  const before = await placeCount();
  const result = await app.execute(CREATE, { input: { code: 'bad-h', type: 'HOUSEHOLD', name: 'x', parentId: ids.c } });
  expect(problemOf(result)?.code).toBe('BAD_USER_INPUT');
  expect(problemOf(result)?.message).toMatch(/household cannot be placed under a community/);
  expect(problemOf(result)?.message).toMatch(/unit, building, bungalow_area/);

  const rootless = await app.execute(CREATE, { input: { code: 'bad-s', type: 'SUBDISTRICT', name: 'x' } });
  expect(problemOf(rootless)?.code).toBe('BAD_USER_INPUT');
  expect(problemOf(rootless)?.message).toMatch(/subdistrict cannot be placed under no parent; its parent must be: district/);

  const nested = await app.execute(CREATE, { input: { code: 'bad-d', type: 'DISTRICT', name: 'x', parentId: ids.d } });
  expect(problemOf(nested)?.message).toMatch(/no parent \(a root\)/);
  expect(await placeCount()).toBe(before);
});

test('refuses a duplicate code and writes nothing', async () => {
  const before = await placeCount();
  const result = await app.execute(CREATE, { input: { code: 'cp', type: 'COMPOUND', name: 'again', parentId: ids.c } });
  expect(problemOf(result)?.code).toBe('BAD_USER_INPUT');
  expect(problemOf(result)?.message).toMatch(/code "cp" already exists/);
  expect(await placeCount()).toBe(before);
});

test('refuses a parent id that is not a place id', async () => {
  const result = await app.execute(CREATE, { input: { code: 'x', type: 'COMPOUND', name: 'x', parentId: 'nonsense' } });
  expect(problemOf(result)?.code).toBe('BAD_USER_INPUT');
});

test('lists children and descendants filtered by type at any depth', async () => {
  const data = await app.run(
    `query ($id: ID!) { place(id: $id) {
      children { nodes { code } }
      households: descendants(type: HOUSEHOLD) { nodes { code depth } }
      all: descendants { nodes { code } }
      two: descendants(first: 2) { nodes { code } }
    } }`,
    { id: ids.c },
  );
  expect(data.place.children.nodes.map((p: { code: string }) => p.code)).toEqual(['ba', 'cp', 'room']);
  expect(data.place.households.nodes.map((p: { code: string }) => p.code)).toEqual(['h3', 'h1', 'h2']);
  expect(data.place.households.nodes.map((p: { depth: number }) => p.depth)).toEqual([4, 6, 6]);
  expect(data.place.all.nodes).toHaveLength(8);
  expect(data.place.all.nodes.map((p: { code: string }) => p.code)).not.toContain('c');
  expect(data.place.two.nodes).toHaveLength(2);
});

test('places(type, under) lists what is under a place, excluding it', async () => {
  const data = await app.run(
    `query ($s: ID!) {
    communities: places(type: COMMUNITY, under: $s) { nodes { code } }
    under: places(under: $s, first: 3) { nodes { code } }
    districts: places(type: DISTRICT) { nodes { code } }
  }`,
    { s: ids.s },
  );
  expect(data.communities.nodes.map((p: { code: string }) => p.code).sort()).toEqual(['c', 'c2']);
  expect(data.under.nodes).toHaveLength(3);
  expect(data.districts.nodes).toEqual([{ code: 'd' }]);
});

test('counts people and households under a node', async () => {
  const person = `mutation ($h: ID!, $n: String!) { createPerson(input: { name: $n, householdId: $h }) { person { id } errors { code message field } } }`;
  await app.run(person, { h: ids.h1, n: 'A' });
  await app.run(person, { h: ids.h1, n: 'B' });
  await app.run(person, { h: ids.h2, n: 'C' });
  await app.run(person, { h: ids.h3, n: 'D' });
  const data = await app.run(`{ places(first: 100) { nodes { code peopleCount householdCount } } }`);
  const byCode = Object.fromEntries(data.places.nodes.map((p: { code: string }) => [p.code, p]));
  expect(byCode.d).toMatchObject({ peopleCount: 4, householdCount: 3 });
  expect(byCode.c).toMatchObject({ peopleCount: 4, householdCount: 3 });
  expect(byCode.cp).toMatchObject({ peopleCount: 3, householdCount: 2 });
  expect(byCode.ba).toMatchObject({ peopleCount: 1, householdCount: 1 });
  expect(byCode.h1).toMatchObject({ peopleCount: 2, householdCount: 1 });
  expect(byCode.c2).toMatchObject({ peopleCount: 0, householdCount: 0 });
  expect(byCode.room).toMatchObject({ peopleCount: 0, householdCount: 0 });
});

test('list fields are batched: the number of SQL queries does not grow with the list', async () => {
  const count = (first: number) =>
    app.countStatements(() =>
      app.run(
        `query ($first: Int!) { places(first: $first) { nodes {
        code parent { code } children { nodes { code } } peopleCount householdCount organizations { nodes { name } }
      } } }`,
        { first },
      ),
    );
  const few = await count(2);
  const many = await count(12);
  expect(few).toBeGreaterThan(0);
  expect(many).toBe(few);
  expect(many).toBeLessThanOrEqual(6);
});

const UPDATE = `mutation ($id: ID!, $input: UpdatePlaceInput!) {
  updatePlace(id: $id, input: $input) { place { code name address latitude longitude } errors { code message field } }
}`;

test('renames a place and changes its address or coordinates; what is left out stays', async () => {
  const renamed = await app.run(UPDATE, {
    id: ids.c2,
    input: { name: ' 芳星园第二社区 ', address: '芳星园二区 1 号', latitude: 39.86, longitude: 116.43 },
  });
  expect(renamed.updatePlace).toEqual({
    place: { code: 'c2', name: '芳星园第二社区', address: '芳星园二区 1 号', latitude: 39.86, longitude: 116.43 },
    errors: [],
  });
  const moved = await app.run(UPDATE, { id: ids.c2, input: { address: null, latitude: 39.87 } });
  expect(moved.updatePlace.place).toEqual({ code: 'c2', name: '芳星园第二社区', address: null, latitude: 39.87, longitude: 116.43 });
});

test('refuses coordinates off the globe, naming a swapped pair, and an empty name; writes nothing', async () => {
  const before = (await app.run(`query ($id: ID!) { place(id: $id) { name latitude longitude } }`, { id: ids.c })).place;
  const swapped = await app.run(UPDATE, { id: ids.c, input: { name: '新名字', latitude: 116.4, longitude: 39.9 } });
  expect(swapped.updatePlace.errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message:
        '"input.latitude" must be between -90 and 90 degrees; got 116.4 (a longitude? Beijing is at latitude 39.9, longitude 116.4).',
      field: 'input.latitude',
    },
  ]);
  const offEast = await app.run(UPDATE, { id: ids.c, input: { longitude: 190 } });
  expect(offEast.updatePlace.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.longitude' })]);
  const empty = await app.run(UPDATE, { id: ids.c, input: { name: ' ' } });
  expect(empty.updatePlace.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.name' })]);
  expect((await app.run(`query ($id: ID!) { place(id: $id) { name latitude longitude } }`, { id: ids.c })).place).toEqual(before);

  // Creating one is checked alike.
  const created = await app.execute(CREATE, { input: { code: 'far', type: 'COMMUNITY', name: 'x', parentId: ids.s, latitude: -91 } });
  expect(problemOf(created)).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.latitude' }));
});

test('changing a place needs people.manage at its parent, as creating it did; an unseen place is like a made-up one', async () => {
  const key = async (placeId: string, permissions: string[]) =>
    apiKeyCaller(app, { name: `key-${permissions.join()}`, placeIds: [uuidOf(placeId)], permissions });
  const community = await key(ids.c, ['people.manage']);
  const communitySubmit = await key(ids.c, ['request.submit']);
  const errors = async (id: string, caller: Caller) =>
    (await app.run(UPDATE, { id, input: { name: '改名' } }, { caller })).updatePlace.errors;

  expect(await errors(ids.b1, community)).toEqual([]);
  expect(await errors(ids.b1, communitySubmit)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  // The community itself is its subdistrict's to change; its staff see it (and the places above) without managing them.
  expect(await errors(ids.c, community)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  expect(await errors(ids.s, community)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  expect(await errors(ids.d, await key(ids.d, ['people.manage']))).toEqual([
    expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/only by callers who see everywhere/) }),
  ]);
  const unseen = await errors(ids.c2, community);
  const madeUp = await errors(Buffer.from('Place:00000000-0000-4000-8000-000000000000').toString('base64url'), community);
  expect(unseen).toEqual(madeUp);
  expect(unseen).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  expect((await app.run(`query ($id: ID!) { place(id: $id) { name } }`, { id: ids.c2 })).place.name).toBe('芳星园第二社区');
});
