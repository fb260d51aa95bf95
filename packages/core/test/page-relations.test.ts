import {
  fromGlobalId,
  narrowRows,
  Person,
  PlaceType,
  readContext,
  readRowsById,
  Request,
  rowById,
  rowIfRead,
  toGlobalId,
} from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';
import type { Caller } from '@gongzhi/core';
import { getNamedType, type GraphQLObjectType, isLeafType, isNonNullType } from 'graphql';

/**
 * A page of rows reads, before its rows' fields ask, the rows that the plain-row relations the
 * operation selects on them point at (readAheadOfPages): one statement per related entity for
 * the whole page, and each row's relation field (and a place's ancestors, read along with it)
 * answers at once, with no promise for the executor to wait for.
 */
let app: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const building = write(
    PlaceType.BUILDING,
    'b',
    'b名',
    write(PlaceType.COMMUNITY, 'c', 'c名', write(PlaceType.SUBDISTRICT, 's', 's名', write(PlaceType.DISTRICT, 'd', 'd名', null))),
  );
  const households = [0, 1, 2].map((i) => write(PlaceType.HOUSEHOLD, `h${i}`, `h${i}名`, building));
  const people = households.map((household, i) => em.create(Person, { name: `居民${i}`, household }));
  await em.flush();
  ids.c = toGlobalId('Place', building.parent!.uuid);
  for (let i = 0; i < 3; i++) {
    ids[`h${i}`] = households[i].uuid;
    ids[`person${i}`] = people[i].uuid;
    ids[`p${i}`] = toGlobalId('Person', people[i].uuid);
    const submitted = await app.run(
      `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "楼道灯坏了", placeId: $p, requesterId: $r }) { request { id } } }`,
      { p: toGlobalId('Place', households[i].uuid), r: ids[`p${i}`] },
    );
    ids[`r${i}`] = submitted.submitRequest.request.id;
  }
  // One assigned (to a neighbour), two not: a page's relations hold ids and nulls.
  await app.run(`mutation ($r: ID!) { changeRequestStatus(id: $r, to: ACCEPTED) { errors { code } } }`, { r: ids.r0 });
  await app.run(`mutation ($r: ID!, $p: ID!) { assignRequest(id: $r, assigneeId: $p) { errors { code } } }`, { r: ids.r0, p: ids.p1 });
});
afterAll(() => app?.close());

/** Runs `work` with the resolvers of `fields` (`Type.field`) recording whether each answer was a promise. */
async function answersOf(fields: string[], work: () => Promise<unknown>): Promise<Record<string, ('value' | 'promise')[]>> {
  const answers: Record<string, ('value' | 'promise')[]> = {};
  const restore: (() => void)[] = [];
  for (const name of fields) {
    const [typeName, fieldName] = name.split('.') as [string, string];
    const field = (app.platform.schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
    const resolve = field.resolve!;
    answers[name] = [];
    field.resolve = (...args) => {
      const value: unknown = resolve(...args);
      answers[name].push(typeof (value as PromiseLike<unknown> | null)?.then === 'function' ? 'promise' : 'value');
      return value;
    };
    restore.push(() => (field.resolve = resolve));
  }
  try {
    await work();
  } finally {
    for (const undo of restore) undo();
  }
  return answers;
}

const BOARD = `query ($under: ID!) {
  requests(filter: { under: $under }, first: 10) {
    edges { node { title requester { name } assignee { name } place { name ancestors { name } } lastTimelineEntry { action } } }
  }
}`;

test("a page's selected relations are read for the whole page first: every row's field answers at once, one statement per entity", async () => {
  let data: Record<string, any> = {};
  let statements: string[] = [];
  const answers = await answersOf(
    ['Request.requester', 'Request.assignee', 'Request.place', 'Place.ancestors', 'Request.lastTimelineEntry'],
    async () => {
      statements = await app.recordStatements(async () => {
        data = await app.run(BOARD, { under: ids.c });
      });
    },
  );
  const nodes = (data.requests.edges as { node: Record<string, any> }[]).map((e) => e.node);
  expect(nodes.map((n) => [n.requester.name, n.assignee?.name ?? null, n.place.name])).toEqual([
    ['居民2', null, 'h2名'],
    ['居民1', null, 'h1名'],
    ['居民0', '居民1', 'h0名'],
  ]);
  for (const node of nodes) expect(node.place.ancestors.map((a: { name: string }) => a.name)).toEqual(['d名', 's名', 'c名', 'b名']);
  expect(answers).toEqual({
    'Request.requester': ['value', 'value', 'value'],
    'Request.assignee': ['value', 'value', 'value'],
    'Request.place': ['value', 'value', 'value'],
    'Place.ancestors': ['value', 'value', 'value'],
    'Request.lastTimelineEntry': ['value', 'value', 'value'],
  });
  expect(nodes.map((n) => n.lastTimelineEntry.action)).toEqual(['created', 'created', 'assigned']);
  // Requesters and the assignee in one statement; the places with their ancestors in another (after the one of `under`).
  expect(statements.filter((s) => /FROM "person" r WHERE/.test(s))).toHaveLength(1);
  expect(statements.filter((s) => /FROM "place" r WHERE .*p\.id = ANY \(\?\)/.test(s))).toHaveLength(1);
  // The place `under` names, the page, then its relations and timelines together.
  expect(await app.countRoundTrips(() => app.run(BOARD, { under: ids.c }))).toBe(3);
});

test('relations selected through fragments or `nodes` are read ahead too; a page that selects none reads none', async () => {
  const answers = await answersOf(['Request.requester', 'Person.household'], async () => {
    await app.run(
      `query ($under: ID!) {
        requests(filter: { under: $under }, first: 10) { edges { node { ...Asked } } }
        people(under: $under, first: 10) { nodes { ... on Person { household { name } } } }
      }
      fragment Asked on Request { requester { name } }`,
      { under: ids.c },
    );
  });
  expect(answers['Request.requester']).toEqual(['value', 'value', 'value']);
  expect(answers['Person.household']).toEqual(['value', 'value', 'value']);

  const statements = await app.recordStatements(() =>
    app.run(`query ($under: ID!) { requests(filter: { under: $under }, first: 10) { nodes { title } } }`, { under: ids.c }),
  );
  expect(statements.filter((s) => /FROM "(person|place)" r WHERE r\."id"/.test(s))).toEqual([
    // The place `under` names, read to scope the page: no relation of the page's rows.
    expect.stringContaining('FROM "place" r WHERE'),
  ]);
});

test('a caller scoped to two households gets the same through a page (read ahead) as row by row', async () => {
  const caller = await apiKeyCaller(app, { name: '两户', placeIds: [ids.h0, ids.h1], permissions: [] });
  const fields = `id requester { name household { name } } assignee { name household { name } } place { name ancestors { name } } lastTimelineEntry { action }`;
  const page = await app.run(`{ requests(first: 10) { nodes { ${fields} } } }`, {}, { caller });
  const nodes = page.requests.nodes as { id: string }[];
  expect(nodes.map((n) => n.id)).toEqual([ids.r1, ids.r0]);
  for (const node of nodes) {
    const one = await app.run(`query ($id: ID!) { request(id: $id) { ${fields} } }`, { id: node.id }, { caller });
    expect(one.request).toEqual(node);
  }
});

test("a scoped caller's check of rows that carry their place's path answers at once, with no promise", async () => {
  const caller = await apiKeyCaller(app, { name: '社区', placeIds: [fromGlobalId(ids.c)!.id], permissions: [] });
  let data: Record<string, any> = {};
  const answers = await answersOf(['Request.place', 'Place.ancestors'], async () => {
    data = await app.run(
      `query ($under: ID!) { requests(filter: { under: $under }, first: 10) { nodes { place { name ancestors { name } } } } }`,
      { under: ids.c },
      { caller },
    );
  });
  // The community's key sees its rows and, above it, the subdistrict and district (visible from below).
  expect(
    (data.requests.nodes as { place: { name: string; ancestors: { name: string }[] } }[]).map((n) => [
      n.place.name,
      n.place.ancestors.map((a) => a.name),
    ]),
  ).toEqual([
    ['h2名', ['d名', 's名', 'c名', 'b名']],
    ['h1名', ['d名', 's名', 'c名', 'b名']],
    ['h0名', ['d名', 's名', 'c名', 'b名']],
  ]);
  // A place's rule gives its path: with the caller's access known (from the page's own check), each check is a value.
  expect(answers).toEqual({ 'Request.place': ['value', 'value', 'value'], 'Place.ancestors': ['value', 'value', 'value'] });
});

test('rows read ahead and rows that fields ask for in the same tick are one statement, in one round trip; a row on its way is not read again', async () => {
  const ctx = readContext(app.platform.orm.em.fork());
  let answered: (Person | null)[] = [];
  const read = async () => {
    const ahead = readRowsById(ctx, Person, [ids.person0, ids.person1]);
    const asked = [rowById(ctx, Person, ids.person2), rowById(ctx, Person, ids.person0)];
    await ahead;
    answered = await Promise.all(asked);
  };
  let trips = 0;
  const statements = await app.recordStatements(async () => {
    trips = await app.countRoundTrips(read);
  });
  expect(answered.map((p) => p?.name)).toEqual(['居民2', '居民0']);
  expect(rowIfRead(ctx, Person, ids.person1)?.name).toBe('居民1');
  expect(statements.filter((s) => /FROM "person" r WHERE/.test(s))).toHaveLength(1);
  expect(trips).toBe(1);
  // Read already: answered from what the operation holds, with no statement.
  expect(await app.recordStatements(async () => void (await rowById(ctx, Person, ids.person1)))).toEqual([]);
});

test("a query by id's early fields answer at once what was started for them beside the row", async () => {
  const q = `query ($id: ID!) { person(id: $id) { name roles { nodes { role } } } }`;
  let data: Record<string, any> = {};
  const answers = await answersOf(['Person.roles'], async () => {
    data = await app.run(q, { id: ids.p0 });
  });
  expect(data.person.name).toBe('居民0');
  expect(data.person.roles.nodes).toEqual([]);
  expect(answers).toEqual({ 'Person.roles': ['value'] });
});

test("a query by id reads the rows its relations point at beside the row, through the row's key: one round trip", async () => {
  const q = `query ($id: ID!) { request(id: $id) { title requester { name } assignee { name } place { name ancestors { name } } } }`;
  for (const [id, assignee] of [
    [ids.r0, '居民1'],
    [ids.r1, null],
  ] as const) {
    let data: Record<string, any> = {};
    let trips = 0;
    const statements = await app.recordStatements(async () => {
      trips = await app.countRoundTrips(async () => {
        data = await app.run(q, { id });
      });
    });
    expect(data.request.assignee?.name ?? null).toBe(assignee);
    expect(data.request.requester.name).toMatch(/^居民/);
    expect(data.request.place.ancestors.map((a: { name: string }) => a.name)).toEqual(['d名', 's名', 'c名', 'b名']);
    // The request; its requester and assignee in one statement; its place with the places above it.
    expect(trips).toBe(1);
    expect(statements.filter((text) => /FROM "person" r WHERE/.test(text))).toHaveLength(1);
    expect(statements.filter((text) => /FROM "place" r WHERE/.test(text))).toHaveLength(1);
  }
});

/** The statement that read the request page of `requests(filter: { under }) { nodes { <fields> } }`, and the answer. */
async function requestPage(fields: string): Promise<{ statement: string; nodes: Record<string, unknown>[] }> {
  let nodes: Record<string, unknown>[] = [];
  const statements = await app.recordStatements(async () => {
    const data = await app.run(`query ($under: ID!) { requests(filter: { under: $under }, first: 10) { nodes { ${fields} } } }`, {
      under: ids.c,
    });
    nodes = data.requests.nodes;
  });
  const statement = statements.find((s) => /from "request" as "r"/.test(s));
  if (!statement) throw new Error(`No page statement among ${statements.join('; ')}`);
  return { statement, nodes };
}

test("a page reads only the columns its rows' fields and place rules read; a field that may read more makes it read whole rows", async () => {
  const narrow = await requestPage('id title status requester { name } place { name } lastTimelineEntry { action }');
  for (const column of ['id', 'title', 'status', 'requester_id', 'place_id', 'created_at', 'place_path', 'dispatched_to_id'])
    expect(narrow.statement).toContain(`r."${column}"`);
  for (const column of ['description', 'callback_phone', 'external_order_no', 'version']) expect(narrow.statement).not.toContain(column);
  expect(narrow.nodes).toHaveLength(3);
  // `callbackPhone` is a field resolver (it checks and logs each read): it may read any column.
  const whole = await requestPage('id title status requester { name } place { name } lastTimelineEntry { action } callbackPhone');
  expect(whole.statement).toMatch(/^select "?r"?\.\*/);
  expect(whole.nodes.map(({ callbackPhone: _phone, ...rest }) => rest)).toEqual(narrow.nodes);
});

test("a timeline's pages read only the columns their fields and the entries' place rule read, and a scoped key sees the same", async () => {
  const board = `query ($under: ID!) { requests(filter: { under: $under }, first: 10) { nodes { id lastTimelineEntry { action at } } } }`;
  const byId = `query ($id: ID!) { request(id: $id) { timeline { nodes { action note } } } }`;
  const timelineStatement = async (query: string, variables: Record<string, unknown>, caller?: Caller) => {
    let data: Record<string, any> = {};
    const statements = await app.recordStatements(async () => {
      data = await app.run(query, variables, caller ? { caller } : undefined);
    });
    const statement = statements.find((text) => /FROM "request_timeline" t/.test(text));
    if (!statement) throw new Error(`No timeline statement among ${statements.join('; ')}`);
    return { statement, data };
  };
  const last = await timelineStatement(board, { under: ids.c });
  expect(last.data.requests.nodes).toHaveLength(3);
  for (const node of last.data.requests.nodes)
    expect(node.lastTimelineEntry).toEqual({ action: expect.any(String), at: expect.any(String) });
  // What the fields show, the order's keys, and the request (its place rule reads it).
  for (const column of ['action', 'at', 'seq', 'request_id']) expect(last.statement).toContain(`t."${column}"`);
  for (const column of ['note', 'actor_label', 'from_status', 'to_due_at']) expect(last.statement).not.toContain(column);
  const timeline = await timelineStatement(byId, { id: ids.r0 });
  expect(timeline.statement).toContain('t."note"');
  expect(timeline.statement).not.toContain('actor_label');
  expect(timeline.data.request.timeline.nodes.map((n: { action: string }) => n.action)).toEqual(['created', 'status', 'assigned']);
  // The entries' place rule runs on the narrow rows: a key of the community sees what a key of everywhere sees.
  const scoped = await apiKeyCaller(app, { name: 'c社区', placeIds: [fromGlobalId(ids.c)!.id], permissions: ['*'] });
  expect((await timelineStatement(board, { under: ids.c }, scoped)).data).toEqual(last.data);
  expect((await timelineStatement(byId, { id: ids.r0 }, scoped)).data).toEqual(timeline.data);
  // A key of another place sees none of them.
  const elsewhere = await apiKeyCaller(app, { name: '别处', placeIds: [ids.h1], permissions: ['*'] });
  const outside = await app.run(byId, { id: ids.r0 }, { caller: elsewhere });
  expect(outside.request).toBeNull();
});

test('every field of a request answers the same through a page as by id', async () => {
  const type = app.platform.schema.getType('Request') as GraphQLObjectType;
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type))) continue;
    const selection = isLeafType(getNamedType(field.type)) ? field.name : `${field.name} { __typename }`;
    const { nodes } = await requestPage(`id ${selection}`);
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      const one = await app.run(`query ($id: ID!) { request(id: $id) { id ${selection} } }`, { id: node.id });
      expect({ field: field.name, answer: one.request }).toEqual({ field: field.name, answer: node });
    }
  }
});

test('a narrow row asked for a column it did not read says so, rather than answering undefined', () => {
  const [row] = narrowRows({ em: app.platform.orm.em.fork() }, Request, ['title']).rows([
    { id: '5f0c2a36-8a7e-4c1e-9a53-2f4b0d7e6c11', title: '楼道灯坏了' },
  ]) as Request[];
  expect(row.title).toBe('楼道灯坏了');
  expect(row.uuid).toBe('5f0c2a36-8a7e-4c1e-9a53-2f4b0d7e6c11');
  expect(() => row.description).toThrow('Request.description was not read for this page');
});
