import {
  executeRead,
  fromGlobalId,
  keyedRows,
  loadByForeignKey,
  loadById,
  MAX_SHARED_READS,
  Place,
  readBatchChannel,
  readContext,
} from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * executeRead: the reads of one operation made in the same turn go to PostgreSQL in one round
 * trip, each still getting its own rows, or its own error; inside a transaction too, on its connection.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

/** The statement counts of the batched round trips made while `work` runs. */
async function batchesOf(work: () => Promise<unknown>): Promise<number[]> {
  const batches: number[] = [];
  const heard = (message: unknown) => batches.push((message as { statements: number }).statements);
  readBatchChannel.subscribe(heard);
  try {
    await work();
  } finally {
    readBatchChannel.unsubscribe(heard);
  }
  return batches;
}

/** Runs `body` with a scratch table `(n int)` of this process's own, dropped afterwards. */
async function withTable(prefix: string, body: (table: string) => Promise<void>): Promise<void> {
  const table = `${prefix}_${process.pid}`;
  const em = app.platform.orm.em.fork();
  await em.execute(`CREATE TABLE ${table} (n int)`);
  try {
    await body(table);
  } finally {
    await em.execute(`DROP TABLE ${table}`);
  }
}

/** The outcomes of the reads `start` makes inside a transaction, which is then rolled back. */
async function settledThenRolledBack(
  start: (em: EntityManager) => Promise<unknown>[] | Promise<Promise<unknown>[]>,
): Promise<PromiseSettledResult<unknown>[]> {
  let outcomes: PromiseSettledResult<unknown>[] = [];
  await app.platform.orm.em
    .fork()
    .transactional(async (em) => {
      outcomes = await Promise.allSettled(await start(em));
      throw new Error('rolled back');
    })
    .catch(() => undefined);
  return outcomes;
}

/** A read by key of `n` that answers with the server process that ran it. */
const byKeyRead = (em: EntityManager, n: number) =>
  executeRead<{ n: number; pid: number }[]>(em, 'SELECT ?::int AS n, pg_backend_pid() AS pid', [n], { byKey: true });

test('reads of one turn go in one round trip, each with its own rows and parameters', async () => {
  const em = app.platform.orm.em.fork();
  let answers: unknown[] = [];
  const batches = await batchesOf(async () => {
    answers = await Promise.all([
      executeRead<{ s: string; pid: number }[]>(em, 'SELECT ?::text AS s, pg_backend_pid() AS pid', ["it's; quoted"]),
      executeRead<{ n: number; pid: number }[]>(em, 'SELECT n, pg_backend_pid() AS pid FROM generate_series(1, ?) AS n ORDER BY n;', [3]),
      executeRead<{ n: number }[]>(em, 'SELECT 1 AS n WHERE false'),
    ]);
  });
  expect(batches).toEqual([3]);
  const [quoted, series, none] = answers as [{ s: string; pid: number }[], { n: number; pid: number }[], unknown[]];
  expect(quoted.map((r) => r.s)).toEqual(["it's; quoted"]);
  expect(series.map((r) => r.n)).toEqual([1, 2, 3]);
  expect(none).toEqual([]);
  // One connection answered both (one round trip).
  expect(series[0]?.pid).toBe(quoted[0]?.pid);
});

test('a failing read gets its own error; the others of its turn still answer', async () => {
  const em = app.platform.orm.em.fork();
  const [good, bad, other] = await Promise.allSettled([
    executeRead<{ n: number }[]>(em, 'SELECT 1 AS n'),
    executeRead(em, 'SELECT 1 / (n - n) AS n FROM (SELECT 1 AS n) AS t'),
    executeRead<{ n: number }[]>(em, 'SELECT 2 AS n'),
  ]);
  expect(good).toEqual({ status: 'fulfilled', value: [{ n: 1 }] });
  expect(other).toEqual({ status: 'fulfilled', value: [{ n: 2 }] });
  expect(bad.status).toBe('rejected');
  expect(String((bad as PromiseRejectedResult).reason)).toMatch(/division by zero/);
});

test('inside a transaction the reads of one turn go together on the transaction connection, seeing its writes', async () => {
  await withTable('read_batch', async (table) => {
    let answers: unknown[] = [];
    const batches = await batchesOf(() =>
      app.platform.orm.em.fork().transactional(async (em) => {
        await em.execute(`INSERT INTO ${table} VALUES (7)`);
        answers = await Promise.all([
          executeRead<{ x: string }[]>(em, `SELECT txid_current()::text AS x`),
          executeRead<{ n: number }[]>(em, `SELECT n FROM ${table} WHERE n = ?`, [7]),
          executeRead<{ x: string }[]>(em, `SELECT txid_current()::text AS x`),
        ]);
      }),
    );
    expect(batches).toEqual([3]);
    const [[mine], seen, [again]] = answers as [{ x: string }[], { n: number }[], { x: string }[]];
    // One transaction answered all three, and saw its own uncommitted row.
    expect(again?.x).toBe(mine?.x);
    expect(seen).toEqual([{ n: 7 }]);
  });
});

test('inside a transaction a failing read fails its whole turn (the transaction is aborted), and nothing is written', async () => {
  await withTable('read_batch_fail', async (table) => {
    const outcomes = await settledThenRolledBack(async (em) => {
      await em.execute(`INSERT INTO ${table} VALUES (1)`);
      return [executeRead<{ n: number }[]>(em, 'SELECT 1 AS n'), executeRead(em, 'SELECT 1 / (n - n) AS n FROM (SELECT 1 AS n) AS t')];
    });
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(outcomes.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([
      expect.stringMatching(/division by zero/),
      expect.stringMatching(/division by zero/),
    ]);
    expect(await app.platform.orm.em.fork().execute(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
  });
});

test('inside a transaction, fixed-shape reads of one turn go as prepared statements in one round trip; a failure fails them all', async () => {
  await withTable('read_batch_fixed', async (table) => {
    let answers: unknown[] = [];
    let inlined: number[] = [];
    const trips = await app.countRoundTrips(async () => {
      inlined = await batchesOf(() =>
        app.platform.orm.em.fork().transactional(async (em) => {
          answers = await Promise.all([
            executeRead<{ x: string }[]>(em, `SELECT txid_current()::text AS x, ?::int AS n`, [1], { fixedShape: true }),
            executeRead<{ n: number }[]>(em, `SELECT count(*)::int AS n FROM ${table} WHERE n > ?`, [0], { fixedShape: true }),
            executeRead<{ x: string }[]>(em, `SELECT txid_current()::text AS x, ?::int AS n`, [2], { fixedShape: true }),
          ]);
        }),
      );
    });
    // BEGIN with the three reads, then COMMIT; no inlined batch.
    expect(trips).toBe(2);
    expect(inlined).toEqual([]);
    const [[first], counted, [third]] = answers as [{ x: string; n: number }[], { n: number }[], { x: string; n: number }[]];
    expect(third?.x).toBe(first?.x);
    expect([first?.n, third?.n]).toEqual([1, 2]);
    expect(counted).toEqual([{ n: 0 }]);

    const outcomes = await settledThenRolledBack((em) => [
      executeRead<{ n: number }[]>(em, 'SELECT ?::int AS n', [1], { fixedShape: true }),
      executeRead(em, 'SELECT 1 / (n - n) AS n FROM (SELECT ?::int AS n) AS t', [1], { fixedShape: true }),
      executeRead<{ n: number }[]>(em, 'SELECT ?::int AS n', [2], { fixedShape: true }),
    ]);
    expect(outcomes.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([
      expect.stringMatching(/division by zero/),
      expect.stringMatching(/division by zero/),
      expect.stringMatching(/division by zero/),
    ]);
  });
});

test('fixed-shape reads left on a transaction that has ended are refused, every one of them', async () => {
  let ended: EntityManager | undefined;
  await app.platform.orm.em.fork().transactional((em) => {
    ended = em;
    return Promise.resolve();
  });
  const outcomes = await Promise.allSettled([
    executeRead(ended!, 'SELECT ?::int AS n', [1], { fixedShape: true }),
    executeRead(ended!, 'SELECT ?::int AS n', [2], { fixedShape: true }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
});

test('outside a transaction, fixed-shape reads go as named prepared statements with bound values, in one round trip with the other reads of their turn', async () => {
  const em = app.platform.orm.em.fork();
  // A prepared statement is in pg_prepared_statements while it runs: one that finds itself there was prepared.
  const itself = `/* read-batch-prepared */ SELECT name, pg_backend_pid() AS pid FROM pg_prepared_statements
    WHERE statement LIKE '%read-batch-prepared%' AND ?::int = 1`;
  const items = ["it's", 'a,b', 'say "hi"', 'back\\slash', 'NULL'];
  let answers: unknown[] = [];
  let inlined: number[] = [];
  const trips = await app.countRoundTrips(async () => {
    inlined = await batchesOf(async () => {
      answers = await Promise.all([
        executeRead<{ name: string; pid: number }[]>(em, itself, [1], { fixedShape: true }),
        executeRead<{ item: string }[]>(
          em,
          `SELECT item FROM unnest(?::text[]) AS item WHERE item = ANY (?) ORDER BY item`,
          [items, items],
          {
            fixedShape: true,
          },
        ),
        // Without fixed shape: as em.execute sends it, bound and named where it can be (bindOrmValues)…
        executeRead<{ name: string; pid: number }[]>(em, itself.replaceAll('read-batch-prepared', 'read-batch-bound'), [1]),
        // …and inlined where it cannot (a JSON object has no bound form there).
        executeRead<{ name: string; pid: number }[]>(
          em,
          itself.replaceAll('read-batch-prepared', 'read-batch-inlined').replace('?::int = 1', "?::jsonb->>'a' = '1'"),
          [{ a: 1 }],
        ),
      ]);
    });
  });
  expect(trips).toBe(1);
  // The reads without fixed shape went with the others of their turn.
  expect(inlined).toEqual([2]);
  const [named, listed, bound, unnamed] = answers as [{ name: string; pid: number }[], { item: string }[], unknown[], unknown[]];
  expect(named).toEqual([{ name: expect.stringMatching(/^gongzhi_\d+$/), pid: expect.any(Number) }]);
  expect(bound).toEqual([{ name: expect.stringMatching(/^gongzhi_\d+$/), pid: expect.any(Number) }]);
  expect(unnamed).toEqual([]);
  // A list is one bound value, whatever its items hold.
  expect(listed.map((r) => r.item)).toEqual([...items].sort());
});

test('outside a transaction a failing fixed-shape read gets its own error; the others of its turn still answer', async () => {
  const em = app.platform.orm.em.fork();
  const [good, bad, other] = await Promise.allSettled([
    executeRead<{ n: number }[]>(em, 'SELECT ?::int AS n', [1], { fixedShape: true }),
    executeRead(em, 'SELECT 1 / (n - n) AS n FROM (SELECT ?::int AS n) AS t', [1], { fixedShape: true }),
    executeRead<{ n: number }[]>(em, 'SELECT 2 AS n'),
  ]);
  expect(good).toEqual({ status: 'fulfilled', value: [{ n: 1 }] });
  expect(other).toEqual({ status: 'fulfilled', value: [{ n: 2 }] });
  expect(String((bad as PromiseRejectedResult).reason)).toMatch(/division by zero/);
});

test("keyedRows: one tick's calls under one name are one prepared statement, and each gets its key's rows in order", async () => {
  const ctx = readContext(app.platform.orm.em.fork());
  // Row 4 matches key c by its second column: a match may be used more than once.
  const read = {
    sql: (
      match: string,
    ) => `SELECT v.alias AS key, v.n FROM (VALUES ('a', 'a', 1), ('a', 'a', 2), ('b', 'b', 3), ('q', 'c', 4)) AS v (k, alias, n)
      WHERE v.k ${match} OR v.alias ${match} ORDER BY v.n`,
    keyColumn: 'key' as const,
  };
  let answers: { key: string; n: number }[][] = [];
  let inlined: number[] = [];
  const trips = await app.countRoundTrips(async () => {
    inlined = await batchesOf(async () => {
      answers = await Promise.all(['a', 'b', 'c', 'x'].map((key) => keyedRows<{ key: string; n: number }>(ctx, 'test.keyed', key, read)));
    });
  });
  expect(trips).toBe(1);
  expect(inlined).toEqual([]);
  expect(answers.map((rows) => rows.map((r) => r.n))).toEqual([[1, 2], [3], [4], []]);
  // One key alone is matched with `= ?`, under another operation's loaders.
  expect(
    (await keyedRows<{ key: string; n: number }>(readContext(app.platform.orm.em.fork()), 'test.keyed', 'c', read)).map((r) => r.n),
  ).toEqual([4]);
});

test('loadById and loadByForeignKey: the keys of a tick are one prepared statement; an entity already loaded keeps its unflushed changes', async () => {
  const created = await Promise.all(
    ['甲', '乙'].map((name, i) =>
      app.run(`mutation ($i: CreatePlaceInput!) { createPlace(input: $i) { place { id } errors { code } } }`, {
        i: { type: 'DISTRICT', code: `LB${process.pid}${i}`, name: `读取区${name}` },
      }),
    ),
  );
  const [first, second] = created.map((d) => fromGlobalId(d.createPlace.place.id as string)!.id);
  const em = app.platform.orm.em.fork();
  let places: (Place | null)[] = [];
  let inlined: number[] = [];
  const trips = await app.countRoundTrips(async () => {
    inlined = await batchesOf(async () => {
      const ctx = readContext(em);
      places = await Promise.all([first, second, '00000000-0000-4000-8000-000000000000'].map((id) => loadById(ctx, Place, id)));
    });
  });
  expect(trips).toBe(1);
  expect(inlined).toEqual([]);
  expect(places.map((p) => p?.name)).toEqual(['读取区甲', '读取区乙', undefined]);
  // Managed, as em.find gives them: a change made before a second read survives it and is flushed.
  places[0]!.name = '改过的名字';
  const again = await loadById(readContext(em), Place, first);
  expect(again).toBe(places[0]);
  expect(again?.name).toBe('改过的名字');
  await em.flush();
  const [stored] = await app.platform.orm.em.fork().execute<{ name: string }[]>('SELECT name FROM place WHERE id = ?', [first]);
  expect(stored?.name).toBe('改过的名字');

  // loadByForeignKey the same way: each parent's rows in the order asked, one prepared statement.
  for (const [i, name] of ['街道B', '街道A'].entries()) {
    await app.run(`mutation ($i: CreatePlaceInput!) { createPlace(input: $i) { place { id } errors { code } } }`, {
      i: { type: 'SUBDISTRICT', code: `LB${process.pid}s${i}`, name, parentId: created[0]?.createPlace.place.id },
    });
  }
  let children: Place[][] = [];
  const childTrips = await app.countRoundTrips(async () => {
    inlined = await batchesOf(async () => {
      const ctx = readContext(app.platform.orm.em.fork());
      children = await Promise.all([first, second].map((id) => loadByForeignKey(ctx, Place, 'parent', id, { name: 'desc' })));
    });
  });
  expect(childTrips).toBe(1);
  expect(inlined).toEqual([]);
  expect(children.map((rows) => rows.map((p) => p.name))).toEqual([['街道B', '街道A'], []]);
  // Another order in the same operation is read in that order, not the first call's.
  const ctx = readContext(app.platform.orm.em.fork());
  const [descending, ascending] = await Promise.all([
    loadByForeignKey(ctx, Place, 'parent', first, { name: 'desc' }),
    loadByForeignKey(ctx, Place, 'parent', first, { name: 'asc' }),
  ]);
  expect(descending.map((p) => p.name)).toEqual(['街道B', '街道A']);
  expect(ascending.map((p) => p.name)).toEqual(['街道A', '街道B']);
});

test('a fixed-shape read given too few values is refused, and its turn answers rather than waits, in a transaction or not', async () => {
  const turn = (em: EntityManager) => [
    executeRead<{ n: number }[]>(em, 'SELECT ?::int AS n', [1], { fixedShape: true }),
    executeRead(em, 'SELECT ?::int + ?::int AS n', [1], { fixedShape: true }),
  ];
  const outside = await Promise.allSettled(turn(app.platform.orm.em.fork()));
  const inside = await settledThenRolledBack((em) => turn(em));
  for (const outcomes of [outside, inside]) {
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/2 placeholders and was given 1 values/);
  }
});

test('a fixed-shape read with a list written as IN (?) is refused with what to write instead', async () => {
  const em = app.platform.orm.em.fork();
  await expect(executeRead(em, 'SELECT 1 WHERE 1 IN (?)', [[1, 2]], { fixedShape: true })).rejects.toThrow(/= ANY \(\?\)/);
});

test('inside a transaction a fixed-shape read with a list answers the same in an inlined turn', async () => {
  const outcomes = await settledThenRolledBack((em) => [
    executeRead<{ item: string }[]>(
      em,
      `SELECT item FROM unnest(?::text[]) AS item WHERE item = ANY (?) ORDER BY item`,
      [['b', "it's"], ["it's"]],
      {
        fixedShape: true,
      },
    ),
    executeRead<{ n: number }[]>(em, 'SELECT 2 AS n'),
  ]);
  expect(outcomes).toEqual([
    { status: 'fulfilled', value: [{ item: "it's" }] },
    { status: 'fulfilled', value: [{ n: 2 }] },
  ]);
});

test.each([
  ['of fixed shape, on several pooled connections', { fixedShape: true }],
  ['by key, in one round trip shared with another read', { byKey: true }],
])(
  'a prepared read (%s) whose table gained a column since it was parsed answers with it (parsed again under a new name)',
  async (_, options) => {
    await withTable(`read_batch_stale_${'byKey' in options ? 'k' : 'f'}`, async (table) => {
      await app.platform.orm.em.fork().execute(`INSERT INTO ${table} VALUES (1)`);
      // Each on an EntityManager of its own, at once: of fixed shape, the statement gets parsed on
      // several pooled connections; by key, the six go in one round trip.
      const readAll = () =>
        Promise.allSettled(
          Array.from({ length: 6 }, () =>
            executeRead<Record<string, unknown>[]>(app.platform.orm.em.fork(), `SELECT * FROM ${table} WHERE n = ?`, [1], options),
          ),
        );
      expect((await readAll()).map((o) => o.status)).toEqual(Array.from({ length: 6 }, () => 'fulfilled'));
      // A migration elsewhere changes what `*` means for the statements these connections hold.
      await app.platform.orm.em.fork().execute(`ALTER TABLE ${table} ADD COLUMN m int DEFAULT 2`);
      for (let round = 0; round < 2; round++) {
        // Another read of the same turn (shared with them, by key) answers beside the ones sent again.
        const [stale, other] = await Promise.all([readAll(), byKeyRead(app.platform.orm.em.fork(), round)]);
        expect(stale).toEqual(Array.from({ length: 6 }, () => ({ status: 'fulfilled', value: [{ n: 1, m: 2 }] })));
        expect(other.map((r) => r.n)).toEqual([round]);
      }
    });
  },
);

test('inside a transaction, a prepared read gone stale under a migration fails that transaction only', async () => {
  await withTable('read_batch_stale_tx', async (table) => {
    await app.platform.orm.em.fork().execute(`INSERT INTO ${table} VALUES (1)`);
    // Two fixed reads in one turn: the first waits for the second (sent with it), the second goes at once.
    const both = () =>
      settledThenRolledBack((em) => [
        executeRead<Record<string, unknown>[]>(em, `SELECT * FROM ${table} WHERE n = ?`, [1], { fixedShape: true }),
        executeRead<Record<string, unknown>[]>(em, `SELECT *, 0 AS z FROM ${table} WHERE n = ?`, [1], { fixedShape: true }),
      ]);
    expect((await both()).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    await app.platform.orm.em.fork().execute(`ALTER TABLE ${table} ADD COLUMN m int DEFAULT 2`);
    // The transaction that meets the stale statements fails; those after it read the new column.
    await both();
    for (let round = 0; round < 2; round++) {
      expect(await both()).toEqual([
        { status: 'fulfilled', value: [{ n: 1, m: 2 }] },
        { status: 'fulfilled', value: [{ n: 1, m: 2, z: 0 }] },
      ]);
    }
  });
});

test("outside a transaction, reads by key of several operations in one turn share one round trip, each counted as its own operation's", async () => {
  const [a, b] = [app.platform.orm.em.fork(), app.platform.orm.em.fork()];
  const answers: { n: number; pid: number }[][] = [];
  let statements: string[][] = [];
  const own = (em: EntityManager, n: number, sql: string) =>
    app.recordStatements(async () => {
      // A read by key and a plain read of one operation: the plain one goes on the operation's own round trip.
      const [rows] = await Promise.all([byKeyRead(em, n), executeRead(em, sql)]);
      answers[n - 1] = rows;
    });
  const both = async () => (statements = await Promise.all([own(a, 1, 'SELECT 1 AS plain_a'), own(b, 2, 'SELECT 2 AS plain_b')]));
  // Once before counting, so that no connection is opened (and its start-up counted) while counting.
  await both();
  const trips = await app.countRoundTrips(both);
  // The two reads by key on one connection, one round trip; each operation's plain read on its own: three, not four.
  expect(trips).toBe(3);
  expect(answers.map((rows) => rows.map((r) => r.n))).toEqual([[1], [2]]);
  expect(answers[0][0].pid).toBe(answers[1][0].pid);
  // Each operation's statements are its own, though sent together.
  expect(statements).toEqual([
    ['SELECT ?::int AS n, pg_backend_pid() AS pid', 'SELECT 1 AS plain_a'],
    ['SELECT ?::int AS n, pg_backend_pid() AS pid', 'SELECT 2 AS plain_b'],
  ]);
});

test("a read by key that goes in a round trip another operation opened is sent in its own operation's async context, as counting watches it", async () => {
  // The other operation's read opens the turn's round trip (and its send would run in that operation's context).
  const other = byKeyRead(app.platform.orm.em.fork(), 1);
  let mine: { n: number; pid: number }[] = [];
  // What tracing's spans and this count see: the connection sent for the counted operation too.
  const trips = await app.countRoundTrips(async () => {
    mine = await byKeyRead(app.platform.orm.em.fork(), 2);
  });
  const [theirs] = await other;
  expect(trips).toBe(1);
  expect(mine[0].pid).toBe(theirs.pid);
});

test('a failing read by key fails alone; the other operations sharing its round trip get their rows', async () => {
  const [a, b, c] = [app.platform.orm.em.fork(), app.platform.orm.em.fork(), app.platform.orm.em.fork()];
  const [good, bad, other] = await Promise.allSettled([
    byKeyRead(a, 1),
    executeRead(b, 'SELECT 1 / (n - n) AS n FROM (SELECT ?::int AS n) AS t', [1], { byKey: true }),
    byKeyRead(c, 3),
  ]);
  expect(good).toEqual({ status: 'fulfilled', value: [{ n: 1, pid: expect.any(Number) }] });
  expect(other).toEqual({ status: 'fulfilled', value: [{ n: 3, pid: expect.any(Number) }] });
  expect(String((bad as PromiseRejectedResult).reason)).toMatch(/division by zero/);
});

test(`a turn's reads by key are spread over connections, at most ${MAX_SHARED_READS} in one round trip`, async () => {
  const count = MAX_SHARED_READS * 2 + 1;
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => byKeyRead(app.platform.orm.em.fork(), i)));
  expect(answers.map((rows) => rows[0].n)).toEqual(Array.from({ length: count }, (_, i) => i));
  const perProcess = new Map<number, number>();
  for (const [row] of answers) perProcess.set(row.pid, (perProcess.get(row.pid) ?? 0) + 1);
  expect([...perProcess.values()].sort((x, y) => y - x)).toEqual([MAX_SHARED_READS, MAX_SHARED_READS, 1]);
});

test("inside a transaction a read by key goes on the transaction's connection and sees its writes", async () => {
  await withTable('read_batch_by_key_tx', async (table) => {
    const outcomes = await settledThenRolledBack(async (em) => {
      await em.execute(`INSERT INTO ${table} VALUES (7)`);
      return [executeRead(em, `SELECT n FROM ${table} WHERE n = ?`, [7], { byKey: true }), byKeyRead(app.platform.orm.em.fork(), 1)];
    });
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: [{ n: 7 }] });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: [{ n: 1, pid: expect.any(Number) }] });
  });
});
