/** Test helpers that run the built CLI's `start` as its own process, as an operator would. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postGraphQL } from './helpers.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');

/** Starts `gongzhi start` with only `env` (plus PATH and HOME; LOG_LEVEL warn unless given), keeping its stderr. */
export function startCli(env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [cli, 'start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', GONGZHI_DEFAULT_LOCALE: 'en', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

/** Stops a child still running (SIGINT: it stops its database too) and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
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

/** Waits until the gateway at `url` answers `/readyz` with 200. */
export const ready = (url: string) =>
  until('ready', 90_000, async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined));

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
