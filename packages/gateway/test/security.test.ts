import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import { coreMessages } from '@gongzhi/core';
import type { TestDatabase } from '@gongzhi/core/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewayDatabase, postGraphQL, startGateway, testConfig } from './helpers.js';

/** Abuse limits through the real server, on HTTP and WebSocket alike; the server stays healthy. */
const logger = createGatewayLogger('silent', false);
let db: TestDatabase;
let gateway: RunningGateway;
let key: string;

beforeAll(async () => {
  db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
  gateway = await startGateway(
    testConfig({
      DATABASE_URL: db.url,
      GONGZHI_PLUGINS: '',
      GONGZHI_INTROSPECTION: 'false',
      GONGZHI_MAX_DEPTH: '6',
      GONGZHI_MAX_ALIASES: '5',
      GONGZHI_STATEMENT_TIMEOUT_MS: '500',
      GONGZHI_WS_ALLOW_OPERATIONS: 'true',
    }),
    logger,
  );
  key = gateway.devAdminKey!;
});
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

const post = (query: string, variables?: Record<string, unknown>, credential: string | null = key) =>
  postGraphQL(gateway.server.url, query, variables, credential);

const depthBomb = `{ places { nodes { children { nodes { children { nodes { children { nodes { name } } } } } } } } }`;
const aliasFlood = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: coreVersion`).join(' ')} }`;

test.each([
  ['a depth bomb', depthBomb, /depth limit of 6/i],
  ['an alias flood', aliasFlood, /Too many aliases: the limit is 5/],
  [
    'an alias flood of __typename',
    `{ ${Array.from({ length: 300 }, (_, i) => `t${i}: __typename`).join(' ')} }`,
    /Too many aliases: the limit is 5/,
  ],
  [
    'a fragment cycle',
    `{ places { nodes { ...A } } } fragment A on Place { children { nodes { ...B } } } fragment B on Place { parent { ...A } }`,
    /Cannot spread fragment "A" within itself/,
  ],
  ['a token flood', `{ coreVersion ${'__typename '.repeat(5000)} }`, /more that 4000 tokens/],
])('%s gets a clear error and nothing runs', async (_what, query, message) => {
  const result = await post(query);
  expect(result.data).toBeUndefined();
  expect(result.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(message);
  expect((await fetch(`${gateway.server.url}/healthz`)).status).toBe(200);
});

test('a huge page asked through a variable is refused at execution', async () => {
  const result = await post('query ($n: Int!) { requests(first: $n) { edges { cursor } } }', { n: 1_000_000 });
  expect(result.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(result.errors[0].message).toMatch(/^"first" may be at most 100 \(the page cap\), got 1000000/);
});

test('every database statement has a time limit', async () => {
  const em = gateway.platform.orm.em.fork();
  const [row] = await em.getConnection().execute<{ statement_timeout: string }[]>('SHOW statement_timeout');
  expect(row.statement_timeout).toBe('500ms');
  await expect(em.getConnection().execute('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
});

test('field suggestions do not reveal the schema when introspection is off', async () => {
  const result = await post('{ plugin { id } }');
  expect(result.errors[0].message).toBe('Cannot query field "plugin" on type "Query".');
  const introspection = await post('{ __schema { types { name } } }');
  expect(introspection.errors[0].message).toMatch(/introspection/i);
});

test('credentials: none is anonymous, a wrong one is 401, and the answer never leaks a stack trace', async () => {
  const anonymous = await post('{ viewer { kind } places { nodes { name } } }', undefined, null);
  expect(anonymous).toEqual({ data: { viewer: { kind: 'anonymous' }, places: { nodes: [] } } });
  const res = await fetch(`${gateway.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer gz_abcdefgh_notarealkeynotarealkeynotarealkey' },
    body: JSON.stringify({ query: '{ coreVersion }' }),
  });
  expect(res.status).toBe(401);
  const body = await res.json();
  expect(body.errors[0]).toEqual({ message: expect.stringMatching(/unknown or revoked/), extensions: { code: 'UNAUTHENTICATED' } });
  const admin = await post('{ viewer { kind permissions } }');
  expect(admin).toEqual({ data: { viewer: { kind: 'api-key', permissions: ['*'] } } });
});

test('the WebSocket takes the key in connection_init and applies the same limits', async () => {
  const url = `${gateway.server.url.replace('http', 'ws')}/graphql`;
  const run = (client: ReturnType<typeof createClient>, query: string) =>
    new Promise<any>((resolve) => {
      let value: unknown;
      client.subscribe({ query }, { next: (v) => (value = v), error: (e) => resolve({ error: e }), complete: () => resolve(value) });
    });
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${key}` },
  });
  try {
    expect(await run(client, '{ viewer { kind } }')).toEqual({ data: { viewer: { kind: 'api-key' } } });
    const bomb = await run(client, depthBomb);
    expect(bomb.error[0].message).toMatch(/depth limit of 6/i);
  } finally {
    await client.dispose();
  }
  const anonymous = createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
  expect(await run(anonymous, '{ viewer { kind } }')).toEqual({ data: { viewer: { kind: 'anonymous' } } });
  await anonymous.dispose();

  const wrong = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: { authorization: 'Bearer gz_abcdefgh_notarealkeynotarealkeynotarealkey' },
  });
  const refused = await run(wrong, '{ coreVersion }');
  expect(refused.error).toMatchObject({ code: 4403 });
  await wrong.dispose();
});

test('revoking a key ends the subscriptions it holds open', async () => {
  const revoking = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_WS_RECHECK_MS: '200' }), logger, {
    seedWhenEmpty: false,
  });
  try {
    const { createApiKey } = await import('@gongzhi/core');
    const { apiKey, secret } = await revoking.platform.orm.em
      .fork()
      .transactional((em) => createApiKey(em as never, { name: '看板', placeIds: [], permissions: ['request.submit'] }));
    const { Place, PlaceType } = await import('@gongzhi/core');
    const em = revoking.platform.orm.em.fork();
    const place = em.create(Place, { type: PlaceType.COMMUNITY, code: 'REVOKE-C', name: '撤销社区', path: '/', depth: 2 });
    await em.flush();
    const socket = new WebSocket(`${revoking.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } }));
    await new Promise((r) => socket.once('message', r));
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription($p: ID!) { taskBoardChanges(placeId: $p) { sequence } }', variables: { p: place.id } },
      }),
    );
    const closed = new Promise<string>((resolve) =>
      socket.once('close', (code, reason: Buffer) => resolve(`${code} ${reason.toString()}`)),
    );
    await postGraphQL(
      revoking.server.url,
      'mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } errors { code message field } } }',
      { id: apiKey.id },
      revoking.devAdminKey,
    );
    // Why, in the connection's language (the test server's default: English).
    expect(await closed).toBe(`4401 UNAUTHENTICATED: ${coreMessages.apiKeyUnknownRevoked.text.en}`);
  } finally {
    await revoking.stop();
  }
});

test('a rate limit per key answers 429 with the wait, and other keys go on', async () => {
  const limited = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_RATE_LIMIT: '5' }), logger, {
    seedWhenEmpty: false,
  });
  try {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${limited.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${limited.devAdminKey}` },
        body: JSON.stringify({ query: '{ coreVersion }' }),
      });
      statuses.push(res.status);
      last = { retryAfter: res.headers.get('retry-after'), body: await res.json() };
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last.retryAfter)).toBeGreaterThan(0);
    expect(last.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    // Anonymous callers have their own bucket (by address): the admin's flood does not stop them.
    expect((await postGraphQL(limited.server.url, '{ coreVersion }', undefined, null)).data).toEqual({ coreVersion: expect.any(String) });
  } finally {
    await limited.stop();
  }
});
