import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of the `/board` dashboard, ready to send. */
export interface BoardAsset {
  body: Buffer;
  type: string;
  cacheControl: string;
  /** A hash of the body, so that a revalidating browser is answered 304 without it. */
  etag: string;
}

function asset(body: Buffer, type: string, cacheControl: string): BoardAsset {
  return { body, type, cacheControl, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public');
const require = createRequire(import.meta.url);

/** Files that change with the gateway: the browser asks again each time (a 304 when unchanged). */
const REVALIDATE = 'no-cache';
/** Font files live under their package version in the address, so they never change under it. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The bundled fallback font: Noto Sans SC (SIL Open Font License 1.1) as the variable WOFF2
 * slices of @fontsource-variable/noto-sans-sc, each with its `unicode-range`. A browser fetches a
 * slice only when a character falls back to it, i.e. when no system font in the page's font
 * stack has that character, and then only the slices of the characters on screen (~60 KB each).
 */
const FONT_PACKAGE = '@fontsource-variable/noto-sans-sc';
const FONT_PREFIX = '/board/fonts/';

interface BundledFont {
  /** The stylesheet with its `url(...)` pointing at this gateway's versioned font addresses. */
  css: Buffer;
  /** Address (`/board/fonts/<version>/<file>`) → file on disk: only these are served. */
  files: Map<string, string>;
}

let bundledFont: Promise<BundledFont> | undefined;

async function loadBundledFont(): Promise<BundledFont> {
  const packageDir = path.dirname(require.resolve(`${FONT_PACKAGE}/package.json`));
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const base = `${FONT_PREFIX}${version}/`;
  const files = new Map<string, string>();
  for (const name of await readdir(path.join(packageDir, 'files'))) {
    if (name.endsWith('.woff2')) files.set(base + name, path.join(packageDir, 'files', name));
  }
  const css = (await readFile(path.join(packageDir, 'index.css'), 'utf8')).replaceAll('url(./files/', `url(${base}`);
  return { css: Buffer.from(css), files };
}

/** The bundled font, read once per process (a failed read is tried again on the next request). */
function bundled(): Promise<BundledFont> {
  bundledFont ??= loadBundledFont().catch((err: unknown) => {
    bundledFont = undefined;
    throw err;
  });
  return bundledFont;
}

/**
 * The dashboard's files for a path under `/board`: the page, the graphql-ws browser client it
 * uses, and the bundled Chinese font (stylesheet and WOFF2 slices); null for anything else.
 */
export async function boardAsset(name: string): Promise<BoardAsset | null> {
  if (name === '/board' || name === '/board/') {
    return asset(await readFile(path.join(publicDir, 'board.html')), 'text/html; charset=utf-8', REVALIDATE);
  }
  if (name === '/board/graphql-ws.js') {
    const entry = require.resolve('graphql-ws');
    return asset(
      await readFile(path.resolve(path.dirname(entry), '../umd/graphql-ws.min.js')),
      'text/javascript; charset=utf-8',
      REVALIDATE,
    );
  }
  if (name === '/board/fonts.css') {
    return asset((await bundled()).css, 'text/css; charset=utf-8', REVALIDATE);
  }
  if (name.startsWith(FONT_PREFIX)) {
    const file = (await bundled()).files.get(name);
    if (file) return asset(await readFile(file), 'font/woff2', IMMUTABLE);
  }
  return null;
}
