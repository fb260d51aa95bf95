import { createPlatform, endPool, isDatabaseUnavailable, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import pg from 'pg';

/**
 * The ORM's connection pool when connections die under it (what a database restart does):
 * on a database of its own, whose server connections are ended with pg_terminate_backend.
 */
let db: TestDatabase;
let platform: Platform;
beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 2, acquireTimeoutMs: 1000 });
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

/** Ends every server connection to the test database except the caller's own. */
async function terminateConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

test('transactions whose connections died are given back to the pool: later queries are served', async () => {
  // Fill the pool (2) with transactions, end their connections, then let them try to commit.
  let proceed!: () => void;
  const terminated = new Promise<void>((resolve) => (proceed = resolve));
  let started = 0;
  const transactions = Array.from({ length: 2 }, () =>
    platform.orm.em.fork().transactional(async (tx) => {
      await tx.execute('select 1');
      started++;
      await terminated;
      await tx.execute('select 2');
    }),
  );
  while (started < 2) await new Promise((r) => setTimeout(r, 10));
  expect(await terminateConnections()).toBeGreaterThanOrEqual(2);
  proceed();
  const outcomes = await Promise.allSettled(transactions);
  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  for (const o of outcomes) expect(isDatabaseUnavailable((o as PromiseRejectedResult).reason)).toBe(true);

  // Before: both connections stayed checked out for ever and this waited for ever.
  const [row] = await platform.orm.em.fork().execute<{ n: number }[]>('select 42 as n');
  expect(row?.n).toBe(42);
  await expect(platform.checkDatabase(1000)).resolves.toBeUndefined();
});

test('no connection within the acquire timeout is an error that says the database is unavailable, not a wait for ever', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding = 0;
  const holders = Array.from({ length: 2 }, () =>
    platform.orm.em.fork().transactional(async (tx) => {
      await tx.execute('select 1');
      holding++;
      await held;
    }),
  );
  try {
    while (holding < 2) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    const waited = await platform.orm.em
      .fork()
      .execute('select 1')
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(isDatabaseUnavailable(waited)).toBe(true);
    await expect(platform.checkDatabase(300)).rejects.toThrow(/longer than 300 ms/);
  } finally {
    release();
    await Promise.all(holders);
  }
});

test('a query the server refuses is not taken for an unavailable database', async () => {
  // PostgreSQL answers a NUL byte in a statement's text with 08P01 (protocol violation), a class-08 code.
  const refused = await platform.orm.em
    .fork()
    .execute(`select 'a\u0000b'::text as t`)
    .then(
      () => null,
      (err: unknown) => err,
    );
  expect(refused).toMatchObject({ code: '08P01' });
  expect(isDatabaseUnavailable(refused)).toBe(false);
  // And the pool is none the worse for it.
  await expect(platform.checkDatabase(1000)).resolves.toBeUndefined();
});

test('endPool resolves once every connection of the pool has closed, so a server stopped next cuts none of them', async () => {
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
  let closed = 0;
  for (const client of clients) {
    client.once('end', () => closed++);
    client.release();
  }
  // pg-pool's own end() resolves once it has asked its connections to close, before they have.
  await endPool(pool);
  expect(closed).toBe(4);
});
