import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from './cli-process.js';

// The CLI keeps its module resolutions beside V8's compile cache (resolution-cache.ts); each run
// here has a compile cache folder of its own.

const here = path.dirname(fileURLToPath(import.meta.url));
const cliUrl = new URL('../dist/cli.js', import.meta.url).href;

interface CacheFile {
  root: string;
  urls: string[];
  conditions: string[];
  byParent: Record<string, (string | number)[]>;
}

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(tmpdir(), 'gongzhi-resolutions-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** The one resolutions file the runs so far left in the compile cache (in Node's per-version folder). */
function cacheFile(): string {
  const files = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    /gongzhi-resolutions-[0-9a-f]{8}-[0-9a-f]{8}\.json$/.test(f),
  );
  expect(files).toHaveLength(1);
  return path.join(cacheDir, files[0]);
}

function absoluteUrl(file: CacheFile, url: string): string {
  return url.startsWith('file:') ? url : file.root + url;
}

/** Every resolution in the file: the importing module's URL, the specifier and the URL it resolved to. */
function resolutions(file: CacheFile): { parent: string; specifier: string; url: string }[] {
  const absolute = (url: string) => absoluteUrl(file, url);
  return Object.entries(file.byParent).flatMap(([parent, list]) => {
    const found = [];
    for (let i = 0; i < list.length; i += 4) {
      found.push({
        parent: absolute(file.urls[Number(parent)]),
        specifier: list[i] as string,
        url: absolute(file.urls[list[i + 2] as number]),
      });
    }
    return found;
  });
}

const schema = () => runCli(['schema'], { NODE_COMPILE_CACHE: cacheDir });

test('a run keeps its resolutions, and the next run is answered from them', async () => {
  const first = await schema();
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('type Query');
  const file = cacheFile();
  const written = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  const kept = resolutions(written);
  // Installed packages' resolutions and the workspace's relative imports are kept...
  expect(kept).toContainEqual(expect.objectContaining({ specifier: './commands.js', parent: cliUrl }));
  expect(kept.some(({ parent, url }) => parent.includes('/node_modules/') && url.includes('/node_modules/graphql/'))).toBe(true);
  // ...a workspace package named from the workspace is not: its `exports` may change without an install.
  expect(kept.filter(({ parent, specifier }) => !parent.includes('/node_modules/') && specifier.startsWith('@gongzhi/'))).toEqual([]);

  // The next run takes what the file says: the CLI's commands, pointed elsewhere, are not loaded.
  const elsewhere = path.join(cacheDir, 'elsewhere.mjs');
  writeFileSync(elsewhere, 'console.log("loaded from the kept resolution");\n');
  written.urls.push(pathToFileURL(elsewhere).href);
  const cliList = written.byParent[String(written.urls.findIndex((url) => absoluteUrl(written, url) === cliUrl))];
  cliList[cliList.indexOf('./commands.js') + 2] = written.urls.length - 1;
  writeFileSync(file, JSON.stringify(written));
  const second = await schema();
  expect(second.stdout.trim()).toBe('loaded from the kept resolution');

  // A file that others may change is not trusted: it would let them choose the code that runs.
  if (process.getuid) {
    chmodSync(file, 0o666);
    const shared = await schema();
    expect(shared.stdout).toBe(first.stdout);
  }

  // A file that cannot be read is ignored and written anew; the file of an earlier install
  // (same CLI, another lockfile) is removed then.
  writeFileSync(file, '{ not json');
  const earlierInstall = file.replace(/-[0-9a-f]{8}\.json$/, '-00000000.json');
  writeFileSync(earlierInstall, '{}');
  const third = await schema();
  expect(third.code).toBe(0);
  expect(third.stdout).toBe(first.stdout);
  expect(resolutions(JSON.parse(readFileSync(cacheFile(), 'utf8')) as CacheFile).length).toBe(kept.length);
  expect(existsSync(earlierInstall)).toBe(false);
}, 60_000);

test('without a compile cache, nothing is kept', async () => {
  const result = await runCli(['schema'], { NODE_COMPILE_CACHE: cacheDir, NODE_DISABLE_COMPILE_CACHE: '1' }, here);
  expect(result.code).toBe(0);
  expect(readdirSync(cacheDir, { recursive: true })).toEqual([]);
});

test('once stopped, resolutions are neither answered from the file nor recorded', () => {
  // A script in a folder of its own and two modules it imports by relative specifiers (kept, as
  // the workspace's are). By its argument: `record` imports one before `stopKeepingResolutions`
  // and one after; `kept` imports one while the hook is on; `stopped` imports one after it.
  const folder = mkdtempSync(path.join(tmpdir(), 'gongzhi-resolutions-script-'));
  try {
    for (const name of ['before', 'after', 'elsewhere'])
      writeFileSync(path.join(folder, `${name}.mjs`), `export const name = '${name}';\n`);
    const cache = new URL('../dist/resolution-cache.js', import.meta.url).href;
    writeFileSync(
      path.join(folder, 'script.mjs'),
      `import module from 'node:module';
module.enableCompileCache();
const { keepResolutions, stopKeepingResolutions } = await import(${JSON.stringify(cache)});
const mode = process.argv[2];
keepResolutions();
if (mode === 'stopped') stopKeepingResolutions();
const names = [(await import('./before.mjs')).name];
if (mode === 'record') {
  stopKeepingResolutions();
  names.push((await import('./after.mjs')).name);
}
console.log(names.join(' '));
`,
    );
    const run = (mode: string) =>
      execFileSync(process.execPath, [path.join(folder, 'script.mjs'), mode], {
        env: { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: cacheDir },
        encoding: 'utf8',
      }).trim();
    expect(run('record')).toBe('before after');
    const file = cacheFile();
    const written = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    const specifiers = resolutions(written).map((r) => r.specifier);
    expect(specifiers).toContain('./before.mjs');
    expect(specifiers).not.toContain('./after.mjs');

    // `./before.mjs` pointed elsewhere in the file: taken from it while the hook is on, resolved as usual once stopped.
    written.urls.push(pathToFileURL(path.join(folder, 'elsewhere.mjs')).href);
    const script = Object.keys(written.byParent).find((parent) =>
      absoluteUrl(written, written.urls[Number(parent)]).endsWith('/script.mjs'),
    )!;
    const list = written.byParent[script];
    list[list.indexOf('./before.mjs') + 2] = written.urls.length - 1;
    writeFileSync(file, JSON.stringify(written), { mode: 0o600 });
    expect(run('kept')).toBe('elsewhere');
    expect(run('stopped')).toBe('before');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
