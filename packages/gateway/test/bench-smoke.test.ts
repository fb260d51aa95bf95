import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_SERVER_ENV } from '@gongzhi/core/testing';
import { tempDir } from './helpers.js';

// The CI smoke run of the benchmark suite (`pnpm bench --quick`): it must run end to end and
// measure every workload without errors, with the gateway answering byte for byte like the
// hand-written baseline. Speed is never asserted here: numbers come from `pnpm bench`.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('pnpm bench --quick measures every workload with zero errors and baseline-identical answers', async () => {
  const out = await tempDir('gongzhi-bench-smoke-');
  try {
    const file = path.join(out.dir, 'results.json');
    // On the test run's PostgreSQL server (a fresh database of its own), like DATABASE_URL for users;
    // logs and fan-out results in this test's folder, not the checkout's bench/results.
    const env = { ...process.env, DATABASE_URL: process.env[TEST_SERVER_ENV] ?? process.env.DATABASE_URL ?? '', BENCH_RESULTS: out.dir };
    await promisify(execFile)(process.execPath, [path.join(root, 'bench/bench.mjs'), '--quick', '--out', file], {
      cwd: root,
      env,
      maxBuffer: 1 << 26,
      // Alone it takes about 40 s; beside the rest of the suite on two cores, several times that.
      timeout: 400_000,
    });
    const results = JSON.parse(await readFile(file, 'utf8'));
    expect(results.mismatches).toEqual([]);
    expect(Object.keys(results.workloads).sort()).toEqual([
      'board',
      'fanout',
      'personCard',
      'personCardScoped',
      'requestWrites',
      'search',
      'start',
      'subtreeReport',
      'transfers',
    ]);
    for (const key of ['board', 'personCard', 'personCardScoped', 'subtreeReport', 'search']) {
      const w = results.workloads[key];
      expect({ key, identical: w.identicalToBaseline }).toEqual({ key, identical: true });
      expect({ key, errors: w.gateway.errors, baselineErrors: w.baseline.errors }).toEqual({ key, errors: 0, baselineErrors: 0 });
      expect(w.gateway.requests).toBeGreaterThan(0);
      expect(w.baseline.requests).toBeGreaterThan(0);
      expect(w.statementsPerRequest).toBeGreaterThan(0);
    }
    for (const key of ['requestWrites', 'transfers']) {
      expect({ key, errors: results.workloads[key].gateway.errors, first: results.workloads[key].gateway.firstError }).toEqual({
        key,
        errors: 0,
        first: undefined,
      });
      expect(results.workloads[key].gateway.requests).toBeGreaterThan(0);
    }
    expect(results.workloads.fanout.errors).toBe(0);
    // Written where this run was told, so a second run in the checkout cannot take it for its own.
    expect(await readdir(out.dir)).toContain(results.workloads.fanout.file);
    expect(results.workloads.start.firstMs).toBeGreaterThan(0);
    expect(results.workloads.start.coldMs).toBeGreaterThan(0);
    // The first start ran initdb; the cold one copied the cluster that initdb kept.
    expect(await readFile(path.join(out.dir, 'gateway-first.log'), 'utf8')).toContain('initialising the embedded PostgreSQL');
    expect(await readFile(path.join(out.dir, 'gateway-cold.log'), 'utf8')).toContain('copying the prepared embedded PostgreSQL cluster');
    expect(results.workloads.start.warmMs).toBeGreaterThan(0);
  } finally {
    await out.remove();
  }
}, 420_000);
