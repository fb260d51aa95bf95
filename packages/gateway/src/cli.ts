#!/usr/bin/env node
import module from 'node:module';

/**
 * V8 heap settings for `gongzhi start`, a long-running server (bench/README.md, "Memory"). Node
 * 24's defaults suit a batch job on a large machine: young generation up to 2 × 64 MB, and an old
 * generation allowed to grow to about four times what survived the last full collection before
 * the next one. Under the bench that let the gateway's resident memory reach ~500 MB for ~60 MB
 * of live objects. A semi-space of 32 MB and an old generation that grows by half its live size
 * keep it under 300 MB, for more collections. 32 rather than 16 MB (Node 20's default): a board
 * under load lives through several young collections, so with 16 its rows were promoted and
 * collected again in full (369 MB promoted in a run where 32 promotes 96), for ~20 % more CPU per
 * board and ~25 MB less peak RSS (bench/README.md, "A 32 MB semi-space again").
 *
 * No allocation-site pretenuring: V8 allocates straight into the old generation what a site made
 * that survived its first collections (startup's and the first requests' objects do), and such an
 * object, dead or not, keeps the young objects it points at alive until the next full collection.
 * A request's rows and results then filled the old generation: in process, a person card's run
 * promoted 96 MB with it and 29 MB without, with half the full collections; under the bench the
 * card took ~25 % less CPU and its p99 fell by a third (bench/README.md, "Per-operation state
 * in WeakMaps; V8's pretenuring").
 */
const SERVER_HEAP_FLAGS = ['--max-semi-space-size=32', '--heap-growing-percent=50', '--no-allocation-site-pretenuring'];

/**
 * glibc's malloc gives threads that allocate (V8's compiler and GC helpers, libuv's pool) arenas
 * of their own, up to 8 per core, and keeps what was freed in each. With two, the bench's peak
 * was 248–288 MB in four runs against 264–300 MB in six without, at no CPU cost seen. A value in
 * the environment is kept.
 */
const SERVER_ENV = { MALLOC_ARENA_MAX: '2' };

/**
 * The heap's size is fixed when the process starts, so `start` replaces this process (same pid,
 * `execve`) by one with {@link SERVER_HEAP_FLAGS} and {@link SERVER_ENV}, before anything is
 * loaded. A flag the user set (on the command line or in NODE_OPTIONS) is kept as given; where
 * `execve` is missing (Windows), the server runs with Node's defaults.
 */
function serverHeapFlags(): string[] {
  if (process.argv[2] !== 'start' || typeof process.execve !== 'function') return [];
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName);
  return SERVER_HEAP_FLAGS.filter((flag) => !given.includes(flagName(flag)));
}

/** What a V8 flag sets: `--max_semi_space_size=32` sets `--max-semi-space-size`, `--no-foo` sets `--foo`. */
function flagName(arg: string): string {
  return arg
    .replace(/=.*$/s, '')
    .replaceAll('_', '-')
    .replace(/^--no-/, '--');
}

const heapFlags = serverHeapFlags();
if (heapFlags.length > 0 && process.execve) {
  process.execve(process.execPath, [process.execPath, ...heapFlags, ...process.execArgv, ...process.argv.slice(1)], {
    ...SERVER_ENV,
    ...process.env,
  });
}

// `gongzhi start` loads several hundred modules, and compiling them was the largest part of a
// start. V8's compiled code is kept on disk (NODE_COMPILE_CACHE, else the OS temp folder), so
// only the first start after an install or upgrade compiles; the commands load after this.
// Node 22.1+; on older versions a start simply compiles as before. `start` runs from the server
// bundle where it is built and current (server-bundle.ts); otherwise module resolutions are kept
// beside the compiled code (see resolution-cache.ts).
module.enableCompileCache?.();
const { freshServerBundle } = await import('./server-bundle.js');
const bundle = process.argv[2] === 'start' ? freshServerBundle() : null;
if (bundle) {
  await import(bundle);
} else {
  const { keepResolutions } = await import('./resolution-cache.js');
  keepResolutions();
  await import('./commands.js');
}
