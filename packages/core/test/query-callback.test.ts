import { createPlatform, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import type pg from 'pg';

/**
 * The platform's connections answer a query asked for a promise through a callback of pg's and a
 * promise of their own (`answerThroughCallback`; pg's own promise kept every query's objects alive
 * long enough to be promoted, bench/README.md). What a caller sees must not change: the rows, the
 * error with a stack that leads back to the caller, a config object left as it was given, and a
 * callback given by the caller still called.
 */
let db: TestDatabase;
let platform: Platform;
let client: pg.PoolClient;

beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 2 });
  client = await (await platform.orm.em.getConnection().getNativeClient()).connect();
});
afterAll(async () => {
  client?.release();
  await platform?.close();
  await db?.drop();
});

test('a query asked for a promise answers its rows, and a config object is not changed', async () => {
  const config = { text: 'SELECT $1::int + 1 AS n', values: [41] };
  const result = await client.query<{ n: number }>(config);
  expect(result.rows).toEqual([{ n: 42 }]);
  expect(Object.keys(config)).toEqual(['text', 'values']);
  expect((await client.query<{ n: number }>('SELECT 7 AS n')).rows).toEqual([{ n: 7 }]);
});

test("a failure rejects with PostgreSQL's error, its stack leading back to the caller", async () => {
  const failure = await client.query('SELECT 1 / $1::int AS n', [0]).then(
    () => null,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(Error);
  expect((failure as { code?: string }).code).toBe('22012');
  expect((failure as Error).stack).toContain('query-callback.test');
  // The connection goes on.
  expect((await client.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
});

test("a caller's own callback is called as pg calls it", async () => {
  const rows = await new Promise<unknown[]>((resolve, reject) => {
    client.query('SELECT 3 AS n', [], (err: Error | null, result: pg.QueryResult) => (err ? reject(err) : resolve(result.rows)));
  });
  expect(rows).toEqual([{ n: 3 }]);
});
