import { createGatewayLogger, loadConfig, SETTINGS } from '@gongzhi/gateway';
import { freePort, type TestDatabase } from '@gongzhi/core/testing';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import { type CliRun, readyWithin, signalGroup, startCli, startReady, stop, until } from './cli-process.js';
import { gatewayDatabase, postGraphQL, startGateway, tempDir, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * Trust under faults, bad configuration and hostile input: each case through the real server
 * (HTTP on a random port, the gateway as `gongzhi start` composes it).
 */
const logger = createGatewayLogger('silent', false);
const SECRET = 'a-production-secret-that-is-long-enough-0123456789';
let db: TestDatabase;
beforeAll(async () => {
  db = await gatewayDatabase();
});
afterAll(() => db?.drop());

describe('development keys', () => {
  test('a production start revokes every development key: the one printed last and a fixed one answer 401', async () => {
    const fixed = 'gz_fixedkey_a-fixed-development-key-of-this-test-0001';
    const dev = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_DEV_ADMIN_KEY: '' }), logger, { seedWhenEmpty: false });
    const printed = dev.devAdminKey!;
    await dev.stop();
    const shared = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_DEV_ADMIN_KEY: fixed }), logger, { seedWhenEmpty: false });
    // The fixed key replaced the printed one.
    expect((await postGraphQL(shared.server.url, '{ viewer { permissions } }', {}, fixed)).data.viewer.permissions).toEqual(['*']);
    expect((await postGraphQL(shared.server.url, '{ viewer { kind } }', {}, printed)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await shared.stop();

    const production = await startGateway(
      loadConfig({ PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'production', GONGZHI_JWT_SECRET: SECRET, DATABASE_URL: db.url }),
      logger,
      { seedWhenEmpty: false },
    );
    try {
      expect(production.devAdminKey).toBeNull();
      for (const key of [printed, fixed]) {
        const res = await fetch(`${production.server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: '{ viewer { permissions } }' }),
        });
        expect(res.status).toBe(401);
      }
    } finally {
      await production.stop();
    }
  });

  test('production refuses to start with GONGZHI_DEV_ADMIN_KEY set', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        GONGZHI_JWT_SECRET: SECRET,
        GONGZHI_DEV_ADMIN_KEY: 'gz_fixedkey_a-fixed-development-key-of-this-test-0001',
      }),
    ).toThrow(/GONGZHI_DEV_ADMIN_KEY is set but NODE_ENV is production: development keys are refused/);
  });
});

test('an empty bearer is told its credential is missing', async () => {
  const gateway = await startGateway(testConfig({ DATABASE_URL: db.url }), logger, { seedWhenEmpty: false });
  try {
    const res = await fetch(`${gateway.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
      body: JSON.stringify({ query: '{ coreVersion }' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0].message).toBe(
      'The credential is missing after "Bearer": send "Authorization: Bearer <API key or person token>".',
    );
  } finally {
    await gateway.stop();
  }
});

describe('one set of rules on HTTP and WebSocket', () => {
  /** A gateway whose log lines are kept, for the checks on what was logged. */
  async function loggedGateway(env: Record<string, string>) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const gateway = await startGateway(testConfig({ DATABASE_URL: db.url, ...env }), pino({ level: 'info' }, sink), {
      seedWhenEmpty: false,
    });
    return { gateway, lines };
  }

  const socket = (url: string, params: Record<string, unknown> = { authorization: `Bearer ${TEST_ADMIN_KEY}` }) =>
    createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: params,
    });

  const first = (client: ReturnType<typeof socket>, query: string) =>
    new Promise<unknown>((resolve) => {
      client.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve('completed') });
    });

  test('with introspection off, WebSocket hides suggestions and refuses __schema like HTTP', async () => {
    const { gateway } = await loggedGateway({ GONGZHI_INTROSPECTION: 'false', GONGZHI_WS_ALLOW_OPERATIONS: 'true' });
    const client = socket(gateway.server.url);
    try {
      const typo = (await first(client, '{ coreVersio }')) as { message: string }[];
      expect(typo[0].message).toBe('Cannot query field "coreVersio" on type "Query".');
      const schemaOverSocket = (await first(client, '{ __schema { types { name } } }')) as { message: string }[];
      expect(schemaOverSocket[0].message).toMatch(/introspection/i);
      const schemaOverHttp = await postGraphQL(gateway.server.url, '{ __schema { types { name } } }');
      expect(schemaOverHttp.errors[0].message).toMatch(/introspection/i);
    } finally {
      await client.dispose();
      await gateway.stop();
    }
  });

  test('WebSocket handshakes count against the rate limit', async () => {
    const { gateway } = await loggedGateway({ GONGZHI_RATE_LIMIT: '3' });
    // Raw graphql-ws handshakes: connection_init, then an ack or a close.
    const handshake = () =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${gateway.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
        ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })));
        ws.on('message', (data: Buffer) => {
          if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') {
            resolve('acknowledged');
            ws.close();
          }
        });
        ws.on('close', (code) => resolve(`closed ${code}`));
        ws.on('error', () => resolve('error'));
      });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) outcomes.push(await handshake());
      expect(outcomes.slice(0, 3)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
      expect(outcomes.slice(3)).toEqual(['closed 4403', 'closed 4403']);
    } finally {
      await gateway.stop();
    }
  }, 30_000);

  test('an unexpected fault is masked to INTERNAL with the request id, logged with it, and every operation leaves one log line', async () => {
    const { gateway, lines } = await loggedGateway({});
    try {
      const res = await fetch(`${gateway.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, 'x-request-id': 'trust-test-0001' },
        body: JSON.stringify({
          query: 'query Find($t: String!) { requests(filter: { text: $t }) { edges { cursor } } }',
          variables: { t: 'a\u0000b' },
          operationName: 'Find',
        }),
      });
      expect(res.headers.get('x-request-id')).toBe('trust-test-0001');
      const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0]).toMatchObject({
        message: 'Internal error (request trust-test-0001). The operators can find it in the log by this id.',
        extensions: { code: 'INTERNAL', requestId: 'trust-test-0001' },
      });
      expect(JSON.stringify(body)).not.toMatch(/0x00|byte sequence|UTF8/i);
      const fault = lines.find((l) => l.msg === 'unexpected error in an operation');
      expect(fault).toMatchObject({ requestId: 'trust-test-0001', err: { stack: expect.stringMatching(/\S/) } });
      expect(lines.filter((l) => l.msg === 'operation' && l.requestId === 'trust-test-0001')).toEqual([
        expect.objectContaining({
          operation: 'Find',
          caller: 'api-key',
          transport: 'http',
          outcome: 'errors',
          codes: ['INTERNAL'],
          ms: expect.any(Number),
        }),
      ]);
    } finally {
      await gateway.stop();
    }
  });
});

test('the server buffers its log lines but writes an error at once: a kill -9 right after a fault keeps the error line', async () => {
  const db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
  let run: CliRun | null = null;
  try {
    run = await startReady({
      DATABASE_URL: db.url,
      PORT: String(await freePort()),
      GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
      GONGZHI_PLUGINS: '',
      LOG_LEVEL: 'info',
    });
    const res = await fetch(`${run.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, 'x-request-id': 'kill-after-fault-1' },
      body: JSON.stringify({
        query: 'query ($t: String!) { requests(filter: { text: $t }) { edges { cursor } } }',
        variables: { t: 'a\u0000b' },
      }),
    });
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('INTERNAL');
    // The answer is out; the crash comes before the 250 ms flush of buffered lines.
    await stop(run, 'SIGKILL');
    const lines = run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; requestId?: string; level: number });
    expect(lines.find((l) => l.msg === 'unexpected error in an operation')).toMatchObject({ requestId: 'kill-after-fault-1', level: 50 });
  } finally {
    await stop(run, 'SIGKILL');
    await db.drop();
  }
}, 180_000);

test('a gateway killed with -9 can be started again with no manual step: it stops the embedded PostgreSQL left running and says so; SIGINT then stops it cleanly', async () => {
  const { dir, remove } = await tempDir('gongzhi-kill9-');
  const env = { GONGZHI_DATA_DIR: dir, GONGZHI_PG_PORT: String(await freePort()), PORT: String(await freePort()), GONGZHI_PLUGINS: '' };
  let first: CliRun | null = null;
  let second: CliRun | null = null;
  try {
    first = await startReady(env);
    await stop(first, 'SIGKILL');
    second = startCli(env);
    // No manual step and no lock to wait out: the second start stops the orphan itself and says so.
    // (How long that takes is the machine's business, not asserted; bench/start.mjs measures starts.)
    await readyWithin(second);
    // Graceful stop: the gateway drains, then stops its database (not the other way round), exits 0, and warns of nothing.
    const warningsBefore = second.stderr().length;
    const exited = new Promise<number | null>((r) => second!.child.once('exit', (code) => r(code)));
    await stop(second);
    expect(await exited).toBe(0);
    expect(second.stdout()).toContain('stopping the embedded PostgreSQL left running by a process that ended without stopping it');
    expect(second.stderr().slice(warningsBefore)).toBe('');
    expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  } finally {
    for (const run of [first, second]) await stop(run);
    await remove();
  }
}, 200_000); // the first start (a new data folder) takes up to 120 s on a busy machine

test('Ctrl-C in a terminal (SIGINT to the whole process group) stops the embedded PostgreSQL during a start, and after it the gateway drains before its database stops: exit 0, nothing warned', async () => {
  const { dir, remove } = await tempDir('gongzhi-ctrl-c-');
  const env = { GONGZHI_DATA_DIR: dir, GONGZHI_PG_PORT: String(await freePort()), PORT: String(await freePort()), GONGZHI_PLUGINS: '' };
  const postmaster = path.join(dir, 'postgres', 'postmaster.pid');
  const serverPid = () => (existsSync(postmaster) ? Number(readFileSync(postmaster, 'utf8').split('\n')[0]) : 0);
  const serverRuns = () => {
    try {
      return serverPid() > 0 && process.kill(serverPid(), 0);
    } catch {
      return false;
    }
  };
  let run: CliRun | null = null;
  try {
    // Interrupted while starting, once the server runs: the process ends as interrupted, and takes the server with it.
    run = startCli(env, true);
    await until('the embedded PostgreSQL started', 120_000, () => Promise.resolve(serverRuns() ? true : undefined));
    expect(await signalGroup(run, 'SIGINT')).toBe('SIGINT');
    await until('the embedded PostgreSQL stopped', 30_000, () => Promise.resolve(serverRuns() ? undefined : true));

    // Interrupted while serving: its connections end by its own hand, none cut under it by the server.
    run = startCli(env, true);
    await readyWithin(run);
    expect(await signalGroup(run, 'SIGINT')).toBe(0);
    const warned = run
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg)
      .filter((msg) => !msg.startsWith('development admin key'));
    expect(warned).toEqual([]);
    expect(run.stderr()).toBe('');
    expect(serverRuns()).toBe(false);
  } finally {
    await stop(run);
    // A server this test failed to see stopped is not left running.
    if (serverRuns()) process.kill(serverPid(), 'SIGINT');
    await until('no server left', 30_000, () => Promise.resolve(serverRuns() ? undefined : true)).catch(() => undefined);
    await remove();
  }
}, 240_000); // a first start (a new data folder) takes up to 120 s on a busy machine

test("the README's configuration table lists every setting with its type and default", () => {
  const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Writing a plugin'));
  const missing = SETTINGS.filter((s) => {
    const row = section.split('\n').find((line) => (s.env ? line.startsWith(`| \`${s.env}\` |`) : line.includes(`\`${s.file}\``)));
    return !row || (s.file && !row.includes(`\`${s.file}\``)) || !row.includes(s.defaultText);
  }).map((s) => s.env ?? s.file);
  expect(missing).toEqual([]);
});
