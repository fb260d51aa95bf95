import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createPlatform, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import pg from 'pg';
import {
  executePrepared,
  MAX_PREPARED_TEXTS,
  namedText,
  namePreparedStatements,
  numberPlaceholders,
} from '../src/database/prepared-statements.js';

/**
 * The write path's fixed-shape statements go as named prepared statements with bound values
 * (`executePrepared`): parsed once per connection, then bound and executed. PostgreSQL's own
 * view (`pg_prepared_statements`, per session) shows it, read inside the same transaction.
 */
let db: TestDatabase;
let platform: Platform;
/** What the platform logged at warn and above. */
const logged: { msg: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logged.push(JSON.parse(line) as { msg: string });
      done();
    },
  });
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 2, logger: pino({ level: 'warn' }, sink) });
  await platform.orm.em.getConnection().execute('CREATE TABLE prepared_probe (n int NOT NULL CHECK (n > 0), at timestamptz)');
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

const INSERT = 'INSERT INTO prepared_probe (n, at) VALUES (?, ?::timestamptz) RETURNING n';
const count = async () =>
  Number((await platform.orm.em.fork().getConnection().execute<{ n: string }[]>('SELECT count(*) AS n FROM prepared_probe'))[0].n);

test('placeholders are numbered outside quoted text, quoted names and comments', () => {
  expect(numberPlaceholders(`SELECT '?', "a?b", x -- why?\n FROM t /* ? */ WHERE a = ? AND b = ?`)).toEqual({
    text: `SELECT '?', "a?b", x -- why?\n FROM t /* ? */ WHERE a = $1 AND b = $2`,
    count: 2,
  });
  expect(() => numberPlaceholders('SELECT ?? FROM t')).toThrow(/identifier placeholder/);
});

test("a pool of its own (the webhook dispatcher's) names the texts given to namedText, through pool.query and client.query", async () => {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    namePreparedStatements(pool);
    const text = namedText('SELECT n FROM prepared_probe WHERE n > $1 /* own pool */');
    for (let k = 0; k < 4; k++) await pool.query(text, [k]);
    const client = await pool.connect();
    try {
      for (let k = 0; k < 3; k++) await client.query(text, [k]);
    } finally {
      client.release();
    }
    // Read on the pool's one connection, where the statement was prepared.
    const { rows } = await pool.query<{ name: string; runs: number }>(
      `SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements WHERE statement LIKE '%/* own pool */'`,
    );
    expect(rows).toEqual([{ name: expect.stringMatching(/^gongzhi_\d+$/), runs: 7 }]);
    // A failure still reaches a caller of pool.query, and the pool goes on.
    await expect(pool.query(namedText('SELECT 1 / $1::int AS q /* own pool fails */'), [0])).rejects.toThrow(/division by zero/);
    expect((await pool.query(text, [0])).rowCount).toBeGreaterThanOrEqual(0);
  } finally {
    await pool.end();
  }
});

test('a connection keeps its most recently used statements prepared; the rest are deallocated when it goes back to the pool', async () => {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    namePreparedStatements(pool, undefined, 3);
    const texts = [1, 2, 3, 4, 5].map((k) => namedText(`SELECT $1::int + ${k} AS n /* kept ${k} */`));
    for (const text of texts)
      expect((await pool.query<{ n: number }>(text, [10])).rows).toEqual([{ n: 10 + Number(/kept (\d)/.exec(text)![1]) }]);
    const held = async () =>
      (await pool.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements ORDER BY statement`)).rows.map(
        (r) => /kept (\d)/.exec(r.statement)?.[1],
      );
    // The last three used (the fourth and fifth, and the third); the first two were deallocated.
    expect(await held()).toEqual(['3', '4', '5']);
    // A deallocated text is parsed again under its name when used again, and the least recent goes.
    expect((await pool.query<{ n: number }>(texts[0], [1])).rows).toEqual([{ n: 2 }]);
    expect(await held()).toEqual(['1', '4', '5']);
  } finally {
    await pool.end();
  }
});

test('in a transaction a statement is parsed once under a name and executed with its values each time', async () => {
  const at = new Date('2026-12-02T08:30:00.000Z');
  const seen = await platform.orm.em.fork().transactional(async (tx) => {
    const returned = [];
    for (let n = 1; n <= 7; n++) returned.push(...(await executePrepared<{ n: number }>(tx, INSERT, [n, at])));
    expect(returned.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    return tx.execute<{ name: string; runs: number }[]>(
      `SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO prepared_probe%'`,
    );
  });
  expect(seen).toEqual([{ name: expect.stringMatching(/^gongzhi_\d+$/), runs: 7 }]);
  // Dates are bound as the instant they are.
  const [row] = await platform.orm.em
    .fork()
    .getConnection()
    .execute<{ same: boolean }[]>(`SELECT at = '2026-12-02T08:30:00Z'::timestamptz AS same FROM prepared_probe WHERE n = 7`);
  expect(row).toEqual({ same: true });
});

test('a failing prepared statement throws as em.execute would and its transaction leaves nothing', async () => {
  const before = await count();
  await expect(
    platform.orm.em.fork().transactional(async (tx) => {
      await executePrepared(tx, INSERT, [10, null]);
      await executePrepared(tx, INSERT, [-1, null]); // the CHECK refuses it
    }),
  ).rejects.toMatchObject({ name: 'CheckConstraintViolationException', constraint: 'prepared_probe_n_check' });
  expect(await count()).toBe(before);
  // The connection and its named statement still serve.
  await platform.orm.em.fork().transactional((tx) => executePrepared(tx, INSERT, [11, null]));
  expect(await count()).toBe(before + 1);
});

test('as the first statement of a transaction it still runs after its BEGIN (a rollback undoes it)', async () => {
  const before = await count();
  await expect(
    platform.orm.em.fork().transactional(async (tx) => {
      await executePrepared(tx, INSERT, [20, null]);
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  expect(await count()).toBe(before);
});

test('outside a transaction it is em.execute', async () => {
  const before = await count();
  expect(await executePrepared(platform.orm.em.fork(), INSERT, [30, null])).toEqual([{ n: 30 }]);
  expect(await count()).toBe(before + 1);
});

test('a count of values that does not match the placeholders is refused before anything is sent', async () => {
  await expect(platform.orm.em.fork().transactional((tx) => executePrepared(tx, 'SELECT ?::int + ?::int AS s', [1]))).rejects.toThrow(
    /2 placeholders and was given 1 values/,
  );
});

// Last in this file: it fills the process's names.
test('texts past the cap go unnamed, and the log says once why that usually happens', async () => {
  const sums = await platform.orm.em.fork().transactional(async (tx) => {
    const out = [];
    // A text built from a value: the mistake the cap guards against.
    for (let n = 0; n < MAX_PREPARED_TEXTS + 5; n++)
      out.push(...(await executePrepared<{ s: number }>(tx, `SELECT ${n} + ?::int AS s`, [1])));
    return out.map((r) => r.s);
  });
  expect(sums.at(-1)).toBe(MAX_PREPARED_TEXTS + 5);
  expect(logged.filter((l) => l.msg.includes('distinct statements'))).toEqual([
    expect.objectContaining({ msg: expect.stringContaining('pass them as parameters') }),
  ]);
});
