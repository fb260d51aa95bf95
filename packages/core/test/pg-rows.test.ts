import type pg from 'pg';
import { createPlatform, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';

/**
 * The rows `pg` hands back, which every read and write of the platform goes through. The
 * workspace patches how pg builds the template it copies each row from (patches/pg@8.23.0.patch:
 * an ordinary object instead of a dictionary-mode one), and how a row description that comes
 * again is read (patches/pg-protocol@1.16.1.patch: the one parsed before, when the bytes are the
 * same, and its type parsers looked up once); these are the properties the patches keep. A query
 * asked for a promise goes to pg with a callback (`answerThroughCallback`: pg's own promise kept
 * every query's objects alive long enough to be promoted, bench/README.md); what a caller sees must
 * not change: the rows, an error whose stack leads back to the caller, a config object left as it
 * was given, a callback of the caller's still called.
 */
let db: TestDatabase;
let platform: Platform;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 2 });
  pool = await platform.orm.em.getConnection().getNativeClient();
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

/** The same text sent plainly, with bound values, and as a named prepared statement (twice: parsed, then bound). */
async function rowsOf(text: string): Promise<Record<string, unknown>[][]> {
  const name = `pg_rows_${Buffer.from(text).toString('hex').slice(0, 40)}`;
  return [
    (await pool.query(text)).rows,
    (await pool.query({ text: `${text} WHERE $1::int = 1`, values: [1] })).rows,
    (await pool.query({ name, text, values: [] })).rows,
    (await pool.query({ name, text, values: [] })).rows,
  ] as Record<string, unknown>[][];
}

test('a column named __proto__ is an own property of the row and never its prototype', async () => {
  for (const rows of await rowsOf(`SELECT '{"polluted": true}'::json AS "__proto__", 2 AS n FROM (VALUES (1), (2)) v(k)`)) {
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.keys(row)).toEqual(['__proto__', 'n']);
      expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toEqual({ polluted: true });
      expect((row as { polluted?: unknown }).polluted).toBeUndefined();
      expect(row.n).toBe(2);
    }
  }
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

test('columns come in order, a repeated name keeps the last value, and NULL is null', async () => {
  for (const rows of await rowsOf(`SELECT 1 AS a, NULL::int AS b, 'x' AS c, 3 AS a`)) {
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual(['a', 'b', 'c']);
    expect(rows[0]).toEqual({ a: 3, b: null, c: 'x' });
  }
});

test('each statement of a multi-statement query has rows of its own columns', async () => {
  const results = (await pool.query(`SELECT 1 AS x, 2 AS y; SELECT 'z' AS z; SELECT 1 AS "__proto__"`)) as unknown as pg.QueryResult[];
  expect(results.map((r) => r.rows)).toEqual([[{ x: 1, y: 2 }], [{ z: 'z' }], [expect.anything()]]);
  expect(Object.getOwnPropertyDescriptor(results[2].rows[0], '__proto__')?.value).toBe(1);
  // Rows of different statements do not share fields.
  expect(Object.keys(results[1].rows[0] as object)).toEqual(['z']);
});

test('a row description read again is the one parsed before only when its bytes are the same', async () => {
  const client = await pool.connect();
  try {
    // Descriptions of one size: the same column name with another type, another name with the same type.
    const asInt = 'SELECT 7::int4 AS ab';
    const asText = "SELECT '7'::text AS ab";
    const renamed = 'SELECT 7::int4 AS ba';
    // A query's own type parsers read its rows, whatever an earlier result of the same description used.
    const ownTypes = { getTypeParser: () => (value: string) => `parsed ${value}` };
    for (let round = 0; round < 2; round++) {
      expect((await client.query(asInt)).rows).toEqual([{ ab: 7 }]);
      expect((await client.query(asText)).rows).toEqual([{ ab: '7' }]);
      expect((await client.query(renamed)).rows).toEqual([{ ba: 7 }]);
      expect((await client.query({ text: asInt, types: ownTypes } as pg.QueryConfig)).rows).toEqual([{ ab: 'parsed 7' }]);
      expect((await client.query({ name: 'pg_rows_as_int', text: asInt })).rows).toEqual([{ ab: 7 }]);
    }
  } finally {
    client.release();
  }
});

describe('a query asked for a promise (pg given a callback underneath)', () => {
  let client: pg.PoolClient;
  beforeAll(async () => {
    client = await pool.connect();
  });
  afterAll(() => client?.release());

  test('answers its rows, and a config object is not changed', async () => {
    const config = { text: 'SELECT $1::int + 1 AS n', values: [41] };
    const result = await client.query<{ n: number }>(config);
    expect(result.rows).toEqual([{ n: 42 }]);
    expect(Object.keys(config)).toEqual(['text', 'values']);
    expect((await client.query<{ n: number }>('SELECT 7 AS n')).rows).toEqual([{ n: 7 }]);
  });

  test("fails with PostgreSQL's error, its stack leading back to the caller", async () => {
    const failure = await client.query('SELECT 1 / $1::int AS n', [0]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: string }).code).toBe('22012');
    expect((failure as Error).stack).toContain('pg-rows.test');
    // The connection goes on.
    expect((await client.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  });

  test("a caller's own callback is called as pg calls it", async () => {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      client.query('SELECT 3 AS n', [], (err: Error | null, result: pg.QueryResult) => (err ? reject(err) : resolve(result.rows)));
    });
    expect(rows).toEqual([{ n: 3 }]);
  });
});
