import { readFileSync } from 'node:fs';

/** The package.json one folder above the calling module (`src/` or `dist/` → the package root). */
function packageJsonOf(moduleUrl: string): { name?: string; version: string; peerDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8')) as ReturnType<typeof packageJsonOf>;
}

/**
 * The `version` of the package.json one folder above the calling module (`src/` or
 * `dist/` → the package root). Plugins use it so their definition and package agree.
 */
export function packageVersion(moduleUrl: string): string {
  return packageJsonOf(moduleUrl).version;
}

/**
 * The range of `dependency` that the package.json one folder above the calling module declares
 * as a peer dependency. A plugin's `coreRange` and its `dependsOn` ranges are read with it, so
 * each range is written once: a release that moves core (or a plugin depended on) out of a peer
 * range rewrites that range (changesets does), and the definition follows, where a range written
 * twice would be left behind and refuse to start beside the versions it was released with.
 *
 * ```ts
 * coreRange: peerRange(import.meta.url, '@gongzhi/core'),
 * dependsOn: { volunteer: peerRange(import.meta.url, '@gongzhi/plugin-volunteer') },
 * ```
 */
export function peerRange(moduleUrl: string, dependency: string): string {
  const json = packageJsonOf(moduleUrl);
  const range = json.peerDependencies?.[dependency];
  if (typeof range !== 'string') {
    throw new Error(
      `${json.name ?? 'The package'} declares no peer dependency on ${dependency}. Fix: add it to "peerDependencies" in its package.json with the range it works with.`,
    );
  }
  return range;
}

/** The version of `@gongzhi/core` that is running. */
export const CORE_VERSION: string = packageVersion(import.meta.url);
