import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A test run's embedded PostgreSQL outlives no run: however the process that started it ends
 * (killed, or exiting without a teardown), the server stops and its temporary folder goes.
 * Each case runs the built `@gongzhi/core/testing` in a process of its own, as Jest's globalSetup does.
 */
const testing = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/testing/index.js');

/** Prints the data folder of the server `url` names, as one JSON line. */
const REPORT = `
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query('SHOW data_directory');
await client.end();
console.log(JSON.stringify({ dataDir: rows[0].data_directory }));
`;

/** Runs `body` (an ES module after the imports) in its own Node process with no test server in its environment. */
function runScript(body: string): { child: ChildProcess; dataDir: Promise<string>; exited: Promise<number | string | null> } {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.GONGZHI_TEST_SERVER_URL;
  delete env.GONGZHI_TEST_RUN;
  const script = `import pg from 'pg';\nimport * as testing from ${JSON.stringify(testing)};\n${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(testing),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const dataDir = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { dataDir: string }).dataDir);
    });
    void exited.then((how) => reject(new Error(`the script ended (${how}) before it reported: ${stderr}`)));
  });
  return { child, dataDir, exited };
}

/** Processes whose command line names `text` (the postmaster's names its data folder, the watchdog's its folder). */
async function processesNaming(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`);
  }
  return found;
}

/** Waits (up to 30 s: a busy machine) until no process names `dataDir`'s folder and the folder is gone. */
async function expectCleanedUp(dataDir: string): Promise<void> {
  const dir = path.dirname(dataDir);
  expect(path.basename(dir)).toMatch(/^gongzhi-test-pg-/);
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (!existsSync(dir) && (await processesNaming(dir)).length === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(await processesNaming(dir)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
}

test('a run killed with SIGKILL, which runs no code of its own, leaves neither its server nor its folder', async () => {
  const run = runScript(`
const server = await testing.startTestDatabaseServer();
const url = server.url;
${REPORT}
setInterval(() => {}, 60_000);
`);
  const dataDir = await run.dataDir;
  expect(existsSync(dataDir)).toBe(true);
  expect(await processesNaming(dataDir)).not.toEqual([]);
  run.child.kill('SIGKILL');
  expect(await run.exited).toBe('SIGKILL');
  await expectCleanedUp(dataDir);
}, 90_000);

test('a script that creates a test database and simply ends exits by itself and leaves nothing behind', async () => {
  const run = runScript(`
const db = await testing.createTestDatabase();
const url = process.env.GONGZHI_TEST_SERVER_URL;
${REPORT}
`);
  const dataDir = await run.dataDir;
  // Neither the server nor its watchdog keeps the process alive.
  expect(await run.exited).toBe(0);
  await expectCleanedUp(dataDir);
}, 90_000);

test('a run that stops its server leaves no watchdog behind', async () => {
  const run = runScript(`
const server = await testing.startTestDatabaseServer();
const url = server.url;
${REPORT}
await server.stop();
`);
  const dataDir = await run.dataDir;
  expect(await run.exited).toBe(0);
  await expectCleanedUp(dataDir);
}, 90_000);
