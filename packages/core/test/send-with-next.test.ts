import { executePrepared, executePreparedLater, type Platform } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A statement sent with `executePreparedLater` goes with its transaction's next query (the
 * pool's `sendWithNext`): one round trip with the COMMIT, and a failure that still stops the
 * transaction from committing, with the statement's own error.
 */
let app: TestApp;
let platform: Platform;

beforeAll(async () => {
  app = await createTestApp();
  platform = app.platform;
  await platform.orm.em.getConnection().execute('CREATE TABLE later_probe (n int NOT NULL CHECK (n > 0))');
});
afterAll(() => app?.close());
beforeEach(() => platform.orm.em.getConnection().execute('DELETE FROM later_probe'));

const probe = async () =>
  (await platform.orm.em.getConnection().execute<{ n: number }[]>('SELECT n FROM later_probe ORDER BY n')).map((r) => r.n);
const insertLater = (em: EntityManager, n: number) =>
  executePreparedLater<{ n: number }>(em, 'INSERT INTO later_probe (n) VALUES (?) RETURNING n', [n]);

test('the statement answers with the COMMIT, in one round trip; its rows come once it has answered', async () => {
  let rows: Promise<{ n: number }[]> | undefined;
  const trips = await app.countRoundTrips(() =>
    platform.orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute('INSERT INTO later_probe (n) VALUES (1)', [], 'run', em.getTransactionContext());
      const later = insertLater(em, 2);
      await later.sent;
      rows = later.rows;
    }),
  );
  // BEGIN with the first insert; the later insert with the COMMIT.
  expect(trips).toBe(2);
  expect(await rows).toEqual([{ n: 2 }]);
  expect(await probe()).toEqual([1, 2]);
});

test('a failing statement sent with the COMMIT fails the transaction with its own error and leaves nothing written', async () => {
  const outcome = platform.orm.em.fork().transactional(async (em) => {
    await em.getConnection().execute('INSERT INTO later_probe (n) VALUES (1)', [], 'run', em.getTransactionContext());
    const later = insertLater(em, -1);
    later.rows.catch(() => undefined);
    await later.sent;
  });
  // The CHECK's violation, not a COMMIT that PostgreSQL answered with ROLLBACK.
  await expect(outcome).rejects.toMatchObject({ code: '23514' });
  expect(await probe()).toEqual([]);
});

test('a query after a failed statement gets the statement\'s error, not "transaction is aborted"', async () => {
  const outcome = platform.orm.em.fork().transactional(async (em) => {
    const later = insertLater(em, -1);
    later.rows.catch(() => undefined);
    await later.sent;
    await em.getConnection().execute('INSERT INTO later_probe (n) VALUES (3)', [], 'run', em.getTransactionContext());
  });
  await expect(outcome).rejects.toMatchObject({ code: '23514' });
  expect(await probe()).toEqual([]);
});

test('a caller that awaits the rows before sending anything else gets them (the statement goes alone)', async () => {
  await platform.orm.em.fork().transactional(async (em) => {
    expect(await insertLater(em, 4).rows).toEqual([{ n: 4 }]);
    expect(await insertLater(em, 5).rows).toEqual([{ n: 5 }]);
  });
  expect(await probe()).toEqual([4, 5]);
  // Sent alone and failed: the COMMIT carries its error (PostgreSQL would answer it with ROLLBACK).
  const outcome = platform.orm.em.fork().transactional(async (em) => {
    await insertLater(em, -2).rows.catch(() => undefined);
  });
  await expect(outcome).rejects.toMatchObject({ code: '23514' });
  expect(await probe()).toEqual([4, 5]);
});

test('a failed statement rolled back to its savepoint does not stop the transaction from committing', async () => {
  await platform.orm.em.fork().transactional(async (em) => {
    await em.getConnection().execute('INSERT INTO later_probe (n) VALUES (6)', [], 'run', em.getTransactionContext());
    await expect(
      em.transactional(async (inner) => {
        const later = insertLater(inner, -3);
        later.rows.catch(() => undefined);
        await later.sent;
      }),
    ).rejects.toMatchObject({ code: '23514' });
    await em.getConnection().execute('INSERT INTO later_probe (n) VALUES (7)', [], 'run', em.getTransactionContext());
  });
  expect(await probe()).toEqual([6, 7]);
});

test('a transaction that starts with a prepared statement sends its BEGIN in the same round trip', async () => {
  const trips = await app.countRoundTrips(() =>
    platform.orm.em.fork().transactional(async (em) => {
      await executePrepared(em, 'INSERT INTO later_probe (n) VALUES (?)', [8]);
    }),
  );
  // BEGIN with the insert (bound values: the simple protocol cannot carry them), then COMMIT.
  expect(trips).toBe(2);
  expect(await probe()).toEqual([8]);
});
