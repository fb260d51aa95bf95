import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, freePort, type TestDatabase } from '@gongzhi/core/testing';
import { postGraphQL, TEST_ADMIN_KEY } from './helpers.js';

// Gateways keep a checked API key (and its grants) for a few seconds; a revocation made on any
// process reaches every other one through the board channel's NOTIFY and drops it at once.
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../dist/cli.js');

interface Gateway {
  url: string;
  child: ChildProcess;
  stderr: string[];
}

async function startProcess(databaseUrl: string, port: number): Promise<Gateway> {
  const stderr: string[] = [];
  const child = spawn(process.execPath, [cli, 'start'], {
    cwd: here,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
      GONGZHI_PLUGINS: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (d) => stderr.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000; // a busy machine starts slowly
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${stderr.join('')}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child, stderr };
    if (Date.now() > deadline) throw new Error(`gateway on ${port} did not become ready: ${stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(gateway: Gateway | undefined): Promise<void> {
  if (!gateway || gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  const exited = new Promise((r) => gateway.child.once('exit', r));
  gateway.child.kill('SIGTERM');
  await exited;
}

let db: TestDatabase;
let a: Gateway | undefined;
let b: Gateway | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startProcess(db.url, await freePort());
  b = await startProcess(db.url, await freePort());
}, 150_000);
afterAll(async () => {
  await stopProcess(a);
  await stopProcess(b);
  await db?.drop();
});

async function createKey(name: string): Promise<{ id: string; secret: string }> {
  const res = await postGraphQL(
    a!.url,
    'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { created { secret apiKey { id } } errors { code message } } }',
    { i: { name, placeIds: [], permissions: ['request.submit'] } },
    TEST_ADMIN_KEY,
  );
  const created = res.data.createApiKey.created;
  return { id: created.apiKey.id, secret: created.secret };
}

/** HTTP status of `{ viewer { kind } }` asked of `gateway` with `secret`. */
async function statusWith(gateway: Gateway, secret: string): Promise<number> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  await res.text();
  return res.status;
}

test('a revoked key is refused at once by another process that has it cached', async () => {
  // The cache is real: a revocation that announces nothing (its notice trigger off) goes unseen
  // by B while B's entry lasts (5 s). On a machine too busy to ask twice within 4 s, try again.
  for (let attempt = 1; ; attempt++) {
    const name = `不通知${attempt}`;
    const unseen = await createKey(name);
    const warmedAt = Date.now();
    expect(await statusWith(b!, unseen.secret)).toBe(200);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE api_key DISABLE TRIGGER api_key_revoked');
      await client.query(`UPDATE api_key SET revoked_at = now() WHERE name = $1`, [name]);
      await client.query('ALTER TABLE api_key ENABLE TRIGGER api_key_revoked');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const status = await statusWith(b!, unseen.secret);
    if (Date.now() - warmedAt < 4000 || attempt === 3) {
      expect(status).toBe(200);
      break;
    }
  }

  // Revoked through the API on A: B refuses it on the very next request.
  const key = await createKey('看板应用');
  expect(await statusWith(b!, key.secret)).toBe(200);
  expect(await statusWith(b!, key.secret)).toBe(200);
  const revoked = await postGraphQL(
    a!.url,
    'mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } errors { code } } }',
    { id: key.id },
    TEST_ADMIN_KEY,
  );
  expect(revoked.data.revokeApiKey.apiKey.revokedAt).toBeTruthy();
  expect(await statusWith(b!, key.secret)).toBe(401);
  expect(await statusWith(a!, key.secret)).toBe(401);
}, 60_000);
