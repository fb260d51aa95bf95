import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import type { TestDatabase } from '@gongzhi/core/testing';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { boardClient, demoBoard, submitOver, watchBoard } from './board-helpers.js';
import { gatewayDatabase, postGraphQL, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * Hundreds of dashboards connecting at once with one key (a gateway restarting, a network
 * coming back) while the database is slow: they wait for one check of the key and a few
 * rate-limit statements, rather than each handshake taking a connection of a small pool.
 * A table lock held by the test stands for the slow database.
 */
const logger = createGatewayLogger('silent', false);
const SOCKETS = 300;
let db: TestDatabase;
let gateway: RunningGateway;
let secret: string;

beforeAll(async () => {
  db = await gatewayDatabase();
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_DB_POOL_SIZE: '2', GONGZHI_RATE_LIMIT: '100000' }),
    logger,
    // The counts wait for the lock below rather than fall back to counting in the process.
    { rateLimiter: { storeTimeoutMs: 60_000 } },
  );
  // A key no process has checked yet: nothing cached.
  const res = await postGraphQL(
    gateway.server.url,
    'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { created { secret } errors { code message } } }',
    { i: { name: '大屏', placeIds: [], permissions: ['request.submit'] } },
    TEST_ADMIN_KEY,
  );
  secret = res.data.createApiKey.created.secret;
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

/** Runs `during` while another connection holds `table` locked; unlocks when it settles. */
async function whileLocked<T>(table: string, during: () => Promise<T>): Promise<T> {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return await during();
  } finally {
    await locker.query('COMMIT');
    await locker.end();
  }
}

/** `n` graphql-ws clients with the new key that never retry (a socket closed with 1013 fails the test); resolves once all opened. */
async function connectMany(n: number, connected: () => void = () => {}): Promise<Client[]> {
  let opened = 0;
  const clients = Array.from({ length: n }, () =>
    boardClient(gateway.server.url, {
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${secret}` },
      on: { opened: () => opened++, connected },
    }),
  );
  const deadline = Date.now() + 60_000;
  while (opened < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return clients;
}

/** Counts the statements sent to the database whose text matches `pattern` until the returned function is called. */
function countStatements(pattern: RegExp): () => number {
  // Put back as it was, unbound: it is called with each client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text && pattern.test(text)) count++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return () => {
    pg.Client.prototype.query = query;
    return count;
  };
}

test(`${SOCKETS} handshakes with one unchecked key on a pool of 2, while the key's table is locked: one check, all subscribe`, async () => {
  const { communityId, sequence } = await demoBoard(gateway.server.url);
  const keyChecks = countStatements(/WHERE k\.prefix = /);
  let clients: Client[] = [];
  let watchers: ReturnType<typeof watchBoard>[] = [];
  try {
    // Held past the 5 s a handshake may wait for a connection: a check per socket would hold
    // both connections, and the other handshakes would be closed with 1013.
    await whileLocked('api_key', async () => {
      clients = await connectMany(SOCKETS);
      watchers = clients.map((client) => watchBoard(client, communityId, sequence));
      await new Promise((r) => setTimeout(r, 6000));
    });
    // Every subscription has started once every socket received a change made after them all.
    const deadline = Date.now() + 60_000;
    while (gateway.platform.boards.subscriberCount < SOCKETS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await submitOver(gateway.server.url, communityId, '风暴之后');
    for (const watcher of watchers) expect((await watcher.until(1, 60_000))[0].card.title).toBe('风暴之后');
    expect(watchers.flatMap((w) => w.errors)).toEqual([]);
    // One for the storm; another only if the subscriptions came after its cached answer expired.
    expect(keyChecks()).toBeLessThanOrEqual(2);
  } finally {
    keyChecks();
    for (const watcher of watchers) watcher.stop();
    await Promise.all(clients.map(async (client) => client.dispose()));
  }
}, 180_000);

test(`${SOCKETS} handshakes while the rate limit's table is locked are counted in a few statements`, async () => {
  const counts = countStatements(/INSERT INTO ("?public"?\.)?"?rate_limit/i);
  let connected = 0;
  let clients: Client[] = [];
  try {
    await whileLocked('rate_limit', async () => {
      clients = await connectMany(SOCKETS, () => connected++);
      await new Promise((r) => setTimeout(r, 1000));
    });
    const deadline = Date.now() + 60_000;
    while (connected < SOCKETS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(connected).toBe(SOCKETS);
    // At most one statement per connection of the limiter's two while locked, then one batch each.
    expect(counts()).toBeLessThanOrEqual(4);
  } finally {
    counts();
    await Promise.all(clients.map(async (client) => client.dispose()));
  }
}, 180_000);
