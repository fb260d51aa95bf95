import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Module resolutions kept between runs of the CLI, beside V8's compile cache.
 *
 * `gongzhi start` resolves ~4,700 import specifiers, and Node works each out anew: the package's
 * folder, its package.json's `exports`, a stat and a realpath of the file. That was ~200 ms of
 * CPU in a warm start's ~900 ms of module loading (bench/README.md, "Module resolutions kept
 * between starts"). What a specifier resolves to changes only when the installed packages or the
 * files themselves do, so what this run resolved is written to a file named by the install's
 * lockfile (pnpm's `node_modules/.pnpm/lock.yaml`, npm's `node_modules/.package-lock.json`): a new
 * install reads and writes another file, and removes the one of the install before it. Kept, per
 * importing module and specifier:
 * - a resolution from a module under `node_modules` to a module under `node_modules`, with its
 *   format (files an install replaces only with a new lockfile);
 * - a relative specifier imported (not required) by any other module, such as the workspace's
 *   compiled files: ESM names the file exactly, so only its existence was checked. Its format is
 *   left to Node, which reads it from the nearest package.json.
 * Anything else (a workspace package named from the workspace, whose `exports` may change
 * without an install; a builtin) is resolved as usual. Without a lockfile, a compile cache or
 * `module.registerHooks` (Node 22.15+), nothing is kept.
 */

/**
 * The file as written: every URL once (within the install's folder, without its `root` prefix),
 * each condition list and format once, and per importing module (by its URL's index) its
 * resolutions, four values each: specifier, conditions index, URL index, format index (-1: left
 * to Node). JSON.parse builds it as it is used, with no second pass.
 */
interface CacheFile {
  version: 3;
  root: string;
  urls: string[];
  conditions: string[];
  formats: string[];
  byParent: Record<string, (string | number)[]>;
}

const FIELDS = 4;

/** Where this run keeps its resolutions: the file, and the install's folder as a URL. */
let target: { file: string; root: string } | null = null;
/** What the file gave, with each URL's index. */
let kept: CacheFile | null = null;
const keptUrls = new Map<string, number>();
/** Resolutions this run made beyond the file, by importing module: specifier, conditions, URL, format per entry. */
const fresh = new Map<string, (string | null)[]>();
/** The registered resolve hook, until {@link stopKeepingResolutions}. */
let hooks: { deregister(): void } | null = null;

/** The lockfile of the install this file belongs to: the nearest one on the way up. */
function lockfileOf(dir: string): { lockfile: string; root: string } | null {
  for (let at = dir; ; at = path.dirname(at)) {
    for (const candidate of [path.join(at, 'node_modules', '.pnpm', 'lock.yaml'), path.join(at, 'node_modules', '.package-lock.json')]) {
      if (existsSync(candidate)) return { lockfile: candidate, root: at };
    }
    if (path.dirname(at) === at) return null;
  }
}

/** FNV-1a, 32 bits, in hex: a file name from a string without loading node:crypto (~10 ms). */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function isInstalled(url: string): boolean {
  return url.startsWith('file:') && url.includes('/node_modules/');
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

function find<T>(list: T[] | undefined, specifier: string, conditions: T): number {
  if (list) for (let i = 0; i < list.length; i += FIELDS) if (list[i] === specifier && list[i + 1] === conditions) return i;
  return -1;
}

/**
 * Reads the file, if this user wrote it and no one else may change it: the file decides which
 * code this process runs, and the compile cache's default folder is in the shared temp folder.
 */
function load(file: string, root: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const { uid, mode } = fstatSync(fd);
    if (process.getuid && (uid !== process.getuid() || (mode & 0o022) !== 0)) return;
    const parsed = JSON.parse(readFileSync(fd, 'utf8')) as CacheFile;
    if (parsed.version !== 3 || parsed.root !== root) return;
    parsed.urls = parsed.urls.map((url) => (url.startsWith('file:') ? url : root + url));
    parsed.urls.forEach((url, i) => keptUrls.set(url, i));
    kept = parsed;
  } catch {
    // none yet, or unreadable: this run resolves as usual and writes it anew
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes what this run resolved beyond the file it read (called once the platform's modules
 * are loaded, and at exit), so a server that is later killed still leaves it. Written to a
 * temporary file and renamed, so two runs at once leave one whole file.
 */
export function saveResolutions(): void {
  if (target === null || fresh.size === 0) return;
  const { file, root } = target;
  const base = kept ?? { version: 3, root, urls: [], conditions: [], formats: [], byParent: {} };
  const lists = { urls: [...base.urls], conditions: [...base.conditions], formats: [...base.formats] };
  const indexes = {
    urls: new Map(keptUrls),
    conditions: new Map(base.conditions.map((c, i) => [c, i])),
    formats: new Map(base.formats.map((f, i) => [f, i])),
  };
  const indexOf = (kind: keyof typeof lists, value: string) => {
    let i = indexes[kind].get(value);
    if (i === undefined) indexes[kind].set(value, (i = lists[kind].push(value) - 1));
    return i;
  };
  const byParent = { ...base.byParent };
  for (const [parent, list] of fresh) {
    const key = String(indexOf('urls', parent));
    const entries = [...(byParent[key] ?? [])];
    for (let i = 0; i < list.length; i += FIELDS) {
      const format = list[i + 3];
      entries.push(list[i]!, indexOf('conditions', list[i + 1]!), indexOf('urls', list[i + 2]!), format ? indexOf('formats', format) : -1);
    }
    byParent[key] = entries;
  }
  const written: CacheFile = { version: 3, root, ...lists, byParent };
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // A new file only (not through a link someone left at its name), readable by this user alone.
    writeFileSync(
      temporary,
      JSON.stringify({ ...written, urls: lists.urls.map((url) => (url.startsWith(root) ? url.slice(root.length) : url)) }),
      { flag: 'wx', mode: 0o600 },
    );
    renameSync(temporary, file);
  } catch {
    return; // a read-only or vanished cache folder: the next run resolves as usual
  }
  kept = written;
  keptUrls.clear();
  lists.urls.forEach((url, i) => keptUrls.set(url, i));
  fresh.clear();
  removeEarlierInstalls(file);
}

/** Removes the files this CLI wrote for its earlier installs (same CLI path, another lockfile): they will not be read again. */
function removeEarlierInstalls(file: string): void {
  const folder = path.dirname(file);
  const name = path.basename(file);
  const sameCli = name.slice(0, name.lastIndexOf('-') + 1);
  try {
    for (const other of readdirSync(folder)) {
      if (other !== name && other.startsWith(sameCli) && other.endsWith('.json')) rmSync(path.join(folder, other), { force: true });
    }
  } catch {
    // Left for a later start.
  }
}

/**
 * Answers this process's module resolutions from the kept file where it can, and records the
 * rest. Call once, after `module.enableCompileCache()` and before the commands load.
 */
export function keepResolutions(): void {
  const cacheDir = module.getCompileCacheDir?.();
  if (!cacheDir || typeof module.registerHooks !== 'function') return;
  const here = fileURLToPath(import.meta.url);
  const install = lockfileOf(path.dirname(here));
  if (!install) return;
  // A new install rewrites its lockfile: its size and time name another file.
  const { size, mtimeMs } = statSync(install.lockfile);
  const root = pathToFileURL(install.root + path.sep).href;
  target = { file: path.join(cacheDir, `gongzhi-resolutions-${shortHash(here)}-${shortHash(`${size}\0${mtimeMs}`)}.json`), root };
  load(target.file, root);
  hooks = module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (parent === undefined) return nextResolve(specifier, context);
      const conditions = context.conditions?.join(',') ?? '';
      if (kept) {
        const list = kept.byParent[keptUrls.get(parent) ?? -1];
        const at = find(list, specifier, kept.conditions.indexOf(conditions));
        if (at >= 0) {
          const format = list![at + 3] as number;
          return { url: kept.urls[list![at + 2] as number]!, format: format < 0 ? undefined : kept.formats[format], shortCircuit: true };
        }
      }
      const resolved = nextResolve(specifier, context);
      const installed = isInstalled(parent);
      const keep = installed
        ? isInstalled(resolved.url)
        : isRelative(specifier) && resolved.url.startsWith('file:') && context.conditions?.includes('import') === true;
      if (keep) {
        let added = fresh.get(parent);
        if (!added) fresh.set(parent, (added = []));
        if (find(added, specifier, conditions) < 0)
          added.push(specifier, conditions, resolved.url, installed ? (resolved.format ?? null) : null);
      }
      return resolved;
    },
  });
  process.once('exit', saveResolutions);
}

/**
 * Writes what this run resolved and takes the hook away: called once the server is ready. Node
 * runs a registered hook on every `require()`, cached modules and builtins included, and a
 * serving process still requires: Apollo Server's query hash requires `crypto` on every
 * operation, and the hook doubled that hash's cost (3.2 µs against 1.6). A module a running
 * server loads later is resolved as usual.
 */
export function stopKeepingResolutions(): void {
  saveResolutions();
  hooks?.deregister();
  hooks = null;
}
