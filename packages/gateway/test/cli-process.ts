/** Test helpers that run the built CLI's `start` as its own process, as an operator would. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postGraphQL } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../dist/cli.js');

/** A `gongzhi start` process. */
export interface CliRun {
  child: ChildProcess;
  /** Where it serves HTTP: `PORT` of its environment on 127.0.0.1. */
  url: string;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  /** What it wrote to stdout so far (its log lines). */
  stdout: () => string;
}

// Every process a test file started and that still runs; the file's end stops them, so a test or
// hook that failed (or timed out) half-way leaves no gateway holding the Jest worker open.
const running = new Set<CliRun>();
afterAll(async () => {
  for (const run of running) await stop(run);
}, 60_000);

/**
 * Starts `gongzhi start` with only `env` (plus PATH and HOME; LOG_LEVEL warn unless given), in
 * the test folder (no configuration file), keeping its stderr and stdout. `env` must name the `PORT`.
 * `inGroup`: as the leader of a process group of its own, as a terminal runs it (see {@link signalGroup}).
 */
export function startCli(env: Record<string, string>, inGroup = false): CliRun {
  const child = spawn(process.execPath, [cli, 'start'], {
    cwd: here,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', GONGZHI_DEFAULT_LOCALE: 'en', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: inGroup,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const run: CliRun = { child, url: `http://127.0.0.1:${env.PORT}`, stderr: () => stderr, stdout: () => stdout };
  running.add(run);
  child.once('exit', () => running.delete(run));
  return run;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Waits until `run` answers `/readyz` with 200 and returns how many milliseconds that took;
 * fails at once, with its stderr, if it exits, and after `ms` if it is not ready.
 */
export async function readyWithin(run: CliRun, ms = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (exited(run.child)) throw new Error(`gateway ${run.url} exited (${run.child.exitCode ?? run.child.signalCode}): ${run.stderr()}`);
    const status = await fetch(`${run.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`gateway ${run.url} was not ready within ${ms} ms: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `gongzhi start` (see {@link startCli}) and waits until it is ready (a busy machine starts slowly). */
export async function startReady(env: Record<string, string>, ms?: number): Promise<CliRun> {
  const run = startCli(env);
  try {
    await readyWithin(run, ms);
  } catch (err) {
    await stop(run, 'SIGKILL');
    throw err;
  }
  return run;
}

/**
 * Stops a process still running and waits for it to exit. SIGINT and SIGTERM stop it cleanly
 * (its embedded database too); SIGKILL is the crash.
 */
export async function stop(run: CliRun | null | undefined, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (!run || exited(run.child)) return;
  const done = new Promise((r) => run.child.once('exit', r));
  run.child.kill(signal);
  // A process that does not stop within 30 s (stuck in its start, say) is killed.
  const kill = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
  await done;
  clearTimeout(kill);
}

/**
 * Sends `signal` to every process of the group `run` leads (started `inGroup`), as a terminal's
 * Ctrl-C does to its foreground group, and waits for `run` to exit: its exit code, or the signal
 * that ended it.
 */
export async function signalGroup(run: CliRun, signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null> {
  const done = exited(run.child) ? Promise.resolve() : new Promise((r) => run.child.once('exit', r));
  process.kill(-run.child.pid!, signal);
  await done;
  return run.child.exitCode ?? run.child.signalCode;
}

/**
 * Runs the built CLI as a user would (in `cwd`, by default the test folder, with only `env` plus
 * PATH and HOME, quiet) and returns its exit code and output. `slowReaderMs`: its stdout is read
 * only after that long, as a pipe to a slow program is.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = here,
  slowReaderMs = 0,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (slowReaderMs > 0) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), slowReaderMs);
    }
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Polls `probe` until it gives a value (a probe that throws counts as not yet), or fails after `ms`. */
export async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs an operation that must succeed: no top-level error, no payload error. */
export async function must(url: string, query: string, variables: Record<string, unknown>, credential: string): Promise<any> {
  const body = await postGraphQL(url, query, variables, credential);
  if (body.errors?.length) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
  for (const value of Object.values(body.data ?? {})) {
    const errors = (value as { errors?: unknown[] } | null)?.errors;
    if (errors?.length) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(errors)}`);
  }
  return body.data;
}
