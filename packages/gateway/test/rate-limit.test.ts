import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import type { TestDatabase } from '@gongzhi/core/testing';
import pg from 'pg';
import WebSocket from 'ws';
import { gatewayDatabase, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * One rate limit for several gateways: two servers on one database spend one budget per caller
 * (counted in PostgreSQL), and a failing count falls back to a per-process limit rather than to
 * errors or to no limit.
 */
const logger = createGatewayLogger('silent', false);
const LIMIT = 6;
let db: TestDatabase;
let a: RunningGateway;
let b: RunningGateway;

beforeAll(async () => {
  db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
  const config = () => testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_RATE_LIMIT: String(LIMIT) });
  // On a loaded machine a count may take longer than the 500 ms after which a gateway counts
  // alone; this test is about sharing, so the gateways wait for the database here.
  const options = { seedWhenEmpty: false, rateLimiter: { storeTimeoutMs: 30_000 } };
  a = await startGateway(config(), logger, options);
  b = await startGateway(config(), logger, options);
}, 60_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

async function ask(gateway: RunningGateway, credential: string | null = TEST_ADMIN_KEY) {
  const res = await fetch(`${gateway.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify({ query: '{ coreVersion }' }),
  });
  const body = (await res.json()) as { errors?: { extensions: { code: string; retryAfter: number } }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0]?.extensions.code };
}

/** A raw graphql-ws handshake with the admin key: acknowledged, or closed with its code (and the reason's code). */
function handshake(gateway: RunningGateway): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${gateway.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })));
    ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') {
        resolve('acknowledged');
        ws.close();
      }
    });
    ws.on('close', (code, reason: Buffer) => resolve(`closed ${code}${reason.length ? ` ${reason.toString().split(':')[0]}` : ''}`));
    ws.on('error', () => resolve('error'));
  });
}

test('two gateways on one database share one budget per key, also under concurrent requests, over HTTP and WebSocket', async () => {
  // 16 operations at once, half to each gateway: per-process counting would let 12 through.
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => ask(i % 2 ? a : b)));
  expect(results.filter((r) => r.status === 200)).toHaveLength(LIMIT);
  const refused = results.filter((r) => r.status !== 200);
  expect(refused).toHaveLength(16 - LIMIT);
  for (const r of refused) {
    expect(r).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
  }
  // Both go on refusing, and the WebSocket handshake on either is held to the same budget.
  expect((await ask(a)).status).toBe(429);
  expect((await ask(b)).status).toBe(429);
  expect(await handshake(b)).toBe('closed 4403 RATE_LIMITED');
  // Another caller (anonymous, by address) has a budget of its own.
  expect((await ask(a, null)).status).toBe(200);
  expect(await handshake(a)).toBe('closed 4403 RATE_LIMITED');
}, 30_000);

test('a busy caller counts in leases: one statement per twentieth of the limit, and never more than the limit, on one gateway or two', async () => {
  // A limit of 40 leases 2 ahead with each count; a budget of its own (counts are kept per limit).
  const config = () => testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_RATE_LIMIT: '40' });
  const options = { seedWhenEmpty: false, rateLimiter: { storeTimeoutMs: 30_000 } };
  const c = await startGateway(config(), logger, options);
  const d = await startGateway(config(), logger, options);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const counted = async () =>
    (await admin.query<{ points: number }>(`SELECT sum(points)::int AS points FROM rate_limit WHERE key LIKE 'operations/40:%'`)).rows[0]
      ?.points;
  try {
    // The first operation is counted with a lease of 2; the next two are taken from it, with no
    // statement; the fourth takes a new lease.
    expect((await ask(c)).status).toBe(200);
    expect(await counted()).toBe(3);
    for (let i = 0; i < 2; i++) expect((await ask(c)).status).toBe(200);
    expect(await counted()).toBe(3);
    expect((await ask(c)).status).toBe(200);
    expect(await counted()).toBe(6);
    // The rest of the budget, spread over both gateways: a lease is only its holder's to spend, so
    // the caller may be refused up to one lease per gateway early, and never gets past 40.
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await ask(i % 2 ? c : d)).status);
    const granted = 4 + statuses.filter((s) => s === 200).length;
    expect(granted).toBeLessThanOrEqual(40);
    expect(granted).toBeGreaterThanOrEqual(36);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
  } finally {
    await admin.end();
    await c.stop();
    await d.stop();
  }
}, 60_000);

test('when the shared count fails, each gateway counts alone: no error, and still a limit', async () => {
  // The count's table gone stands for any failure of the store (a database restarting, say).
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query('DROP TABLE rate_limit');
  } finally {
    await admin.end();
  }
  // The admin key stays refused until its window ends (kept in memory: no statement needed).
  expect((await ask(a)).status).toBe(429);
  // Anonymous callers (counted once in the database above) get a budget per process.
  const onA = [];
  for (let i = 0; i < LIMIT + 1; i++) onA.push((await ask(a, null)).status);
  expect(onA).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  expect((await ask(b, null)).status).toBe(200);
}, 30_000);

test('a mutation past the limit is refused before it executes, while its count is still under way', async () => {
  // Another limit counts under a budget of its own, so the admin key starts afresh on this gateway,
  // and is not yet known to be past the limit: every mutation below waits for its count.
  const c = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_RATE_LIMIT: '3' }), logger, {
    seedWhenEmpty: false,
    rateLimiter: { storeTimeoutMs: 30_000 },
  });
  try {
    const code = `rate-limited-${Date.now()}`;
    const create = async (i: number) => {
      const res = await fetch(`${c.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({
          query: 'mutation ($i: CreatePlaceInput!) { createPlace(input: $i) { place { id } errors { code } } }',
          variables: { i: { type: 'DISTRICT', code: `${code}-${i}`, name: `限流 ${i}` } },
        }),
      });
      return res.status;
    };
    // The first through Apollo's pipeline; the others at once, on the direct path (their text has run: direct-execution.ts).
    const statuses = [await create(0), ...(await Promise.all(Array.from({ length: 8 }, (_, i) => create(i + 1))))];
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM place WHERE code LIKE $1', [`${code}-%`]);
      expect(Number(rows[0]?.n)).toBe(3);
    } finally {
      await admin.end();
    }
  } finally {
    await c.stop();
  }
}, 60_000);

test('a query refused once it has run is logged and counted as answered (429 RATE_LIMITED), not also as ok: through Apollo and on the direct path', async () => {
  const c = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_RATE_LIMIT: '3', GONGZHI_METRICS_TOKEN: 'scrape-token-of-the-tests' }),
    logger,
    { seedWhenEmpty: false, rateLimiter: { storeTimeoutMs: 30_000 } },
  );
  /** Sums the samples of `name` whose labels include `labels`. */
  const total = async (name: string, labels: Record<string, string>): Promise<number> => {
    const res = await fetch(`${c.server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-of-the-tests' } });
    let sum = 0;
    for (const line of (await res.text()).split('\n')) {
      const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const given = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      if (Object.entries(labels).every(([k, v]) => given[k] === v)) sum += Number(m[3]);
    }
    return sum;
  };
  const ask = async (query: string, key: string | null) => {
    const res = await fetch(`${c.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return res.status;
  };
  try {
    const burst = async (texts: string[], key: string | null, allowed: number) => {
      const ok = await total('gongzhi_operations_total', { transport: 'http', outcome: 'ok' });
      const limited = await total('gongzhi_errors_total', { transport: 'http', code: 'RATE_LIMITED' });
      const statuses = await Promise.all(texts.map((text) => ask(text, key)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(allowed);
      expect(statuses.filter((s) => s === 429)).toHaveLength(texts.length - allowed);
      expect((await total('gongzhi_operations_total', { transport: 'http', outcome: 'ok' })) - ok).toBe(allowed);
      expect((await total('gongzhi_errors_total', { transport: 'http', code: 'RATE_LIMITED' })) - limited).toBe(texts.length - allowed);
    };
    // The direct path's text runs once (the admin key's budget: 2 left).
    expect(await ask('query Again { coreVersion }', TEST_ADMIN_KEY)).toBe(200);
    // Nine texts never seen, anonymous (the address's budget): each through Apollo's pipeline, its count alongside.
    await burst(
      Array.from({ length: 9 }, (_, i) => `query Burst${i} { coreVersion }`),
      null,
      3,
    );
    // Nine of the known text with the admin key: on the direct path.
    await burst(Array<string>(9).fill('query Again { coreVersion }'), TEST_ADMIN_KEY, 2);
  } finally {
    await c.stop();
  }
}, 60_000);
