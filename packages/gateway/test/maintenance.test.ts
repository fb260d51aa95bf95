import { createTestApp, type TestApp } from '@gongzhi/core/testing';
// The plugins' sources, as their own tests import them (see canary-district.ts).
import council from '../../plugin-council/src/index.js';
import grid from '../../plugin-grid/src/index.js';
import moralBank from '../../plugin-moral-bank/src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';

/**
 * PostgreSQL 17+ runs maintenance (ANALYZE, VACUUM, REINDEX, autovacuum's too) with search_path
 * `pg_catalog, pg_temp`, and computes index expressions there: a function an index of core or of
 * any plugin computes must not rely on the session's path to find another (core migration 0042).
 * The host refuses an index on a function whose path is not fixed (core/test/index-functions.test.ts);
 * here maintenance runs on every table of the composed platform with the demo district in it.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ plugins: [grid, volunteer, moralBank, council], seed: true });
});
afterAll(() => app?.close());

test('ANALYZE, VACUUM and REINDEX run on every table of the composed demo district', async () => {
  const conn = app.platform.orm.em.fork().getConnection();
  await expect(conn.execute('ANALYZE')).resolves.toBeDefined();
  await expect(conn.execute('VACUUM')).resolves.toBeDefined();
  const [{ name }] = await conn.execute<{ name: string }[]>('SELECT current_database() AS name');
  await expect(conn.execute(`REINDEX DATABASE "${name}"`)).resolves.toBeDefined();
});
