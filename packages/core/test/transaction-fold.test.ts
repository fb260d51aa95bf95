import { createPlatform, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import type pg from 'pg';

/**
 * A transaction's BEGIN goes to PostgreSQL with its first statement, one round trip
 * (`foldTransactionStart`): what each pooled connection sends is recorded at the protocol level
 * (`connection.query`, one simple-query message each), per connection: the platform's background
 * work (the outbox sweep) uses the pool too.
 */
let db: TestDatabase;
let platform: Platform;
let pool: pg.Pool;
const sent = new Map<object, string[]>();

beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 2 });
  pool = await platform.orm.em.getConnection().getNativeClient();
  const watched = new WeakSet<object>();
  pool.on('acquire', (client) => {
    const connection = (client as unknown as { connection: { query: (text: string) => void } }).connection;
    if (watched.has(connection)) return;
    watched.add(connection);
    const query = connection.query.bind(connection);
    connection.query = (text: string) => {
      (sent.get(connection) ?? sent.set(connection, []).get(connection)!).push(text);
      query(text);
    };
  });
  await platform.orm.em.getConnection().execute('CREATE TABLE fold_probe (n int NOT NULL CHECK (n > 0))');
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});
beforeEach(() => sent.clear());

/** What the connection that sent a text matching `first` sent from that text to the end of its transaction. */
function transaction(first: RegExp): string[] {
  for (const texts of sent.values()) {
    const start = texts.findIndex((t) => first.test(t));
    if (start < 0) continue;
    const end = texts.findIndex((t, i) => i > start && /^(commit|rollback)$/i.test(t));
    return texts.slice(start, end < 0 ? undefined : end + 1);
  }
  return [];
}

const rows = async () =>
  (await platform.orm.em.fork().getConnection().execute<{ n: number }[]>('SELECT n FROM fold_probe ORDER BY n')).map((r) => r.n);

// A list value is written into the text (the ORM has no bound form for it), so these statements
// go as simple queries, the form a BEGIN is folded into as text.
test('BEGIN rides on the first statement; the transaction commits what it wrote', async () => {
  await platform.orm.em.fork().transactional(async (tx) => {
    await tx.execute('INSERT INTO fold_probe (n) VALUES (?)', [[1]]);
    await tx.execute('INSERT INTO fold_probe (n) VALUES (?)', [[2]]);
  });
  expect(transaction(/fold_probe/)).toEqual([
    'BEGIN;INSERT INTO fold_probe (n) VALUES (1)',
    'INSERT INTO fold_probe (n) VALUES (2)',
    'commit',
  ]);
  expect(await rows()).toEqual([1, 2]);
});

test('a failing first statement leaves nothing written and the connection usable', async () => {
  await expect(
    platform.orm.em.fork().transactional(async (tx) => {
      await tx.execute('INSERT INTO fold_probe (n) VALUES (?)', [[-1]]); // the CHECK refuses it
    }),
  ).rejects.toThrow(/fold_probe_n_check/);
  expect(transaction(/fold_probe/)).toEqual(['BEGIN;INSERT INTO fold_probe (n) VALUES (-1)', 'rollback']);
  // A later failure rolls back the folded first statement too.
  await expect(
    platform.orm.em.fork().transactional(async (tx) => {
      await tx.execute('INSERT INTO fold_probe (n) VALUES (?)', [[3]]);
      await tx.execute('INSERT INTO fold_probe (n) VALUES (?)', [[0]]);
    }),
  ).rejects.toThrow(/fold_probe_n_check/);
  expect(await rows()).toEqual([1, 2]);
});

test('a transaction that sends nothing costs no round trip', async () => {
  await platform.orm.em.fork().transactional(async () => {}); // and MikroORM's empty transaction still works
  const client = await pool.connect();
  try {
    const connection = (client as unknown as { connection: object }).connection;
    sent.clear();
    await client.query('begin');
    await client.query('commit');
    expect(sent.get(connection) ?? []).toEqual([]);
  } finally {
    client.release();
  }
});

test('bound values: BEGIN goes just before; a held-back BEGIN never reaches the next user of the connection', async () => {
  const client = await pool.connect();
  try {
    await client.query('begin');
    expect((await client.query<{ n: number }>('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
    await client.query('SAVEPOINT probe'); // refused outside a transaction block
    await client.query('commit');
    expect(transaction(/^BEGIN$/)).toEqual(['BEGIN', 'SAVEPOINT probe', 'commit']);
    await client.query('begin'); // held back, then the connection goes back to the pool
  } finally {
    client.release();
  }
  const again = await pool.connect();
  try {
    expect(again).toBe(client); // the pool hands back its most recently released connection
    sent.clear();
    await again.query('SELECT 1');
    expect(transaction(/SELECT 1/)).toEqual(['SELECT 1']);
  } finally {
    again.release();
  }
});
