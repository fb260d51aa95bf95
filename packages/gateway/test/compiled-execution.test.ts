import type { Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, gatewayMessages, type RunningGateway, startGateway } from '@gongzhi/gateway';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { compiledExecution } from '../src/compiled-execution.js';
import { TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * HTTP operations run with graphql-js until their document has run `GONGZHI_COMPILE_AFTER` times
 * (2 by default), then compiled by graphql-jit. The rest of the suite runs compiled from the first
 * run (helpers.ts); here the default: the first answer (graphql-js) and the later ones (compiled)
 * must be the same bytes, data, field errors, variable errors and payload errors alike.
 */

describe('the executor', () => {
  const schema = buildSchema(`
    input Greeting { name: String!, punctuation: String! = "！" }
    type Query { hello(name: String!): String!, boom: String, greet(greeting: Greeting!): String! }
  `);
  const root = {
    hello: (args: { name: string }) => `你好，${args.name}`,
    boom: () => {
      throw new Error('boom');
    },
  };
  // graphql-jit reads resolvers from the schema: give the fields theirs.
  const fields = schema.getQueryType()!.getFields();
  fields.hello.resolve = (_, args: { name: string }) => root.hello(args);
  fields.boom.resolve = () => root.boom();
  fields.greet.resolve = (_, args: { greeting: { name: string; punctuation: string } }) =>
    `你好，${args.greeting.name}${args.greeting.punctuation}`;

  function executorWith(after: number, maxCompiled?: number, on = schema) {
    const lines: string[] = [];
    const logger = {
      debug: (_: unknown, message: string) => lines.push(message),
      warn: (_: unknown, message: string) => lines.push(message),
    } as unknown as Platform['logger'];
    const gateway = compiledExecution(on, { after, logger, maxCompiled });
    let loadedSchema: unknown = null;
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => (loadedSchema = apiSchema));
    return { gateway, lines, loaded: () => loadedSchema };
  }

  function requestFor(document: ReturnType<typeof parse>, variables: Record<string, unknown>) {
    return {
      document,
      operationName: null,
      operation: document.definitions[0],
      request: { variables },
      context: {},
    } as never;
  }

  it('announces the schema, runs graphql-js until the document ran `after` times, then the compiled form, with the same answers', async () => {
    const { gateway, lines, loaded } = executorWith(2);
    const { executor } = await gateway.load({ apollo: {} });
    expect(loaded()).toBe(schema);
    const document = parse('query ($n: String!) { hello(name: $n) boom }');
    const first = await executor!(requestFor(document, { n: '王' }));
    expect(lines).toEqual([]);
    const second = await executor!(requestFor(document, { n: '王' }));
    expect(lines).toEqual(['operation compiled']);
    const third = await executor!(requestFor(document, { n: '王' }));
    expect(lines).toEqual(['operation compiled']); // compiled once
    expect(first.data).toEqual({ hello: '你好，王', boom: null });
    for (const later of [second, third]) {
      expect(later.data).toEqual(first.data);
      expect(JSON.stringify(later.errors)).toBe(JSON.stringify(first.errors));
      // graphql-js's error objects: the error formatting reads `extensions` (an error without any has `{}`).
      expect(later.errors?.[0]).toBeInstanceOf(GraphQLError);
      expect(later.errors?.[0]?.extensions).toEqual(first.errors?.[0]?.extensions);
      expect(later.errors?.[0]?.originalError?.message).toBe('boom');
    }
    // A variable of the wrong type: the same error from both.
    const wrong = parse('query ($n: String!) { hello(name: $n) }');
    const [jsWrong, jitWrong] = [await executor!(requestFor(wrong, { n: 3 })), await executor!(requestFor(wrong, { n: 3 }))];
    expect(jsWrong.errors?.[0]?.message).toMatch(/\$n/);
    expect(JSON.stringify(jitWrong.errors)).toBe(JSON.stringify(jsWrong.errors));
  });

  it('leaves operations with input object variables to graphql-js (graphql-jit drops input field defaults)', async () => {
    const { gateway, lines } = executorWith(1);
    const { executor } = await gateway.load({ apollo: {} });
    const document = parse('query ($g: Greeting!) { greet(greeting: $g) }');
    for (let i = 0; i < 2; i++)
      expect((await executor!(requestFor(document, { g: { name: '张' } }))).data).toEqual({ greet: '你好，张！' });
    expect(lines).toEqual([]);
  });

  it('keeps at most `maxCompiled` operations compiled, dropping the least recently run', async () => {
    const { gateway, lines } = executorWith(1, 2);
    const { executor } = await gateway.load({ apollo: {} });
    const [a, b, c] = ['{ hello(name: "甲") }', '{ hello(name: "乙") }', '{ hello(name: "丙") }'].map((q) => parse(q));
    for (const document of [a, b, a, c]) await executor!(requestFor(document, {}));
    expect(lines).toHaveLength(3); // a, b, c compiled; b, the least recently run, dropped
    await executor!(requestFor(a, {}));
    expect(lines).toHaveLength(3); // a still compiled
    expect((await executor!(requestFor(b, {}))).data).toEqual({ hello: '你好，乙' });
    expect(lines).toHaveLength(4); // b compiled again
  });

  it('answers leaves that are null, errors or not serialisable, deep in lists, as graphql-js does (graphql-jit patched: patches/README.md)', async () => {
    const leaves = buildSchema(`
      enum Color { RED }
      type Item { name: String!, note: String, count: Int, color: Color }
      type Row { items: [Item!] }
      type Query { rows: [Row!]! }
    `);
    const item = (name: string | null, note: unknown, count: unknown, color: unknown) => ({ name, note, count, color });
    const rows = [
      { items: [item('甲', null, 1, 'RED'), item('乙', new Error('note failed'), 2.5, 'RED')] },
      { items: [item('丙', '好', 3, 'BLUE'), item(null, null, null, null)] },
    ];
    leaves.getQueryType()!.getFields().rows.resolve = () => rows;
    const { gateway, lines } = executorWith(2, undefined, leaves);
    const { executor } = await gateway.load({ apollo: {} });
    const document = parse('{ rows { items { name note count color } } }');
    const [js, jit] = [await executor!(requestFor(document, {})), await executor!(requestFor(document, {}))];
    expect(lines).toEqual(['operation compiled']);
    const errors = (result: { errors?: readonly GraphQLError[] }) =>
      (result.errors ?? []).map((e) => JSON.stringify({ message: e.message, path: e.path, locations: e.locations })).sort();
    expect(jit.data).toEqual(js.data);
    expect(errors(jit)).toEqual(errors(js));
    // Each kind of failure is there: an Error for a nullable leaf, a value Int cannot hold, an unknown enum value, a null for String!.
    for (const failure of ['note failed', 'non-integer value: 2.5', 'cannot represent value', 'non-nullable field Item.name'])
      expect(errors(js)).toContainEqual(expect.stringContaining(failure));
    expect(js.data).toEqual({
      rows: [
        {
          items: [
            { name: '甲', note: null, count: 1, color: 'RED' },
            { name: '乙', note: null, count: null, color: 'RED' },
          ],
        },
        { items: null },
      ],
    });
  });

  it('with `after: 1` compiles a document on its first run', async () => {
    const { gateway, lines } = executorWith(1);
    const { executor } = await gateway.load({ apollo: {} });
    await executor!(requestFor(parse('{ hello(name: "李") }'), {}));
    expect(lines).toEqual(['operation compiled']);
  });
});

describe('through the gateway, default settings', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_COMPILE_AFTER: '2' }), createGatewayLogger('silent', false), {
      seedWhenEmpty: true,
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  /** One HTTP answer: status, the headers a client reads, and the body's bytes. */
  async function ask(body: Record<string, unknown>, headers: Record<string, string>) {
    const res = await fetch(`${gateway.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
        'x-request-id': 'compiled-0001',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const seen = ['content-type', 'retry-after', 'x-request-id'].map((name) => `${name}: ${res.headers.get(name)}`);
    return { status: res.status, headers: seen, body: await res.text() };
  }

  /**
   * Three runs of one operation: the first by graphql-js, the second compiled through Apollo, the
   * third (a query's) on the direct path (direct-execution.ts); the same status, headers and bytes.
   */
  async function sameThreeTimes(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
    operationName?: string,
  ): Promise<any> {
    const first = await ask({ query, variables, operationName }, headers);
    for (let i = 0; i < 2; i++) expect(await ask({ query, variables, operationName }, headers)).toEqual(first);
    return { status: first.status, ...JSON.parse(first.body) };
  }

  it('answers reads, field errors, variable errors, abstract types and payload errors alike', async () => {
    const board = await sameThreeTimes(`{
      requests(first: 5) { edges { cursor node {
        id title status level createdAt
        requester { id name } assignee { id name }
        place { id name ancestors { id name } }
        lastTimelineEntry { action toStatus at }
      } } pageInfo { hasNextPage endCursor } }
    }`);
    expect(board.errors).toBeUndefined();
    const nodes = board.data.requests.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBe(5);
    const requester = (nodes.find((n: { requester: { id: string } | null }) => n.requester) as { requester: { id: string } }).requester.id;

    await sameThreeTimes(
      `query Card($id: ID!) { person(id: $id) { id name household { id name } roles { nodes { role place { id name } } } } }`,
      { id: requester },
    );
    // An unseen id, a malformed id, a variable of the wrong type.
    const unseen = await sameThreeTimes(`query ($id: ID!) { node(id: $id) { id } }`, {
      id: 'UmVxdWVzdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA',
    });
    expect(unseen.data ?? unseen.errors).toBeTruthy();
    const malformed = await sameThreeTimes(`query ($id: ID!) { person(id: $id) { id } }`, { id: 'not-an-id' });
    expect(malformed.errors.length).toBeGreaterThan(0);
    const wrongType = await sameThreeTimes(`query ($n: Int!) { requests(first: $n) { edges { cursor } } }`, { n: 'five' });
    expect(wrongType.errors[0].message).toMatch(/\$n/);
    // An interface: the type of each node is resolved the same way.
    await sameThreeTimes(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Request { title } ... on Person { name } } }`, {
      ids: [nodes[0].id, requester],
    });
    // The content type the client asks for, and none it accepts (406: Apollo's answer every time).
    const few = `{ requests(first: 2) { edges { cursor } } }`;
    await sameThreeTimes(few, undefined, { accept: 'application/graphql-response+json, application/json;q=0.9' });
    expect((await sameThreeTimes(few, undefined, { accept: 'text/html' })).status).toBe(406);
    // One text, two operations: each name runs its own; without a name Apollo refuses it.
    const two = `query Few { requests(first: 2) { edges { cursor } } } query Other { __typename }`;
    expect(Object.keys((await sameThreeTimes(two, undefined, {}, 'Few')).data)).toEqual(['requests']);
    expect((await sameThreeTimes(two, undefined, {}, 'Other')).data).toEqual({ __typename: 'Query' });
    expect((await sameThreeTimes(two)).status).toBe(400);
    // A body Apollo refuses, with a text that ran compiled: still Apollo's answer.
    expect((await ask({ query: few, variables: [1] }, {})).status).toBe(400);
    // A method Apollo does not take.
    const put = await fetch(`${gateway.server.url}/graphql`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query: few }),
    });
    expect(put.status).toBe(405);
    // A type an HTML form can send, however its parameters read: Apollo's CSRF refusal.
    const simple = await ask({ query: few }, { 'content-type': 'text/plain; profile=json', 'accept-language': 'en' });
    expect([simple.status, JSON.parse(simple.body).errors[0].message]).toEqual([400, gatewayMessages.csrfRefused.render('en', {})]);
    // A mutation refused with a payload error, three times: nothing written, the same answer.
    const closed = nodes.find((n: { status: string }) => n.status !== 'RESOLVED') as { id: string };
    const refused = await sameThreeTimes(
      `mutation ($id: ID!) { changeRequestStatus(id: $id, to: CLOSED) { request { id status } errors { code message field } } }`,
      { id: closed.id },
    );
    expect(refused.data.changeRequestStatus.errors.length).toBeGreaterThan(0);
  });
});
