/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import type { TestDatabase } from '@gongzhi/core/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
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

/**
 * The Chinese characters in the text of the elements matching `selector` that the page draws as a
 * box ("tofu"): each is drawn on a canvas in its element's own font and compared, pixel for pixel,
 * with a code point that no font has (U+0378, unassigned), which every browser draws as its
 * missing-glyph box. Characters that look like one another would be boxes too.
 */
async function chineseDrawnAsBoxes(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, async (elements) => {
    await document.fonts.ready;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 48;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const draw = (family: string, text: string) => {
      context.clearRect(0, 0, 48, 48);
      context.font = `32px ${family}`;
      context.fillText(text, 4, 38);
      return context.getImageData(0, 0, 48, 48).data.join();
    };
    const boxes: string[] = [];
    const seen = new Map<string, string>(); // image → the character first drawn so
    for (const element of elements) {
      const family = getComputedStyle(element).fontFamily;
      const missing = draw(family, '\u0378');
      for (const character of new Set(element.textContent.match(/\p{Script=Han}/gu) ?? [])) {
        const image = draw(family, character);
        const twin = seen.get(image);
        if (image === missing || (twin !== undefined && twin !== character)) boxes.push(character);
        seen.set(image, character);
      }
    }
    return [...new Set(boxes)];
  });
}

let db: TestDatabase;
let gateway: RunningGateway;
let browser: Browser;
let context: BrowserContext;
let launching: Promise<Browser> | undefined;
let chromiumDir: { dir: string; remove: () => Promise<void> } | undefined;

// Up to two minutes: unpacking Chromium (200 MB) and seeding the demo district on a loaded machine.
beforeAll(async () => {
  chromiumDir = await tempDir('gongzhi-chromium-');
  // Chromium unpacks (a child process) while the gateway starts.
  launching = launchChromium(chromiumDir.dir);
  launching.catch(() => undefined); // its failure is reported by the await below, not as unhandled
  db = await gatewayDatabase();
  // Open sockets' keys checked again every 200 ms: a revoked key's board is told within the test.
  gateway = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_WS_RECHECK_MS: '200' }), createGatewayLogger('silent', false));
  browser = await launching;
  // The packaged Chromium runs as a single process, which ends when a context closes: the tests
  // open their pages in this one context and close only the pages.
  context = await browser.newContext();
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
  const { data } = await postGraphQL(gateway.server.url, '{ places(type: COMMUNITY) { nodes { id name } } }');
  const community = data.places.nodes[0];
  const page = await context.newPage();
  await page.setViewportSize({ width: 1600, height: 900 });
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
    // Work due within the reminder window (24 hours here) is marked as due soon (即将超期).
    const dueSoonBefore = Number(await page.textContent('#due-soon-count'));
    const soon = await submitOver(gateway.server.url, community.id, '楼道扶手两小时内到期', '', {
      dueAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
    });
    await page.locator(`[data-item-id="${soon}"].due-soon`).waitFor({ timeout: 10_000 });
    await page.waitForFunction((n) => Number(document.getElementById('due-soon-count')!.textContent) === n, dueSoonBefore + 1);
    expect(Number(await page.textContent('#open-count'))).toBe(openBefore + 3);

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'board.png'), fullPage: true });
    // The screenshot's text is Chinese glyphs, not boxes, on this machine that has no Chinese
    // font (`fc-list :lang=zh` prints nothing): the page falls back to the font the gateway serves.
    const shown = 'header h1, header label, .counter, .column h2, [data-testid="card"]';
    expect(await page.$$eval(shown, (els) => els.map((e) => e.textContent).join(''))).toContain('3号楼电梯停运');
    expect(await chineseDrawnAsBoxes(page, shown)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);

test('a board whose key is revoked while it is open asks for a key again, instead of reconnecting with it for ever', async () => {
  const { data } = await postGraphQL(
    gateway.server.url,
    'mutation { createApiKey(input: { name: "值班看板", placeIds: [], permissions: [] }) { created { secret apiKey { id } } errors { code } } }',
  );
  const { secret, apiKey } = data.createApiKey.created;
  const places = await postGraphQL(gateway.server.url, '{ places(type: COMMUNITY, first: 1) { nodes { id } } }');
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  try {
    await page.goto(`${gateway.server.url}/board?place=${encodeURIComponent(places.data.places.nodes[0].id)}#key=${secret}`);
    await page.waitForSelector('#status.live', { timeout: 15_000 });
    expect(await page.isHidden('#key-form')).toBe(true);
    const revoked = await postGraphQL(gateway.server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }', {
      id: apiKey.id,
    });
    expect(revoked.data.revokeApiKey.errors).toEqual([]);
    // The socket is closed with 4401 and "UNAUTHENTICATED: …": the page forgets the key and asks for another.
    await page.waitForSelector('#key-form:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#status')).toBe('密钥无效或已撤销，请重新输入');
    expect(await page.evaluate(() => localStorage.getItem('gongzhi.board.key'))).toBeNull();
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);

test('the bundled Chinese font: a stylesheet of unicode-range slices, each slice cached for good', async () => {
  const css = await fetch(`${gateway.server.url}/board/fonts.css`);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  const stylesheet = await css.text();
  expect(stylesheet).toContain("font-family: 'Noto Sans SC Variable'");
  // Revalidated on each load: unchanged, it is answered 304 without a body.
  expect(css.headers.get('cache-control')).toBe('no-cache');
  const again = await fetch(`${gateway.server.url}/board/fonts.css`, { headers: { 'if-none-match': css.headers.get('etag')! } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe('');
  const slices = [...stylesheet.matchAll(/url\((\/board\/fonts\/[\d.]+\/[\w-]+\.woff2)\)/g)].map((m) => m[1]);
  expect(slices.length).toBeGreaterThan(90);
  const slice = await fetch(gateway.server.url + slices[0]);
  expect(slice.status).toBe(200);
  expect(slice.headers.get('content-type')).toBe('font/woff2');
  expect(slice.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(
    Buffer.from(await slice.arrayBuffer())
      .subarray(0, 4)
      .toString('latin1'),
  ).toBe('wOF2');
  // Only the package's font files are served under that address.
  const version = slices[0].split('/')[3];
  for (const other of [`/board/fonts/${version}/LICENSE`, `/board/fonts/0.0.0/${path.basename(slices[0])}`]) {
    expect((await fetch(gateway.server.url + other)).status).toBe(404);
  }
});
