import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabaseOptions, launchEmbeddedPostgres, type RunningDatabase } from '@gongzhi/core';
import { chrtOnPath, freePort, schedulingOf } from '@gongzhi/core/testing';
import pg from 'pg';

/**
 * The embedded server's first start, launched while the caller holds the event loop (as the CLI
 * does while it imports the platform): initdb and the server are processes of their own, so a
 * blocked loop delays nothing but the answer, and a caller that gives up leaves nothing running.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gongzhi-embedded-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether something accepts connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Names of this process's child processes (Linux: /proc). */
async function childNames(): Promise<string[]> {
  const names: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid) names.push(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
  }
  return names;
}

/** Holds the event loop for `ms`, as an `import()` of the platform does. */
function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, socket or child-process event runs meanwhile
  }
}

test('launched on an empty folder, initdb runs while the event loop is held; ready() then answers with a working database', async () => {
  const port = await freePort();
  const dataDir = path.join(dir, 'pg');
  const clusterCache = path.join(dir, 'clusters');
  const starting = await launchEmbeddedPostgres({ dataDir, port, database: 'launched', ephemeral: true, clusterCache });
  // initdb is already running as its own process when launch returns, and works while this one is busy.
  expect(await childNames()).toContain('initdb');
  blockFor(1500);
  expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  const db = await starting.ready();
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ name: string; address: string | null; pid: number }>(
      'SELECT current_database() AS name, inet_server_addr()::text AS address, pg_backend_pid() AS pid',
    );
    // Its processes run as batch work where chrt can set that (this machine and CI's), so a backend
    // woken by a statement does not take the platform's core at once; elsewhere as any process.
    const policy = schedulingOf(rows[0].pid); // while the connection's backend is there
    await client.end();
    expect(rows[0]?.name).toBe('launched');
    expect(policy).toBe(chrtOnPath() ? 'batch' : 'normal');
    // Over the Unix socket beside the data folder (no server address), a folder only its owner enters.
    expect(rows[0]?.address).toBeNull();
    expect((await stat(`${dataDir}.socket`)).mode & 0o777).toBe(0o700);
    // TCP on 127.0.0.1 stays open for other tools, behind the password; the private socket asks for none.
    expect(await listening(port)).toBe(true);
    const withPassword = (host: string, password: string) =>
      queryOne<{ ok: number }>(`postgres://postgres:${password}@${encodeURIComponent(host)}:${port}/launched`, 'SELECT 1 AS ok');
    await expect(withPassword('127.0.0.1', 'not-the-password')).rejects.toThrow(/password authentication failed/);
    expect(await withPassword(`${dataDir}.socket`, 'not-the-password')).toEqual({ ok: 1 });
    expect((await readFile(`${dataDir}.owner`, 'utf8')).trim()).toBe(String(process.pid));
  } finally {
    await db.stop();
  }
  // A copy of the new cluster is kept for the next empty folder (stop() waits for it), with no
  // partial copy beside it, holding the database asked for beside initdb's three.
  const kept = await readdir(clusterCache);
  expect(kept).toEqual([expect.stringMatching(/^postgres-[^/]+-[0-9a-f]{12}$/)]);
  expect(await readdir(path.join(clusterCache, kept[0], 'base'))).toHaveLength(4);
  expect(await listening(port)).toBe(false);
  expect(existsSync(`${dataDir}.owner`)).toBe(false);
  expect(existsSync(`${dataDir}.socket`)).toBe(false);
});

test('a data folder whose socket path would be too long for a Unix socket is reached over TCP; scheduling "normal" keeps the default policy', async () => {
  const dataDir = path.join(dir, 'a-folder-whose-name-is-long-enough-that-a-unix-socket-path-inside-it-would-not-fit', 'pg');
  const options = { dataDir, port: await freePort(), database: 'tcp', ephemeral: true, scheduling: 'normal' as const };
  const db = await (await launchEmbeddedPostgres(options)).ready();
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ address: string; pid: number }>(
      'SELECT inet_server_addr()::text AS address, pg_backend_pid() AS pid',
    );
    const policy = schedulingOf(rows[0].pid);
    await client.end();
    expect(rows[0]?.address).toBe('127.0.0.1/32');
    expect(policy).toBe('normal');
    expect(existsSync(`${dataDir}.socket`)).toBe(false);
  } finally {
    await db.stop();
  }
});

test('a caller that gives up before ready() (its modules failed to load) leaves no server behind, on a first start and on a later one', async () => {
  const port = await freePort();
  const options = { dataDir: path.join(dir, 'pg'), port, database: 'abandoned', ephemeral: true, clusterCache: null };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2000)); // time for a leaked server to come up
  // First start: abandoned while initdb runs; the server must not start after it.
  await (await launchEmbeddedPostgres(options)).abort();
  await settle();
  expect(await listening(port)).toBe(false);
  // Later start: the server process is running already when the caller gives up.
  await (await launchEmbeddedPostgres(options)).abort();
  await settle();
  expect(await listening(port)).toBe(false);
  expect(existsSync(path.join(options.dataDir, 'postmaster.pid'))).toBe(false);
  // The folder is a complete cluster: the next start uses it.
  const db = await (await launchEmbeddedPostgres(options)).ready();
  expect(await listening(port)).toBe(true);
  await db.stop();
});

/** The answer of one statement on the database at `url`. */
async function queryOne<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

/** A server on the folder `folder` of this test's directory, on a free port, ready. */
async function readyIn(folder: string, options: Omit<EmbeddedDatabaseOptions, 'dataDir' | 'port'>): Promise<RunningDatabase> {
  return (await launchEmbeddedPostgres({ dataDir: path.join(dir, folder), port: await freePort(), ...options })).ready();
}

test('an empty folder starts as a copy of the cluster the first initdb kept, as it was before its server started; one that cannot be read fails the start saying so, one another user owns is passed over; a cache that cannot be written costs only the copy', async () => {
  const clusterCache = path.join(dir, 'clusters');
  const identity = 'SELECT system_identifier::text AS id FROM pg_control_system()';
  // Copies that processes left half made: one two hours old (abandoned), one just begun.
  await mkdir(path.join(clusterCache, 'postgres-x.partial-abandoned'), { recursive: true });
  await utimes(path.join(clusterCache, 'postgres-x.partial-abandoned'), new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
  await mkdir(path.join(clusterCache, 'postgres-x.partial-under-way'));
  const first = await readyIn('first', { database: 'shared', ephemeral: true, clusterCache });
  const made = await queryOne<{ id: string }>(first.url, identity);
  await queryOne(first.url, 'CREATE TABLE written_after_the_start (n int)');
  await first.stop();
  expect((await readdir(clusterCache)).filter((name) => name.includes('.partial-'))).toEqual(['postgres-x.partial-under-way']);

  // A lasting cluster (not a throw-away one): the copy is synced to disk before ready() answers.
  const second = await readyIn('second', { database: 'shared', clusterCache });
  try {
    // initdb gives every cluster an identifier of its own: the same one means a copy.
    expect(await queryOne(second.url, identity)).toEqual(made);
    expect(await queryOne(second.url, "SELECT current_database() AS name, to_regclass('written_after_the_start') AS kept")).toEqual({
      name: 'shared',
      kept: null,
    });
    expect((await stat(path.join(dir, 'second'))).mode & 0o777).toBe(0o700);
  } finally {
    await second.stop();
  }

  // A prepared cluster that cannot be read: the start says so and leaves the folder empty.
  const [kept] = await readdir(clusterCache);
  const version = path.join(clusterCache, kept, 'PG_VERSION');
  await chmod(version, 0o000);
  try {
    await expect(readyIn('unreadable', { database: 'shared', clusterCache })).rejects.toThrow(
      /Could not copy the prepared PostgreSQL cluster/,
    );
    expect(existsSync(path.join(dir, 'unreadable'))).toBe(false);
  } finally {
    await chmod(version, 0o600);
  }

  // A prepared cluster another user owns (here root, where the server runs as postgres): initdb.
  if (process.getuid?.() === 0) {
    const { uid, gid } = await stat(path.join(clusterCache, kept));
    await chown(path.join(clusterCache, kept), 0, 0);
    try {
      const other = await readyIn('owned-by-another', { database: 'shared', ephemeral: true, clusterCache });
      expect(await queryOne<{ id: string }>(other.url, identity)).not.toEqual(made);
      await other.stop();
    } finally {
      await chown(path.join(clusterCache, kept), uid, gid);
    }
  }

  // A cache folder that cannot be made (a file stands in its path): initdb, and the start goes on.
  await writeFile(path.join(dir, 'a-file'), '');
  const third = await readyIn('third', { database: 'third', ephemeral: true, clusterCache: path.join(dir, 'a-file', 'clusters') });
  try {
    expect(await queryOne<{ id: string }>(third.url, identity)).not.toEqual(made);
  } finally {
    await third.stop();
  }
});
