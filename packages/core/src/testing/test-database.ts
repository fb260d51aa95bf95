import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl, withDatabase } from '../database/database-url.js';
import { type EmbeddedDatabaseOptions, freePort, startEmbeddedPostgres } from '../database/embedded-postgres.js';
import type { MigrationSource } from '../migrations/migration.js';
import { migrate, migrationChecksum } from '../migrations/migrator.js';

/** Environment variable through which a test run shares one database server between workers. */
export const TEST_SERVER_ENV = 'GONGZHI_TEST_SERVER_URL';
/** Environment variable naming the test run, so its template databases can be found and dropped. */
export const TEST_RUN_ENV = 'GONGZHI_TEST_RUN';

export interface TestDatabaseServer {
  /** URL of a maintenance database on the server, used to create and drop test databases. */
  url: string;
  /** What workers need to find the server ({@link TEST_SERVER_ENV}, {@link TEST_RUN_ENV}): merge it into `process.env`. */
  env: Record<string, string>;
  /** Drops the run's template databases and stops the server if it was started here. */
  stop(): Promise<void>;
}

/** Prefix of the template databases of run `run`. */
const templatePrefix = (run: string) => `gongzhi_template_${run}_`;

/**
 * Starts a throw-away embedded PostgreSQL in a temporary folder on a free port (or, with
 * `DATABASE_URL` set, uses that server and starts nothing: `options` then do not apply).
 * Call it once per test run, e.g. from Jest's globalSetup, and merge `env` into `process.env` for
 * the workers.
 */
export async function startTestDatabaseServer(
  options: Pick<EmbeddedDatabaseOptions, 'settings' | 'scheduling'> = {},
): Promise<TestDatabaseServer> {
  const run = randomBytes(4).toString('hex');
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    parseDatabaseUrl(url);
    return { url, env: { [TEST_SERVER_ENV]: url, [TEST_RUN_ENV]: run }, stop: () => dropTemplates(url, run) };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gongzhi-test-pg-'));
  const dataDir = path.join(dir, 'data');
  const db = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', ephemeral: true, ...options });
  const watchdog = watchOver(Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]), dir);
  // The watchdog stops the server when this process ends, so the server need not hold it open.
  db.unref();
  return {
    url: db.url,
    env: { [TEST_SERVER_ENV]: db.url, [TEST_RUN_ENV]: run },
    stop: async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
      watchdog.release();
    },
  };
}

// Run by the watchdog (`node -e`, argv: postmaster pid, folder). A byte on stdin releases it; the
// pipe closing without one means the test run died: fast shutdown (SIGINT), SIGKILL after 10 s.
const WATCHDOG = `
const [pid, dir] = [Number(process.argv[1]), process.argv[2]];
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
let released = false;
process.stdin.on('data', () => { released = true; });
process.stdin.on('close', async () => {
  if (released) return;
  if (alive()) process.kill(pid, 'SIGINT');
  for (let waited = 0; alive() && waited < 10000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
  require('node:fs').rmSync(dir, { recursive: true, force: true });
});
`;

/**
 * A test run killed by a signal (Ctrl-C, a CI timeout, SIGKILL) never runs its teardown, and its
 * embedded server and folder would outlive it. A small process of its own holds a pipe from this
 * one; the kernel closes the pipe however this process ends, and unless {@link release} came
 * first, the watchdog stops the server (`pid`, its postmaster) and removes `dir`.
 */
function watchOver(pid: number, dir: string): { release(): void } {
  // Detached: a Ctrl-C to the terminal's process group does not stop it before it has cleaned up.
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(pid), dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  const stdin = child.stdin as Socket | null;
  stdin?.unref();
  return { release: () => stdin?.end('released') };
}

let ownServer: Promise<TestDatabaseServer> | undefined;

/** The server test databases go on: the run's shared one, `DATABASE_URL`, or one started here. */
async function testServerUrl(): Promise<string> {
  const shared = process.env[TEST_SERVER_ENV] ?? process.env.DATABASE_URL;
  if (shared) return shared;
  // Nothing stops it here: when this process ends, its watchdog stops the server and removes its folder.
  ownServer ??= startTestDatabaseServer().then((server) => {
    Object.assign(process.env, server.env);
    return server;
  });
  return (await ownServer).url;
}

/** Runs `work` on a connection to the server's maintenance database. */
async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropTemplates(serverUrl: string, run: string): Promise<void> {
  await onServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      templatePrefix(run),
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
  });
}

/**
 * The template database of this run holding exactly `migrations`, made on first use by whichever
 * worker asks first (the others wait on an advisory lock); null when there is no run to own it or
 * the migrations fail (then the caller migrates, and meets the failure, itself).
 */
async function migratedTemplate(serverUrl: string, migrations: readonly MigrationSource[]): Promise<string | null> {
  const run = process.env[TEST_RUN_ENV];
  if (!run) return null;
  const fingerprint = createHash('sha256');
  for (const source of migrations) {
    for (const migration of source.migrations) fingerprint.update(`${source.owner}/${migration.name}/${migrationChecksum(migration.up)}\n`);
  }
  const digest = fingerprint.digest();
  const name = `${templatePrefix(run)}${digest.toString('hex').slice(0, 16)}`;
  return onServer(serverUrl, async (client) => {
    const lock = digest.readInt32BE(0);
    await client.query('SELECT pg_advisory_lock($1)', [lock]);
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return name;
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} STRATEGY FILE_COPY`);
      try {
        await migrate(withDatabase(serverUrl, name), migrations);
        return name;
      } catch {
        await client.query(`DROP DATABASE ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        return null;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
  });
}

export interface TestDatabaseOptions {
  /**
   * Migrations the database comes with, applied as `migrate` would (pass `migrationSources` of
   * the composed plugins). The run migrates them once into a template database and copies it,
   * which is much cheaper than migrating every test's database.
   */
  migrations?: readonly MigrationSource[];
}

export interface TestDatabase {
  url: string;
  /** Drops the database (ending its connections first). */
  drop(): Promise<void>;
}

/** Creates a database with a random name, empty or migrated; it touches nothing it did not create. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const name = `gongzhi_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrations ? await migratedTemplate(serverUrl, options.migrations) : null;
  // FILE_COPY copies the template's files at once; the default (WAL_LOG) copies block by block.
  const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from} STRATEGY FILE_COPY`));
  return {
    url: withDatabase(serverUrl, name),
    drop: () =>
      onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * How Linux schedules process `pid` (its policy: `normal`, `batch`, …; field 41 of
 * /proc/<pid>/stat), or null where it cannot be read. The embedded server's processes run as
 * `batch` where `chrt` can set it (see `EmbeddedDatabaseOptions.scheduling`).
 */
export function schedulingOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    return ['normal', 'fifo', 'rr', 'batch', 'iso', 'idle', 'deadline'][policy] ?? String(policy);
  } catch {
    return null;
  }
}

/**
 * Whether util-linux's `chrt` is on the PATH (as on Debian and Ubuntu, where it is essential):
 * where it is, the embedded server's processes run as `batch` unless told otherwise.
 */
export function chrtOnPath(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, 'chrt')));
}
