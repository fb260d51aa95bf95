// Where the bench scripts write their logs, profiles and results: bench/results, or the folder
// BENCH_RESULTS names (a test run's own, so two runs in one checkout never read each other's files).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS = process.env.BENCH_RESULTS
  ? path.resolve(process.env.BENCH_RESULTS)
  : path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
