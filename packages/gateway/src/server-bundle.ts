import { readFileSync, statSync } from 'node:fs';

/**
 * The server bundle: what `gongzhi start` loads (the gateway, core, the four plugins that ship
 * with Gongzhi and the libraries they import) as a few dozen files, built by `scripts/bundle.mjs`
 * after `tsc -b`. A start reads those instead of resolving, reading and linking ~1,900 modules
 * (bench/README.md, "The server as a bundle"). It is this checkout's: built from the compiled
 * files beside it and used only while each of them is as it was.
 */
export const BUNDLE_DIR = new URL('../bundle/', import.meta.url);

/** Set by the bundle's entry: this process runs from the bundle. */
export const serverBundle = { active: false };

/** `GONGZHI_BUNDLE=off` starts from the compiled modules (for a debugger, or readable stack traces). */
export const BUNDLE_SWITCH = 'GONGZHI_BUNDLE';

/**
 * The bundle's URL when `start` may run from it: not switched off, `process.execve` there (the
 * bundle replaces its process with one that starts from the modules when a configured plugin is
 * not in it), and {@link currentBundle}. Else null.
 */
export function freshServerBundle(dir: URL = BUNDLE_DIR): string | null {
  if (process.env[BUNDLE_SWITCH] === 'off' || typeof process.execve !== 'function') return null;
  return currentBundle(dir);
}

/** The bundle's URL if it is built and every file it was made from still has the size and time it had; else null. */
export function currentBundle(dir: URL = BUNDLE_DIR): string | null {
  let inputs: { files: [string, number, number][] };
  try {
    inputs = JSON.parse(readFileSync(new URL('inputs.json', dir), 'utf8')) as typeof inputs;
  } catch {
    return null; // not built
  }
  for (const [file, size, mtimeMs] of inputs.files) {
    const now = statSync(file, { throwIfNoEntry: false });
    if (now?.size !== size || now.mtimeMs !== mtimeMs) return null;
  }
  const bundle = new URL('server.js', dir);
  return statSync(bundle, { throwIfNoEntry: false }) ? bundle.href : null;
}
