import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import pg from 'pg';
import type { TestDatabase } from '@gongzhi/core/testing';
import { boardClient, demoBoard, submitOver, watchBoard } from './board-helpers.js';
import { gatewayDatabase, postGraphQL, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

const logger = createGatewayLogger('silent', false);
let db: TestDatabase;
let gateway: RunningGateway;

beforeAll(async () => {
  db = await gatewayDatabase();
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_RATE_LIMIT: '30', GONGZHI_METRICS_TOKEN: 'scrape-token-of-the-tests' }),
    logger,
  );
});
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${gateway.server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-of-the-tests' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of the sample of `name` whose labels include `labels` (undefined when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const given = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => given[k] === v)) return Number(m[3]);
  }
  return undefined;
}

test('/metrics needs the configured bearer token', async () => {
  expect((await fetch(`${gateway.server.url}/metrics`)).status).toBe(401);
  const wrong = await fetch(`${gateway.server.url}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
});

test('operations are counted by name, type and outcome, and timed', async () => {
  const url = gateway.server.url;
  const before = await scrape();
  const count = (text: string, labels: Record<string, string>) => sample(text, 'gongzhi_operations_total', labels) ?? 0;

  // The first through Apollo's pipeline, the second on the direct path (direct-execution.ts): counted alike.
  for (let i = 0; i < 2; i++) expect((await postGraphQL(url, 'query Plugins { plugins { id } }')).data.plugins).toHaveLength(4);
  const { communityId } = await demoBoard(url);
  const refused = await postGraphQL(
    url,
    'mutation Submit($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code } } }',
    { i: { kind: 'NEED', channel: 'PHONE', title: '', placeId: communityId, callbackPhone: '13800000000' } },
  );
  expect(refused.data.submitRequest.errors.length).toBeGreaterThan(0);
  const domainCode = refused.data.submitRequest.errors[0].code as string;
  const invalid = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
  expect(invalid.status).toBe(400);
  const unknownField = await postGraphQL(url, 'query Broken { noSuchField }');
  expect(unknownField.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  // Anonymous callers share their address's allowance of 30 a minute: the 31st is refused.
  let status = 0;
  for (let i = 0; i < 31 && status !== 429; i++) {
    status = (
      await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Anonymous { __typename }', operationName: 'Anonymous' }),
      })
    ).status;
  }
  expect(status).toBe(429);

  const after = await scrape();
  const grew = (labels: Record<string, string>) => count(after, labels) - count(before, labels);
  expect(grew({ operation: 'Plugins', type: 'query', transport: 'http', outcome: 'ok' })).toBe(2);
  expect(grew({ operation: 'Submit', type: 'mutation', transport: 'http', outcome: 'domain_error' })).toBe(1);
  expect(grew({ operation: 'Broken', type: 'query', transport: 'http', outcome: 'error' })).toBe(1);
  // Refused before it ran (its type unknown then), or once it had run (Apollo's plugins saw the refusal): counted once either way.
  expect(
    grew({ operation: 'Anonymous', type: 'unknown', transport: 'http', outcome: 'error' }) +
      grew({ operation: 'Anonymous', type: 'query', transport: 'http', outcome: 'error' }),
  ).toBe(1);
  expect(grew({ operation: '(anonymous)', type: 'unknown', transport: 'http', outcome: 'error' })).toBe(1); // the bad JSON
  const errors = (code: string) =>
    (sample(after, 'gongzhi_errors_total', { code }) ?? 0) - (sample(before, 'gongzhi_errors_total', { code }) ?? 0);
  expect(errors('RATE_LIMITED')).toBe(1);
  expect(errors('BAD_REQUEST')).toBe(1);
  expect(errors('GRAPHQL_VALIDATION_FAILED')).toBe(1);
  expect(sample(after, 'gongzhi_domain_errors_total', { code: domainCode })).toBeGreaterThanOrEqual(1);
  expect(sample(after, 'gongzhi_http_requests_total', { route: 'graphql', status: '429' })).toBe(1);
  // The bad JSON, and the document that failed validation.
  expect(sample(after, 'gongzhi_http_requests_total', { route: 'graphql', status: '400' })).toBe(2);
  // The latency histogram has the query in a bucket and in its count.
  expect(sample(after, 'gongzhi_operation_duration_seconds_count', { operation: 'Plugins', type: 'query' })).toBe(2);
  expect(sample(after, 'gongzhi_operation_duration_seconds_bucket', { operation: 'Plugins', type: 'query', le: '+Inf' })).toBe(2);
});

test('a request target no URL can be made of is answered and counted under `other`; the server goes on', async () => {
  const { request } = await import('node:http');
  const { hostname, port } = new URL(gateway.server.url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: hostname, port, path: '//[', method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(500);
  expect(sample(await scrape(), 'gongzhi_http_requests_total', { route: 'other', status: '500' })).toBe(1);
});

test('open sockets and subscriptions, board delivery lag, pool and outbox gauges', async () => {
  const url = gateway.server.url;
  const { communityId, sequence } = await demoBoard(url);
  const idle = await scrape();
  expect(sample(idle, 'gongzhi_websocket_connections')).toBe(0);
  expect(sample(idle, 'gongzhi_websocket_subscriptions')).toBe(0);
  const lagBefore = sample(idle, 'gongzhi_board_delivery_lag_seconds_count') ?? 0;

  const client = boardClient(url, { connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  const watcher = watchBoard(client, communityId, sequence);
  try {
    await submitOver(url, communityId, '楼道灯不亮');
    await watcher.until(1);
    const open = await scrape();
    expect(sample(open, 'gongzhi_websocket_connections')).toBe(1);
    expect(sample(open, 'gongzhi_websocket_subscriptions')).toBe(1);
    expect(sample(open, 'gongzhi_board_subscribers')).toBe(1);
    expect(sample(open, 'gongzhi_operations_total', { transport: 'websocket', type: 'subscription', outcome: 'ok' })).toBe(1);
    // The first change may have come as a replay while the subscription caught up; the second,
    // submitted after the first arrived, comes live and is measured.
    const lagAfterFirst = sample(open, 'gongzhi_board_delivery_lag_seconds_count') ?? 0;
    expect(lagAfterFirst - lagBefore).toBeLessThanOrEqual(1);
    await submitOver(url, communityId, '电梯按钮失灵');
    await watcher.until(2);
    const live = await scrape();
    expect((sample(live, 'gongzhi_board_delivery_lag_seconds_count') ?? 0) - lagAfterFirst).toBe(1);
    const lagSum = sample(live, 'gongzhi_board_delivery_lag_seconds_sum')!;
    expect(lagSum).toBeGreaterThan(0);
    expect(lagSum).toBeLessThan(10);
  } finally {
    watcher.stop();
    await client.dispose();
  }
  // The socket's close reaches the server a moment later.
  for (let i = 0; i < 50 && sample(await scrape(), 'gongzhi_websocket_connections') !== 0; i++) await new Promise((r) => setTimeout(r, 20));
  const closed = await scrape();
  expect(sample(closed, 'gongzhi_websocket_connections')).toBe(0);
  expect(sample(closed, 'gongzhi_websocket_subscriptions')).toBe(0);

  // Pool: connections exist and none is held between operations.
  expect(sample(closed, 'gongzhi_db_pool_connections', { state: 'in_use' })).toBe(0);
  expect(sample(closed, 'gongzhi_db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
  expect(sample(closed, 'gongzhi_db_pool_waiting')).toBe(0);
  // Outbox: a row left there shows in the depth and the age of the oldest.
  const em = gateway.platform.orm.em.fork();
  await em.execute(
    `INSERT INTO event_outbox (event, payload, occurred_at, handler, next_attempt_at, created_at)
     VALUES ('test.held', '{}', now(), 'metrics-test', now() + interval '1 hour', now() - interval '90 seconds')`,
  );
  try {
    const held = await scrape();
    expect(sample(held, 'gongzhi_event_outbox_pending')).toBe(1);
    expect(sample(held, 'gongzhi_event_outbox_failing')).toBe(0);
    expect(sample(held, 'gongzhi_event_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
  } finally {
    await em.execute(`DELETE FROM event_outbox WHERE handler = 'metrics-test'`);
  }
  expect(sample(await scrape(), 'gongzhi_event_outbox_pending')).toBe(0);
  // Process metrics come along, under the same prefix.
  expect(sample(closed, 'gongzhi_process_cpu_user_seconds_total')).toBeGreaterThan(0);
});

test('metrics are off when GONGZHI_METRICS=off, and required to be protected in production', async () => {
  const off = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_METRICS: 'off' }), logger, {
    seedWhenEmpty: false,
  });
  try {
    expect((await fetch(`${off.server.url}/metrics`)).status).toBe(404);
    expect(off.server.metrics).toBeNull();
  } finally {
    await off.stop();
  }
  expect(() =>
    testConfig({ NODE_ENV: 'production', GONGZHI_JWT_SECRET: 'x'.repeat(32), GONGZHI_DEV_ADMIN_KEY: '', GONGZHI_METRICS: 'on' }),
  ).toThrow(/GONGZHI_METRICS is on in production but GONGZHI_METRICS_TOKEN is not set/);
  expect(testConfig({ NODE_ENV: 'production', GONGZHI_JWT_SECRET: 'x'.repeat(32), GONGZHI_DEV_ADMIN_KEY: '' }).metrics.enabled).toBe(false);
});

test('the fold of the kept request counts is counted: places folded, rounds, rows removed', async () => {
  const own = await gatewayDatabase();
  const folding = await startGateway(
    testConfig({ DATABASE_URL: own.url, GONGZHI_COUNT_FOLD_MS: '100', GONGZHI_METRICS_TOKEN: 'scrape-token-of-the-tests' }),
    logger,
  );
  try {
    const scrapeFolding = async () =>
      (await fetch(`${folding.server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-of-the-tests' } })).text();
    // Three submissions in transactions of their own put the counts of their places' ancestors on
    // more than one stripe. The first round comes 100 ms after the start (10 s when the setting is
    // not passed on: the wait below ends before it).
    const { communityId } = await demoBoard(folding.server.url);
    for (let i = 0; i < 3; i++) await submitOver(folding.server.url, communityId, `计数折叠 ${i}`);
    let text = await scrapeFolding();
    for (
      let waited = 0;
      !(sample(text, 'gongzhi_request_count_fold_places_total', { outcome: 'folded' })! > 0) && waited < 5_000;
      waited += 100
    ) {
      await new Promise((r) => setTimeout(r, 100));
      text = await scrapeFolding();
    }
    expect(sample(text, 'gongzhi_request_count_fold_places_total', { outcome: 'folded' })).toBeGreaterThan(0);
    // Places a writer held (the grid's routing, say) are counted apart; none is needed here.
    expect(sample(text, 'gongzhi_request_count_fold_places_total', { outcome: 'busy' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'gongzhi_request_count_fold_rows_removed_total')).toBeGreaterThan(0);
    expect(sample(text, 'gongzhi_request_count_fold_rounds_total', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'gongzhi_request_count_fold_rounds_total', { outcome: 'failed' })).toBe(0);
  } finally {
    await folding.stop();
    await own.drop();
  }
});

test('the log pruner is counted: entries deleted past their retention period, by log, and its rounds', async () => {
  const own = await gatewayDatabase();
  const sql = new pg.Client({ connectionString: own.url });
  await sql.connect();
  try {
    // Two audit entries and one read of sensitive data from before the period, one audit entry within it.
    for (const days of [900, 800, 1]) {
      await sql.query(
        `INSERT INTO audit_log (at, actor_kind, actor_name, action, entity_type, operation, changes)
         VALUES (now() - $1 * interval '1 day', 'system', 'metrics', 'test.retention', 'Place', 'write', '{}')`,
        [days],
      );
    }
    await sql.query(
      `INSERT INTO sensitive_access_log (at, reader_kind, reader_id, reader_name, subject_id, fields)
       VALUES (now() - interval '400 days', 'api-key', gen_random_uuid(), 'metrics', gen_random_uuid(), '{phone}')`,
    );
  } finally {
    await sql.end();
  }
  const pruning = await startGateway(
    testConfig({
      DATABASE_URL: own.url,
      GONGZHI_AUDIT_LOG_RETENTION_DAYS: '365',
      GONGZHI_ACCESS_LOG_RETENTION_DAYS: '365',
      GONGZHI_METRICS_TOKEN: 'scrape-token-of-the-tests',
    }),
    logger,
    { seedWhenEmpty: false },
  );
  try {
    const scrape = async () =>
      (await fetch(`${pruning.server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-of-the-tests' } })).text();
    // The first prune runs right after the start.
    let text = await scrape();
    for (let waited = 0; !(sample(text, 'gongzhi_log_prune_rounds_total', { outcome: 'ok' })! > 0) && waited < 5_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      text = await scrape();
    }
    expect(sample(text, 'gongzhi_log_prune_rounds_total', { outcome: 'ok' })).toBe(1);
    expect(sample(text, 'gongzhi_log_prune_rounds_total', { outcome: 'failed' })).toBe(0);
    expect(sample(text, 'gongzhi_log_entries_pruned_total', { log: 'audit_log' })).toBe(2);
    expect(sample(text, 'gongzhi_log_entries_pruned_total', { log: 'sensitive_access_log' })).toBe(1);
  } finally {
    await pruning.stop();
    await own.drop();
  }
});

test("the plugins' scheduled tasks are counted by task and outcome, with their last success", async () => {
  // The shared gateway runs the grid's escalation every minute (its default): declared, no round yet.
  const idle = await scrape();
  expect(sample(idle, 'gongzhi_scheduled_task_rounds_total', { task: 'grid.escalation', outcome: 'ok' })).toBe(0);
  expect(sample(idle, 'gongzhi_scheduled_task_rounds_total', { task: 'grid.escalation', outcome: 'failed' })).toBe(0);
  expect(sample(idle, 'gongzhi_scheduled_task_last_success_timestamp_seconds', { task: 'grid.escalation' })).toBeUndefined();

  const own = await gatewayDatabase();
  const config = testConfig({ DATABASE_URL: own.url, GONGZHI_METRICS_TOKEN: 'scrape-token-of-the-tests' });
  // As a configuration file gives a plugin's options: the escalation every 50 ms.
  const plugins = config.plugins.map((p) => (p.name.endsWith('plugin-grid') ? { ...p, options: { escalationIntervalMs: 50 } } : p));
  const started = Date.now() / 1000;
  const escalating = await startGateway({ ...config, plugins }, logger, { seedWhenEmpty: false });
  try {
    const scrapeOwn = async () =>
      (await fetch(`${escalating.server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-of-the-tests' } })).text();
    let text = await scrapeOwn();
    const ok = () => sample(text, 'gongzhi_scheduled_task_rounds_total', { task: 'grid.escalation', outcome: 'ok' }) ?? 0;
    for (let waited = 0; ok() < 2 && waited < 5_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      text = await scrapeOwn();
    }
    expect(ok()).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'gongzhi_scheduled_task_rounds_total', { task: 'grid.escalation', outcome: 'failed' })).toBe(0);
    // The only process: it never finds the task's lease held.
    expect(sample(text, 'gongzhi_scheduled_task_rounds_total', { task: 'grid.escalation', outcome: 'skipped' })).toBe(0);
    const last = sample(text, 'gongzhi_scheduled_task_last_success_timestamp_seconds', { task: 'grid.escalation' })!;
    expect(last).toBeGreaterThanOrEqual(started);
    expect(last).toBeLessThanOrEqual(Date.now() / 1000);
  } finally {
    await escalating.stop();
    await own.drop();
  }
});
