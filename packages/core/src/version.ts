import { readFileSync } from 'node:fs';

/**
 * The `version` of the package.json one folder above the calling module (`src/` or
 * `dist/` → the package root). Plugins use it so their definition and package agree.
 */
export function packageVersion(moduleUrl: string): string {
  return (JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8')) as { version: string }).version;
}

/** The version of `@gongzhi/core` that is running. */
export const CORE_VERSION: string = packageVersion(import.meta.url);
