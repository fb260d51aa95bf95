import { type Caller, type ConnectionPage, findPage, Place, toGlobalId } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';

/**
 * Relay cursor connections: forward and backward paging walk the same rows, one page cap with
 * one error, nested pages batched per parent, scope rules inside every page, `nodes(ids:)`.
 */
let app: TestApp;
const ids: Record<string, string> = {};
const uuid = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];

async function place(code: string, type: string, parent?: string): Promise<void> {
  const data = await app.run(`mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id } errors { code } } }`, {
    input: { code, type, name: code, parentId: parent ? ids[parent] : null },
  });
  ids[code] = data.createPlace.place.id;
}

beforeAll(async () => {
  app = await createTestApp();
  await place('d', 'DISTRICT');
  await place('s', 'SUBDISTRICT', 'd');
  await place('c1', 'COMMUNITY', 's');
  await place('c2', 'COMMUNITY', 's');
  for (const c of ['c1', 'c2']) {
    await place(`${c}-b`, 'BUILDING', c);
    for (let i = 0; i < 3; i++) await place(`${c}-h${i}`, 'HOUSEHOLD', `${c}-b`);
  }
  // Seven people in c1 (two share a name: the uuid orders them), two in c2.
  for (const [name, household] of [
    ['An', 'c1-h0'],
    ['Bo', 'c1-h0'],
    ['Bo', 'c1-h1'],
    ['Cai', 'c1-h1'],
    ['Du', 'c1-h2'],
    ['Fan', 'c1-h2'],
    ['Gu', 'c1-h2'],
    ['Ai', 'c2-h0'],
    ['Zhu', 'c2-h1'],
  ]) {
    const made = await app.run(`mutation ($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }`, {
      i: { name, householdId: ids[household] },
    });
    ids[`${name}@${household}`] = made.createPerson.person.id;
  }
  await app.run(
    `mutation ($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: SOCIAL_WORKER, startsOn: "2020-01-01") { role { role } } }`,
    { p: ids['An@c1-h0'], c: ids.c1 },
  );
});
afterAll(() => app?.close());

const PAGE = `query ($first: Int, $after: String, $last: Int, $before: String, $under: ID) {
  people(first: $first, after: $after, last: $last, before: $before, under: $under) {
    edges { cursor node { id name } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  edges: { cursor: string; node: { id: string; name: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function walk(direction: 'forward' | 'backward', size: number, caller?: Caller, under: string | null = ids.s): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 20; round++) {
    const vars = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const page = (await app.run(PAGE, { ...vars, under }, caller ? { caller } : {})).people as Page;
    expect(page.nodes.map((n) => n.id)).toEqual(page.edges.map((e) => e.node.id));
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    const names = page.edges.map((e) => `${e.node.name}:${e.node.id}`);
    if (direction === 'forward') {
      seen.push(...names);
      expect(page.pageInfo.hasPreviousPage).toBe(cursor !== null);
      if (!page.pageInfo.hasNextPage) return seen;
      cursor = page.pageInfo.endCursor;
    } else {
      seen.unshift(...names);
      expect(page.pageInfo.hasNextPage).toBe(cursor !== null);
      if (!page.pageInfo.hasPreviousPage) return seen;
      cursor = page.pageInfo.startCursor;
    }
  }
  throw new Error('paging did not end');
}

test('first/after and last/before walk the same rows in the same stable order, every row once', async () => {
  const all = (await app.run(PAGE, { first: 100, under: ids.s })).people as Page;
  const expected = all.edges.map((e) => `${e.node.name}:${e.node.id}`);
  expect(expected.map((n) => n.split(':')[0])).toEqual(['Ai', 'An', 'Bo', 'Bo', 'Cai', 'Du', 'Fan', 'Gu', 'Zhu']);
  expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  for (const size of [1, 2, 4]) {
    expect(await walk('forward', size)).toEqual(expected);
    expect(await walk('backward', size)).toEqual(expected);
  }
});

test('one page cap and one error for exceeding it, on every connection and on nodes(ids:)', async () => {
  const tooMany = [
    ['{ people(first: 101) { nodes { id } } }', 'first'],
    ['{ places(last: 500) { nodes { id } } }', 'last'],
    ['{ organizations(first: 101) { nodes { id } } }', 'first'],
    ['{ requests(first: 101) { nodes { id } } }', 'first'],
    ['query ($d: ID!) { place(id: $d) { children(first: 101) { nodes { id } } } }', 'first'],
    ['query ($d: ID!) { place(id: $d) { descendants(last: 101) { nodes { id } } } }', 'last'],
    ['query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', 'ids'],
  ] as const;
  for (const [query, argument] of tooMany) {
    const result = await app.execute(query, { d: ids.d, ids: Array.from({ length: 101 }, () => ids.d) });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument, max: 100 });
    expect(result.errors?.[0]?.message).toMatch(new RegExp(`^"${argument}" may be at most 100 \\(the page cap\\)`));
  }
  const ok = await app.execute('{ people(first: 100) { nodes { id } } }');
  expect(ok.errors).toBeUndefined();
});

test('paging arguments are checked: both directions at once, negative sizes, foreign or forged cursors', async () => {
  const page = (await app.run(PAGE, { first: 1, under: ids.s })).people as Page;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['{ people(first: 1, last: 1) { nodes { id } } }', {}, /not both/],
    ['{ people(first: -1) { nodes { id } } }', {}, /from 0 to 100, got -1/],
    ['query ($c: String) { people(first: 1, before: $c) { nodes { id } } }', { c: page.pageInfo.endCursor }, /pages backward/],
    ['{ people(after: "bm9wZQ") { nodes { id } } }', {}, /not a cursor returned by this API/],
    // A cursor of people under s is not one of people under c1, nor of places.
    [
      'query ($c: String, $u: ID) { people(first: 1, after: $c, under: $u) { nodes { id } } }',
      { c: page.pageInfo.endCursor, u: ids.c1 },
      /other arguments/,
    ],
    ['query ($c: String) { places(first: 1, after: $c) { nodes { id } } }', { c: page.pageInfo.endCursor }, /another list/],
  ];
  for (const [query, variables, message] of cases) {
    const result = await app.execute(query, variables);
    expect([query, result.errors?.[0]?.message]).toEqual([query, expect.stringMatching(message)]);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
});

test('nested connections page each parent in one statement for all parents', async () => {
  const q = `query ($n: Int!) { places(type: BUILDING, first: $n) { nodes { code children(first: 2) {
    nodes { code } pageInfo { hasNextPage endCursor } } } } }`;
  const data = await app.run(q, { n: 2 });
  expect(data.places.nodes).toEqual([
    {
      code: 'c1-b',
      children: { nodes: [{ code: 'c1-h0' }, { code: 'c1-h1' }], pageInfo: { hasNextPage: true, endCursor: expect.any(String) } },
    },
    {
      code: 'c2-b',
      children: { nodes: [{ code: 'c2-h0' }, { code: 'c2-h1' }], pageInfo: { hasNextPage: true, endCursor: expect.any(String) } },
    },
  ]);
  const rest = await app.run(
    `query ($b: ID!, $after: String) { place(id: $b) { children(first: 2, after: $after) { nodes { code } pageInfo { hasNextPage hasPreviousPage } } } }`,
    {
      b: ids['c1-b'],
      after: data.places.nodes[0].children.pageInfo.endCursor,
    },
  );
  expect(rest.place.children).toEqual({ nodes: [{ code: 'c1-h2' }], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  const one = await app.countStatements(() => app.run(q, { n: 1 }));
  const two = await app.countStatements(() => app.run(q, { n: 2 }));
  expect(two).toBe(one);
});

test('descendants of a page of places are one statement for all of them, each page its own', async () => {
  const q = `query ($n: Int!) { places(type: COMMUNITY, first: $n) { nodes { code descendants(first: 2) {
    nodes { code } pageInfo { hasNextPage endCursor } } } } }`;
  const data = await app.run(q, { n: 2 });
  expect(data.places.nodes.map((p: { code: string; descendants: { nodes: { code: string }[] } }) => [p.code, p.descendants.nodes])).toEqual(
    [
      ['c1', [{ code: 'c1-b' }, { code: 'c1-h0' }]],
      ['c2', [{ code: 'c2-b' }, { code: 'c2-h0' }]],
    ],
  );
  const rest = await app.run(
    `query ($c: ID!, $after: String) { place(id: $c) { descendants(first: 5, after: $after) { nodes { code } pageInfo { hasNextPage } } } }`,
    { c: ids.c1, after: data.places.nodes[0].descendants.pageInfo.endCursor },
  );
  expect(rest.place.descendants).toEqual({ nodes: [{ code: 'c1-h1' }, { code: 'c1-h2' }], pageInfo: { hasNextPage: false } });
  // A row under two places asked for is on both pages; the type filter holds.
  const nested = await app.run(
    `query ($d: ID!, $s: ID!) { d: place(id: $d) { descendants(type: COMMUNITY) { nodes { code } } } s: place(id: $s) { descendants(type: COMMUNITY) { nodes { code } } } }`,
    { d: ids.d, s: ids.s },
  );
  expect([nested.d.descendants.nodes, nested.s.descendants.nodes]).toEqual([
    [{ code: 'c1' }, { code: 'c2' }],
    [{ code: 'c1' }, { code: 'c2' }],
  ]);
  const one = await app.countStatements(() => app.run(q, { n: 1 }));
  const two = await app.countStatements(() => app.run(q, { n: 2 }));
  expect(two).toBe(one);
});

test('scope rules hold in every page: an unseen row never appears, and a cursor from a wider scope reveals nothing', async () => {
  const worker: Caller = { id: uuid(ids['An@c1-h0']), kind: 'person' };
  const seen = await walk('forward', 2, worker, null);
  expect(seen.map((n) => n.split(':')[0])).toEqual(['An', 'Bo', 'Bo', 'Cai', 'Du', 'Fan', 'Gu']);
  expect(await walk('backward', 3, worker, null)).toEqual(seen);
  // The system's cursor at 'Ai' (in c2) still only pages the worker's own rows.
  const system = (await app.run(PAGE, { first: 1 })).people as Page;
  expect(system.edges[0]?.node.name).toBe('Ai');
  const page = (await app.run(PAGE, { first: 100, after: system.pageInfo.endCursor }, { caller: worker })).people as Page;
  expect(page.edges.map((e) => e.node.name)).toEqual(['An', 'Bo', 'Bo', 'Cai', 'Du', 'Fan', 'Gu']);
  const nested = await app.run(`query ($s: ID!) { place(id: $s) { children { nodes { code } } } }`, { s: ids.s }, { caller: worker });
  // The subdistrict is seen from below, its other community is not: the guard drops its edge.
  expect(nested.place.children.nodes).toEqual([{ code: 'c1' }]);
  const c1 = await app.run(
    `query ($c: ID!) { place(id: $c) { descendants(type: HOUSEHOLD) { nodes { code } } } }`,
    { c: ids.c1 },
    { caller: worker },
  );
  expect(c1.place.descendants.nodes.map((p: { code: string }) => p.code)).toEqual(['c1-h0', 'c1-h1', 'c1-h2']);
});

test('nodes(ids:) answers each id in order, null where node(id:) would be null', async () => {
  const worker: Caller = { id: uuid(ids['An@c1-h0']), kind: 'person' };
  const made = toGlobalId('Person', '00000000-0000-4000-8000-000000000000');
  const data = await app.run(
    `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Person { name } } }`,
    { ids: [ids['Gu@c1-h2'], ids['Ai@c2-h0'], made, ids['An@c1-h0']] },
    { caller: worker },
  );
  expect(data.nodes).toEqual([{ id: ids['Gu@c1-h2'], name: 'Gu' }, null, null, { id: ids['An@c1-h0'], name: 'An' }]);
});

test('a condition that matches nothing (a property in an empty list) answers an empty page without a statement', async () => {
  const ctx = app.platform.createContext();
  const order = { keys: ['path', 'uuid'], direction: 'asc' } as const;
  const options = { connection: 'test.places', defaultSize: 5 };
  for (const where of [{ uuid: { $in: [] } }, { $and: [{ type: 'household' }, { uuid: { $in: [] } }] }]) {
    let page: ConnectionPage<Place> | undefined;
    expect(await app.countStatements(async () => (page = await findPage(ctx, Place, where as never, order, { first: 3 }, options)))).toBe(
      0,
    );
    expect(page!.nodes).toEqual([]);
    expect(page!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  }
  // Under $or an empty list rules nothing out: the page is read.
  let some: ConnectionPage<Place> | undefined;
  const sent = await app.countStatements(async () => {
    some = await findPage(ctx, Place, { $or: [{ uuid: { $in: [] } }, { code: 'c1' }] }, order, { first: 3 }, options);
  });
  expect(sent).toBe(1);
  expect(some!.nodes.map((p) => p.code)).toEqual(['c1']);
});
