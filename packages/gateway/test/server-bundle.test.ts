import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase, freePort, type TestDatabase } from '@gongzhi/core/testing';
import { freshServerBundle } from '../src/server-bundle.js';
import { startReady, stop, until } from './cli-process.js';
import { postGraphQL, TEST_ADMIN_KEY } from './helpers.js';

// `gongzhi start` runs from the server bundle (`pnpm test` builds it after tsc, as `pnpm start`
// does) while every file it was made from is unchanged and every configured plugin is in it.

const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.resolve(here, '../bundle/server.js');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Starts the CLI on the test database, answers one query through it, and returns what its ready line says. */
async function startAndAsk(env: Record<string, string> = {}): Promise<{ bundle: boolean; plugins: string[] }> {
  const run = await startReady({
    DATABASE_URL: db.url,
    PORT: String(await freePort()),
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'info',
    ...env,
  });
  try {
    const answer = await postGraphQL(run.url, '{ coreVersion plugins { id } }');
    expect(answer.errors).toBeUndefined();
    // Log lines are written in chunks (at most 250 ms late).
    const readyLine = () =>
      run
        .stdout()
        .split('\n')
        .find((line) => line.includes('Gongzhi is ready'));
    return JSON.parse(await until('the ready line', 10_000, () => Promise.resolve(readyLine()))) as { bundle: boolean; plugins: string[] };
  } finally {
    await stop(run);
  }
}

test('start runs from the bundle; from the modules when a configured plugin is not in it, or when switched off', async () => {
  expect({ built: existsSync(built), fix: 'node packages/gateway/scripts/bundle.mjs' }).toEqual({ built: true, fix: expect.any(String) });
  const shipped = await startAndAsk();
  expect(shipped.bundle).toBe(true);
  expect(shipped.plugins.map((p) => p.split('@')[0])).toEqual(['grid', 'volunteer', 'moral-bank', 'council']);

  // A third party's plugin imports the modules' @gongzhi/core: the process starts from them.
  const thirdParty = await startAndAsk({ GONGZHI_CONFIG: path.join(here, 'fixtures/third-party/gongzhi.config.json') });
  expect(thirdParty.bundle).toBe(false);
  expect(thirdParty.plugins.map((p) => p.split('@')[0])).toEqual(['grid', 'noticeboard']);

  expect((await startAndAsk({ GONGZHI_BUNDLE: 'off' })).bundle).toBe(false);
}, 180_000);

describe('freshServerBundle', () => {
  let dir: string;
  let source: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gongzhi-bundle-'));
    source = path.join(dir, 'module.js');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, 1_700_000_000, 1_700_000_000);
    writeFileSync(path.join(dir, 'server.js'), '');
    writeFileSync(path.join(dir, 'inputs.json'), JSON.stringify({ files: [[source, 11, 1_700_000_000_000]] }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const bundleIn = () => freshServerBundle(pathToFileURL(`${dir}/`));

  test('is used while every file it was made from has its size and time', () => {
    expect(bundleIn()).toBe(pathToFileURL(path.join(dir, 'server.js')).href);
  });

  test('is not used once a file it was made from changed, went away, or the bundle itself did', () => {
    utimesSync(source, 1_700_000_001, 1_700_000_001);
    expect(bundleIn()).toBeNull();
    rmSync(source);
    expect(bundleIn()).toBeNull();
    writeFileSync(source, 'export {};\n');
    utimesSync(source, 1_700_000_000, 1_700_000_000);
    expect(bundleIn()).not.toBeNull();
    rmSync(path.join(dir, 'server.js'));
    expect(bundleIn()).toBeNull();
  });

  test('is not used with GONGZHI_BUNDLE=off', () => {
    process.env.GONGZHI_BUNDLE = 'off';
    try {
      expect(bundleIn()).toBeNull();
    } finally {
      delete process.env.GONGZHI_BUNDLE;
    }
  });
});
