import { createGatewayLogger, type RunningGateway, SLOW_CONSUMER_CLOSE_CODE } from '@gongzhi/gateway';
import type { TestDatabase } from '@gongzhi/core/testing';
import WebSocket from 'ws';
import { boardClient, CHANGE_DOC, demoBoard, submitOver, watchBoard } from './board-helpers.js';
import { gatewayDatabase, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

const logger = createGatewayLogger('silent', false);
let db: TestDatabase;
let gateway: RunningGateway;

beforeAll(async () => {
  db = await gatewayDatabase();
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_WS_MAX_SUBSCRIPTIONS: '3', GONGZHI_WS_QUEUE_LIMIT: '4', GONGZHI_MAX_ALIASES: '100' }),
    logger,
  );
});
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

test('a dashboard subscribed over graphql-ws sees requests made over HTTP, in order, once', async () => {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const client = boardClient(gateway.server.url);
  const watcher = watchBoard(client, communityId, sequence);
  try {
    const ids = [];
    for (const title of ['楼道灯不亮', '电梯异响', '门禁坏了']) ids.push(await submitOver(gateway.server.url, communityId, title));
    const changes = await watcher.until(3);
    expect(changes.map((c) => c.sequence)).toEqual([sequence + 1, sequence + 2, sequence + 3]);
    expect(changes.map((c) => [c.itemId, c.card.title, c.inBoard])).toEqual([
      [ids[0], '楼道灯不亮', true],
      [ids[1], '电梯异响', true],
      [ids[2], '门禁坏了', true],
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.changes).toHaveLength(3);
  } finally {
    watcher.stop();
    await client.dispose();
  }
});

test('fan-out: an event is loaded once per group of identical subscriptions, not once per socket', async () => {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const clients = [0, 1, 2, 3, 4].map(() => boardClient(gateway.server.url));
  const same = clients.map((c) => watchBoard(c, communityId, sequence));
  // Another document is another group.
  const otherClient = boardClient(gateway.server.url);
  let otherReceived = 0;
  const other = otherClient.subscribe(
    {
      query: 'subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence card { status } } }',
      variables: { p: communityId, a: sequence },
    },
    { next: () => void otherReceived++, error: () => {}, complete: () => {} },
  );
  // A warm-up change every subscription receives proves all six are live (on a busy machine one
  // still subscribing would catch up from the log: another execution, which is not what is counted).
  await submitOver(gateway.server.url, communityId, '预热');
  for (const w of same) await w.until(1);
  for (const deadline = Date.now() + 10_000; otherReceived < 1 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
  expect(otherReceived).toBe(1);
  const connection = gateway.platform.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  const loads: string[] = [];
  connection.execute = ((...args: Parameters<typeof original>) => {
    // The ORM sends its loads as SQL text.
    const sql = typeof args[0] === 'string' ? args[0] : '';
    if (/from "request"/i.test(sql) && /"id" in/i.test(sql)) loads.push(sql);
    return original(...args);
  }) as typeof original;
  try {
    await submitOver(gateway.server.url, communityId, '一次加载');
    for (const w of same) {
      for (let n = 2; !(await w.until(n)).some((c) => c.card.title === '一次加载'); n++);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(loads).toHaveLength(2); // one for the five identical subscriptions, one for the other
  } finally {
    connection.execute = original;
    for (const w of same) w.stop();
    other();
    for (const c of [...clients, otherClient]) await c.dispose();
  }
});

test('one connection may hold only the configured number of subscriptions', async () => {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const client = boardClient(gateway.server.url);
  const watchers = [0, 1, 2, 3].map(() => watchBoard(client, communityId, sequence));
  try {
    const deadline = Date.now() + 5000;
    while (watchers[3].errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(watchers[3].errors[0]).toEqual([
      expect.objectContaining({
        message: 'This connection already has 3 operations open, the most allowed. Complete one first, or open another connection.',
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', max: 3 },
      }),
    ]);
    // The three within the cap work.
    await submitOver(gateway.server.url, communityId, '上限之内');
    for (const w of watchers.slice(0, 3)) expect((await w.until(1))[0].card.title).toBe('上限之内');
  } finally {
    for (const w of watchers) w.stop();
    await client.dispose();
  }
});

/**
 * A raw graphql-ws client whose TCP socket stops reading after it subscribed, while `changes`
 * requests are submitted, each change selecting their ~300 KB description `copies` times; then it
 * reads again. Resolves with how the server closed it, and the board's sequence before.
 */
async function stalledSubscriber(copies: number, changes: number): Promise<{ code: number; reason: string; sequence: number }> {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const socket = new WebSocket(`${gateway.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  await new Promise((r) => socket.once('open', r));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await new Promise((r) => socket.once('message', r));
  const big = Array.from({ length: copies }, (_, i) => `d${i}: item { ... on Request { description } }`).join(' ');
  const query = CHANGE_DOC.replace('card { title status }', `card { title ${big} }`);
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { p: communityId, a: sequence } } }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise((r) => setTimeout(r, 100));
  const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  tcp.pause();
  const description = '社区说明'.repeat(25_000); // ~300 KB
  for (let i = 0; i < changes; i++) await submitOver(gateway.server.url, communityId, `大量积压${i}`, description);
  tcp.resume();
  return { ...(await closed), sequence };
}

test('a subscriber that stops reading is closed with the slow-consumer code; the process keeps serving', async () => {
  // Changes of ~12 MB: a few fill every buffer.
  const { code, reason, sequence } = await stalledSubscriber(40, 12);
  expect(code).toBe(SLOW_CONSUMER_CLOSE_CODE);
  expect(reason).toMatch(/^SLOW_CONSUMER: /);
  // Others are unaffected.
  const { sequence: now } = await demoBoard(gateway.server.url);
  expect(now).toBeGreaterThanOrEqual(sequence + 12);
}, 60_000);

test('a subscriber holding more changes than the queue limit is closed for that, before its bytes reach their limit', async () => {
  // Changes of ~1.2 MB: the kernel's buffers take a few, then they wait in the process, where five
  // (more than GONGZHI_WS_QUEUE_LIMIT=4) are ~6 MB, under the 8 MB that would close it for bytes.
  const { code, reason } = await stalledSubscriber(4, 40);
  expect(code).toBe(SLOW_CONSUMER_CLOSE_CODE);
  // In the connection's language (the tests' default, English).
  expect(reason).toBe('SLOW_CONSUMER: More than 4 messages waiting. Reconnect and resume from the last sequence received.');
}, 60_000);

test('a subscription document that fails to parse or validate is refused every time it is sent, and a valid one answers every time', async () => {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const client = boardClient(gateway.server.url);
  /** What the server answers to a subscription of `query`: its first change, or its refusal's codes. */
  const first = (query: string) =>
    new Promise<unknown>((resolve) => {
      const stop = client.subscribe(
        { query, variables: { p: communityId, a: sequence } },
        {
          next: (value: any) => {
            stop();
            resolve(value.errors ? value.errors.map((e: any) => e.extensions.code) : 'change');
          },
          error: (err: any) => resolve(Array.isArray(err) ? err.map((e) => e.extensions?.code) : String(err)),
          complete: () => undefined,
        },
      );
    });
  const unknownField = CHANGE_DOC.replace('refetch', 'refetchAll');
  const broken = CHANGE_DOC.replace('{ sequence', '{ sequence (');
  try {
    for (let round = 0; round < 2; round++) {
      expect(await first(unknownField)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(await first(broken)).toEqual(['GRAPHQL_PARSE_FAILED']);
      const change = first(CHANGE_DOC);
      await submitOver(gateway.server.url, communityId, `第${round + 1}次`);
      expect(await change).toBe('change');
    }
  } finally {
    await client.dispose();
  }
});
