import path from 'node:path';
import { fromGlobalId, type RunningDatabase, startEmbeddedPostgres } from '@gongzhi/core';
import { freePort, type TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, type RunningGateway, TRY_AGAIN_LATER_CLOSE_CODE } from '@gongzhi/gateway';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { boardClient, demoBoard, submitOver, type Watcher, watchBoard } from './board-helpers.js';
import { type CliRun, startReady, stop } from './cli-process.js';
import { gatewayDatabase, startGateway, tempDir, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * The database restarted under two gateway processes (`gongzhi start`, PostgreSQL LISTEN/NOTIFY
 * between them) with writes in flight and board subscribers on both: on a PostgreSQL server of
 * this file's own, stopped (fast shutdown, what `pg_ctl stop -m fast` does) and started again.
 */
const logger = createGatewayLogger('silent', false);

let folder: { dir: string; remove: () => Promise<void> };
let pgPort: number;
let database: RunningDatabase | null = null;
let a: CliRun | undefined;
let b: CliRun | undefined;

const startDatabase = async () =>
  (database = await startEmbeddedPostgres({ dataDir: path.join(folder.dir, 'pg'), port: pgPort, database: 'gongzhi', ephemeral: true }));
async function stopDatabase(): Promise<void> {
  const running = database;
  database = null;
  await running?.stop();
}

const startGatewayProcess = async (databaseUrl: string) =>
  startReady({
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
    GONGZHI_BOARD_TRANSPORT: 'postgres',
    GONGZHI_RATE_LIMIT: '1000000',
  });

/** The HTTP status of a GET, 0 when nothing answered within `ms`. */
const status = (url: string, ms = 5000) =>
  fetch(url, { signal: AbortSignal.timeout(ms) }).then(
    (r) => r.status,
    () => 0,
  );

/** One GraphQL request as the test admin, with a time limit: its status, Retry-After and body. */
async function post(url: string, query: string, variables: Record<string, unknown>, ms: number) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(ms),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

const SUBMIT = 'mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code message } } }';
const submit = (url: string, placeId: string, title: string, ms = 15_000) =>
  post(url, SUBMIT, { i: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId, callbackPhone: '13800000000' } }, ms);

/** A read through the gateway's database pool; true when it was answered with data. */
const answers = (url: string) =>
  post(url, '{ places(type: COMMUNITY) { nodes { id } } }', {}, 3000).then(
    (r) => r.status === 200 && Array.isArray(r.body.data?.places?.nodes),
    () => false,
  );

/** Milliseconds until the gateway answers a read (or throws past `ms`). */
async function answersWithin(gateway: CliRun, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await answers(gateway.url))) {
    if (Date.now() - started > ms) throw new Error(`${gateway.url} answered no query within ${ms} ms: ${gateway.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

beforeAll(async () => {
  folder = await tempDir('gongzhi-db-restarts-');
  pgPort = await freePort();
  const { url } = await startDatabase();
  a = await startGatewayProcess(url); // loads the demo district into the empty database
  b = await startGatewayProcess(url);
}, 300_000); // a PostgreSQL and two gateways, each up to 120 s on a busy machine

afterAll(async () => {
  await stop(a);
  await stop(b);
  await stopDatabase();
  await folder?.remove();
}, 30_000);

test('ten database restarts with writes in flight: both gateways answer within 10 s, every board subscriber gets every event in order', async () => {
  const gateways = [a!, b!];
  const { communityId, sequence: start } = await demoBoard(a!.url);
  const clients: Client[] = [];
  const watchers: Watcher[] = [];
  for (const gateway of gateways) {
    for (let i = 0; i < 2; i++) {
      const client = boardClient(gateway.url);
      clients.push(client);
      watchers.push(watchBoard(client, communityId, start));
    }
  }
  const outcomes = { acknowledged: 0, unavailable: 0, other: [] as string[] };
  const acknowledgedIds: string[] = [];
  let writing = true;
  const writers = Array.from({ length: 6 }, async (_, w) => {
    for (let i = 0; writing; i++) {
      const res = await submit(gateways[w % 2].url, communityId, `写入者${w}-${i}`).catch((err: Error) => ({
        status: 0,
        retryAfter: null,
        body: err.message,
      }));
      if (res.status === 200 && res.body.data?.submitRequest?.request) {
        outcomes.acknowledged++;
        acknowledgedIds.push(res.body.data.submitRequest.request.id);
      } else if (res.status === 503 && Number(res.retryAfter) > 0 && res.body.errors?.[0]?.extensions?.code === 'DATABASE_UNAVAILABLE') {
        outcomes.unavailable++;
        await new Promise((r) => setTimeout(r, 50));
      } else outcomes.other.push(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  });
  const recovery: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, 500)); // subscribed
    for (let restart = 1; restart <= 10; restart++) {
      // Right after an acknowledged write, with the others in flight.
      const acknowledged = outcomes.acknowledged;
      const deadline = Date.now() + 20_000;
      while (outcomes.acknowledged === acknowledged && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(outcomes.acknowledged).toBeGreaterThan(acknowledged);
      await stopDatabase();
      await startDatabase();
      const took = await Promise.all(gateways.map((g) => answersWithin(g, 10_000)));
      recovery.push(...took);
    }
    writing = false;
    await Promise.all(writers);
    expect(outcomes.other).toEqual([]);
    expect(await Promise.all(gateways.map((g) => status(`${g.url}/readyz`)))).toEqual([200, 200]);

    // What the board log holds for the community's board since the subscribers started.
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    const { rows } = await client
      .query<{ seq: string }>(
        `SELECT seq FROM board_event WHERE seq > $1 AND place_path LIKE (SELECT path FROM place WHERE id = $2) || '%' ORDER BY seq`,
        [start, fromGlobalId(communityId)!.id],
      )
      .finally(() => client.end());
    const logged = rows.map((r) => Number(r.seq));
    expect(logged.length).toBeGreaterThanOrEqual(10);
    const caughtUp = Date.now() + 20_000;
    while (watchers.some((w) => (w.changes.at(-1)?.sequence ?? start) < logged.at(-1)!) && Date.now() < caughtUp) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const watcher of watchers) {
      expect(watcher.errors).toEqual([]);
      expect(watcher.changes.map((c) => c.sequence)).toEqual(logged);
    }
    // No acknowledged write is missing from the boards (a 503 may or may not have been applied).
    const onBoards = new Set(watchers[0].changes.map((c) => c.itemId));
    expect(acknowledgedIds.filter((id) => !onBoards.has(id))).toEqual([]);
    console.log(
      `10 database restarts: ${outcomes.acknowledged} writes acknowledged, ${outcomes.unavailable} answered 503; ` +
        `gateways answered ${Math.min(...recovery)}–${Math.max(...recovery)} ms after PostgreSQL was back; ` +
        `${logged.length} board events reached each of ${watchers.length} subscribers`,
    );
  } finally {
    writing = false;
    await Promise.all(writers);
    for (const watcher of watchers) watcher.stop();
    for (const client of clients) await client.dispose();
  }
}, 150_000);

test('while the database is down: a write answers 503 with Retry-After, /readyz 503 within its timeout; then both serve again', async () => {
  const { communityId } = await demoBoard(a!.url);
  await stopDatabase();
  try {
    for (const gateway of [a!, b!]) {
      let started = Date.now();
      const write = await submit(gateway.url, communityId, '数据库停止时', 10_000);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(write.status).toBe(503);
      expect(Number(write.retryAfter)).toBeGreaterThan(0);
      expect(write.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      started = Date.now();
      expect(await status(`${gateway.url}/readyz`, 10_000)).toBe(503);
      // Within GONGZHI_READY_TIMEOUT_MS (2 s), with slack for a loaded CI machine (the probe itself gives up at 10 s).
      expect(Date.now() - started).toBeLessThan(2000 + 3000);
      expect(await status(`${gateway.url}/healthz`)).toBe(200);
      // A dashboard connecting now is told to try again later, not that its key is refused (4403).
      let socket: Client | undefined;
      const closedWith = await new Promise<{ code: number; reason: string }>((resolve) => {
        socket = createClient({
          url: `${gateway.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}`, acceptLanguage: 'zh-CN' },
          onNonLazyError: () => undefined,
          on: {
            closed: (event) => {
              const { code, reason } = event as { code: number; reason: string };
              resolve({ code, reason });
            },
          },
        });
        setTimeout(() => resolve({ code: 0, reason: '' }), 5000).unref();
      });
      await socket?.dispose();
      expect(closedWith).toEqual({
        code: TRY_AGAIN_LATER_CLOSE_CODE,
        reason: 'DATABASE_UNAVAILABLE: 数据库暂不可用。请稍后重连，从收到的最后序号继续。',
      });
    }
  } finally {
    await startDatabase();
  }
  for (const gateway of [a!, b!]) {
    expect(await answersWithin(gateway, 10_000)).toBeLessThan(10_000);
    expect(await status(`${gateway.url}/readyz`)).toBe(200);
  }
}, 60_000);

describe('a board change that cannot be produced', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  beforeAll(async () => {
    db = await gatewayDatabase();
    gateway = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_WS_EVENT_RETRY_MS: '300' }), logger);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  test('is retried, then its subscribers are told to resume (1013) and get it once it can be produced: never skipped', async () => {
    const { communityId, sequence } = await demoBoard(gateway.server.url);
    await submitOver(gateway.server.url, communityId, '暂时读不出来');
    await new Promise((r) => setTimeout(r, 300)); // after-commit handlers done
    // Every load of the request fails (a real database error, not an unavailable database).
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const closeCodes: number[] = [];
    const closeReasons: string[] = [];
    const client = boardClient(gateway.server.url, {
      on: {
        closed: (event) => {
          closeCodes.push((event as { code: number }).code);
          closeReasons.push((event as { reason: string }).reason);
        },
      },
    });
    let watcher: Watcher | undefined;
    try {
      await admin.query('ALTER TABLE request RENAME TO request_out_of_reach');
      watcher = watchBoard(client, communityId, sequence);
      const deadline = Date.now() + 10_000;
      while (!closeCodes.includes(TRY_AGAIN_LATER_CLOSE_CODE) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(closeCodes).toContain(TRY_AGAIN_LATER_CLOSE_CODE);
      // Told in the connection's language (the tests' default, English), naming the change.
      expect(closeReasons).toContain(
        `UNAVAILABLE: Board change ${sequence + 1} could not be produced. Reconnect and resume from the last sequence received.`,
      );
      expect(watcher.changes).toEqual([]);
      await admin.query('ALTER TABLE request_out_of_reach RENAME TO request');
      const [change] = await watcher.until(1);
      expect(change).toMatchObject({ sequence: sequence + 1, refetch: false, card: { title: '暂时读不出来' } });
      await new Promise((r) => setTimeout(r, 300));
      expect(watcher.changes).toHaveLength(1);
      expect(watcher.errors).toEqual([]);
    } finally {
      watcher?.stop();
      await client.dispose();
      await admin.query('ALTER TABLE IF EXISTS request_out_of_reach RENAME TO request').catch(() => undefined);
      await admin.end();
    }
  }, 60_000);
});
