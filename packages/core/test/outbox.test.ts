/**
 * The event outbox (docs/decisions/0002-event-outbox.md): after-commit handlers get every
 * committed event at least once, from a row written in the emitting transaction; several
 * processes (here: platforms) on one database deliver each row once; failures are retried with
 * capped back-off and shown to operators. The kill -9 case runs the real gateway process:
 * `gateway/test/outbox-kill.test.ts`.
 */
import { Writable } from 'node:stream';
import {
  type Caller,
  createApiKey,
  createPlatform,
  type GongzhiPlugin,
  type OutboxOptions,
  Place,
  PlaceType,
  type Platform,
  retryDelayMs,
  silentLogger,
} from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { pino } from 'pino';
import { bare } from './fixtures/plugins.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'tally.counted': { key: string };
  }
}

/** What the tally handler saw: attempt times per key, and how many attempts of a key still fail. */
interface Tally {
  attempts: Map<string, number[]>;
  failuresLeft: Map<string, number>;
}

/**
 * A plugin whose after-commit handler records each delivery in its own table, in the
 * delivering transaction, naming the process that made it; it fails a key's first attempts
 * when told to (after writing, so a failed attempt must leave no row).
 */
function tallyPlugin(
  process: string,
  tally: Tally = { attempts: new Map(), failuresLeft: new Map() },
  gate: (key: string) => Promise<void> = () => Promise.resolve(),
): GongzhiPlugin {
  return bare('tally', {
    migrations: [
      {
        name: '0001_deliveries',
        up: 'CREATE SCHEMA tally; CREATE TABLE tally.delivery (seq bigserial PRIMARY KEY, key text NOT NULL, process text NOT NULL);',
      },
    ],
    register: ({ events }) =>
      void events.on(
        'tally.counted',
        async (event, { em }) => {
          const { key } = event.payload;
          await gate(key);
          tally.attempts.set(key, [...(tally.attempts.get(key) ?? []), Date.now()]);
          await em.execute('INSERT INTO tally.delivery (key, process) VALUES (?, ?)', [key, process]);
          const left = tally.failuresLeft.get(key) ?? 0;
          if (left > 0) {
            tally.failuresLeft.set(key, left - 1);
            throw new Error(`${key} is not ready (${left} more failures)`);
          }
        },
        { id: 'tally.record' },
      ),
  });
}

/** Deliveries recorded by the handler: key → processes that delivered it. */
async function deliveries(platform: Platform): Promise<Map<string, string[]>> {
  const rows = await platform.orm.em
    .fork()
    .execute<{ key: string; process: string }[]>('SELECT key, process FROM tally.delivery ORDER BY seq');
  const byKey = new Map<string, string[]>();
  for (const { key, process } of rows) byKey.set(key, [...(byKey.get(key) ?? []), process]);
  return byKey;
}

async function outboxRows(platform: Platform): Promise<number> {
  return Number((await platform.orm.em.fork().execute<{ n: string }[]>('SELECT count(*) AS n FROM event_outbox'))[0].n);
}

async function emitKeys(platform: Platform, keys: readonly string[]): Promise<void> {
  await platform.events.transaction(platform.orm.em.fork(), async ({ emit }) => {
    for (const key of keys) await emit('tally.counted', { key });
  });
}

/** Quiet everywhere but one more platform on `app`'s database, as a second gateway process would be. */
function secondProcess(app: TestApp, plugin: GongzhiPlugin, outbox: OutboxOptions): Promise<Platform> {
  return createPlatform({ databaseUrl: app.databaseUrl, plugins: [plugin], logger: silentLogger(), poolSize: 4, outbox });
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('one process', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Sweeps an hour apart: what is delivered here is delivered by the committing process itself.
    app = await createTestApp({ plugins: [tallyPlugin('one')], outbox: { sweepIntervalMs: 3_600_000 } });
  });
  afterAll(() => app?.close());

  test('the committing process delivers at once: the handler has run when the transaction returns, and the row is gone', async () => {
    await emitKeys(app.platform, ['first', 'second']);
    expect(await deliveries(app.platform)).toEqual(
      new Map([
        ['first', ['one']],
        ['second', ['one']],
      ]),
    );
    expect(await outboxRows(app.platform)).toBe(0);
  });

  test('a delivery costs one statement besides its handler, sent with its first: the row is taken (deleted, locked) as it is read', async () => {
    const statements = await app.countStatements(() => emitKeys(app.platform, ['counted']));
    // The emitting transaction: which event names webhooks want, the outbox row. The delivery:
    // its take and the handler's insert; no savepoint around the handler, no delete after it
    // (those were three more round trips).
    expect(statements).toBe(4);
    expect((await deliveries(app.platform)).get('counted')).toEqual(['one']);
    expect(await outboxRows(app.platform)).toBe(0);
    // On the wire: BEGIN with the webhooks' names; the outbox row with COMMIT; BEGIN with the take
    // and the handler's insert (the take is not awaited on its own); COMMIT.
    expect(await app.countRoundTrips(() => emitKeys(app.platform, ['trips']))).toBe(4);
  });

  test('nothing is recorded or delivered for a transaction that rolls back', async () => {
    await expect(
      app.platform.events.transaction(app.platform.orm.em.fork(), async ({ emit }) => {
        await emit('tally.counted', { key: 'rolled-back' });
        throw new Error('the work failed after emitting');
      }),
    ).rejects.toThrow('the work failed after emitting');
    expect(await outboxRows(app.platform)).toBe(0);
    expect(await app.platform.events.sweep()).toBe(0);
    expect((await deliveries(app.platform)).has('rolled-back')).toBe(false);
  });

  test("a sweep's statement is prepared: its text is the same at every sweep, whatever the handlers", async () => {
    const prepared = await app.preparedStatements(async () => {
      for (let k = 0; k < 7; k++) await app.platform.events.sweep();
    });
    const sweeps = prepared.filter((s) => s.statement.includes('next_attempt_at <= now()'));
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0].parameterTypes).toContain('text[]');
    // Every sweep ran it (and the platform's own timer may have swept on this connection too).
    expect(sweeps[0].genericPlans + sweeps[0].customPlans).toBeGreaterThanOrEqual(7);
  });

  test('the outbox row is written inside the emitting transaction: seen there, invisible to others until it commits', async () => {
    const counts: number[] = [];
    // Before-commit listeners run after the outbox rows are written, just before the commit.
    const stop = app.platform.events.onBeforeCommit(async (_events, em) => {
      const inside = await em.execute<{ n: string }[]>('SELECT count(*) AS n FROM event_outbox');
      counts.push(Number(inside[0].n), await outboxRows(app.platform));
    });
    try {
      await emitKeys(app.platform, ['inside']);
    } finally {
      stop();
    }
    expect(counts).toEqual([1, 0]);
    expect((await deliveries(app.platform)).get('inside')).toEqual(['one']);
  });

  test("a handler's interest, asked once inside the emitting transaction, keeps the events it leaves out of the outbox", async () => {
    const asked: string[][] = [];
    const handled: string[] = [];
    const inside: number[] = [];
    const stops = [
      app.platform.events.on('tally.counted', (event) => void handled.push(event.payload.key), {
        id: 'test.routine-keys',
        interest: async (em, events) => {
          asked.push(events.map((e) => e.payload.key));
          await em.execute('SELECT 1'); // a query of its own, in the emitting transaction
          return (event) => !event.payload.key.startsWith('urgent');
        },
      }),
      app.platform.events.onBeforeCommit(async (_events, em) => {
        inside.push(Number((await em.execute<{ n: string }[]>('SELECT count(*) AS n FROM event_outbox'))[0].n));
      }),
    ];
    try {
      await emitKeys(app.platform, ['routine-1', 'urgent-1', 'urgent-2']);
    } finally {
      for (const stop of stops) stop();
    }
    expect(asked).toEqual([['routine-1', 'urgent-1', 'urgent-2']]);
    // The tally handler's three rows and one of this handler's.
    expect(inside).toEqual([4]);
    expect(handled).toEqual(['routine-1']);
    expect(await outboxRows(app.platform)).toBe(0);
  });
});

describe('several processes on one database', () => {
  test('two processes sweeping at once deliver each row once', async () => {
    const app = await createTestApp({ plugins: [tallyPlugin('A')], outbox: { sweepIntervalMs: 3_600_000 } });
    const quiet: OutboxOptions = { sweepIntervalMs: 3_600_000, handoverMs: 0 };
    const b = await secondProcess(app, tallyPlugin('B'), quiet);
    // A process that commits and stops before it delivers (its delivery is held back an hour).
    const crashed = await secondProcess(app, tallyPlugin('crashed'), { ...quiet, deliveryDelayMs: 3_600_000 });
    try {
      const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
      for (let i = 0; i < keys.length; i += 50) await emitKeys(crashed, keys.slice(i, i + 50));
      await crashed.close();
      expect(await outboxRows(app.platform)).toBe(300);

      const [byA, byB] = await Promise.all([app.platform.events.sweep(), b.events.sweep()]);
      expect(byA + byB).toBe(300);
      // Both took part, neither took a row the other held.
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
      const delivered = await deliveries(app.platform);
      expect([...delivered.keys()].sort()).toEqual([...keys].sort());
      expect([...delivered.values()].filter((processes) => processes.length !== 1)).toEqual([]);
      expect(await outboxRows(app.platform)).toBe(0);
    } finally {
      await crashed.close().catch(() => undefined);
      await b.close();
      await app.close();
    }
  });

  test("a delivery another process holds when this one's own attempt comes keeps nothing of that attempt, and is no failure", async () => {
    const lines: unknown[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const tallyA: Tally = { attempts: new Map(), failuresLeft: new Map() };
    // A delivers its own commits 300 ms late; B sweeps at once and holds the row until told.
    const app = await createTestApp({
      plugins: [tallyPlugin('A', tallyA)],
      logger: pino({ level: 'error' }, sink),
      outbox: { sweepIntervalMs: 3_600_000, handoverMs: 0, deliveryDelayMs: 300 },
    });
    let entered!: () => void;
    const inB = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const tallyB: Tally = { attempts: new Map(), failuresLeft: new Map() };
    const b = await secondProcess(
      app,
      tallyPlugin('B', tallyB, async () => {
        entered();
        await released;
      }),
      { sweepIntervalMs: 3_600_000, handoverMs: 0 },
    );
    try {
      // B's first sweep (a process sweeps as it starts) has ended: only the sweep below may take the row.
      expect(await b.events.sweep()).toBe(0);
      await emitKeys(app.platform, ['contended']);
      const sweeping = b.events.sweep();
      await inB;
      // A's own attempt runs its handler (the take goes with the handler's insert) and finds the row held.
      await waitFor(() => Promise.resolve(tallyA.attempts.has('contended')), 5_000, "A's own attempt");
      release();
      expect(await sweeping).toBe(1);
      await app.platform.events.stopDelivery();
      expect((await deliveries(app.platform)).get('contended')).toEqual(['B']);
      expect(await outboxRows(app.platform)).toBe(0);
      // Not a failed delivery: nothing counted against the row, nothing logged.
      expect(lines).toEqual([]);
    } finally {
      release();
      await b.close();
      await app.close();
    }
  });

  test("a process's periodic sweep picks up what another process committed and never delivered", async () => {
    const app = await createTestApp({ plugins: [tallyPlugin('sweeper')], outbox: { sweepIntervalMs: 50 } });
    const crashed = await secondProcess(app, tallyPlugin('crashed'), {
      sweepIntervalMs: 3_600_000,
      handoverMs: 300,
      deliveryDelayMs: 3_600_000,
    });
    try {
      const committed = Date.now();
      await emitKeys(crashed, ['left-behind']);
      await crashed.close();
      await waitFor(async () => (await deliveries(app.platform)).has('left-behind'), 5_000, 'the sweep delivers');
      // Not before the hand-over: the committing process had the first go.
      expect(Date.now() - committed).toBeGreaterThanOrEqual(300);
      expect((await deliveries(app.platform)).get('left-behind')).toEqual(['sweeper']);
    } finally {
      await crashed.close().catch(() => undefined);
      await app.close();
    }
  });
});

describe('failures', () => {
  test('failed deliveries are a connection, the next due first, walked forward and backward', async () => {
    const app = await createTestApp({ outbox: { sweepIntervalMs: 3_600_000 } });
    try {
      // Five failed deliveries of a handler no process here runs; two are due at the same time (the id orders them).
      await app.platform.orm.em.getConnection().execute(
        `INSERT INTO event_outbox (event, payload, occurred_at, handler, attempts, last_error, next_attempt_at)
         SELECT 'test.failed', jsonb_build_object('n', n), now(), 'elsewhere.handler', 1, 'boom', now() + least(n, 4) * interval '1 hour'
           FROM generate_series(1, 5) n ORDER BY n`,
      );
      const Q = `query ($first: Int, $after: String, $last: Int, $before: String) { eventOutbox { pending
        failed(first: $first, after: $after, last: $last, before: $before) { nodes { payload } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
      const page = async (vars: Record<string, unknown>) => (await app.run(Q, vars)).eventOutbox.failed;
      const ns = (p: { nodes: { payload: { n: number } }[] }) => p.nodes.map((d) => d.payload.n);
      const one = await page({ first: 2 });
      const two = await page({ first: 2, after: one.pageInfo.endCursor });
      const three = await page({ first: 2, after: two.pageInfo.endCursor });
      expect([ns(one), ns(two), ns(three)]).toEqual([[1, 2], [3, 4], [5]]);
      expect([one.pageInfo.hasNextPage, three.pageInfo.hasNextPage, three.pageInfo.hasPreviousPage]).toEqual([true, false, true]);
      const back = await page({ last: 3, before: three.pageInfo.startCursor });
      expect(ns(back)).toEqual([2, 3, 4]);
      expect(back.pageInfo.hasPreviousPage).toBe(true);
    } finally {
      await app.close();
    }
  });

  test('back-off doubles from the base and stops growing at the cap', () => {
    const options = { retryBaseMs: 1_000, retryMaxMs: 600_000 };
    expect([1, 2, 3, 4, 10, 11, 1_000].map((n) => retryDelayMs(n, options))).toEqual([
      1_000, 2_000, 4_000, 8_000, 512_000, 600_000, 600_000,
    ]);
  });

  test('a failing handler is retried with capped back-off, logged with its id at each failure, and shown to auditors', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const tally: Tally = { attempts: new Map(), failuresLeft: new Map([['flaky', 3]]) };
    const app = await createTestApp({
      plugins: [tallyPlugin('one', tally)],
      logger: pino({ level: 'error' }, sink),
      outbox: { sweepIntervalMs: 20, retryBaseMs: 250, retryMaxMs: 500 },
    });
    try {
      const em = app.platform.orm.em.fork();
      const place = em.create(Place, { type: PlaceType.DISTRICT, code: 'OUTBOX-D', name: '丰台区', path: '/', depth: 0 });
      place.path = `/${place.uuid}/`;
      await em.flush();
      const key = async (placeIds: string[], permissions: string[]): Promise<Caller> => ({
        id: (await em.fork().transactional((tx) => createApiKey(tx, { name: 'k', placeIds, permissions }))).apiKey.uuid,
        kind: 'api-key',
      });
      const auditor = await key([], ['audit']);
      const placeAuditor = await key([place.uuid], ['audit']);
      const admin = await key([], ['request.manage']);

      await emitKeys(app.platform, ['flaky']);
      // The first attempt (right after commit) failed; its write rolled back with it.
      expect(tally.attempts.get('flaky')).toHaveLength(1);
      const QUERY = '{ eventOutbox { pending failed { nodes { event handler attempts lastError nextAttemptAt payload } } } }';
      const seen = (await app.run(QUERY, {}, { caller: auditor })).eventOutbox;
      expect(seen).toEqual({
        pending: 1,
        failed: {
          nodes: [
            {
              event: 'tally.counted',
              handler: 'tally.record',
              attempts: 1,
              lastError: 'Error: flaky is not ready (3 more failures)',
              nextAttemptAt: expect.any(String),
              payload: { key: 'flaky' },
            },
          ],
        },
      });
      const dueIn = new Date(seen.failed.nodes[0].nextAttemptAt).getTime() - tally.attempts.get('flaky')![0];
      expect(dueIn).toBeGreaterThanOrEqual(200);
      expect(dueIn).toBeLessThan(1_000);

      for (const caller of [placeAuditor, admin]) {
        const refused = await app.execute(QUERY, {}, { caller });
        expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }

      await waitFor(async () => (await outboxRows(app.platform)) === 0, 10_000, 'the retries succeed');
      const times = tally.attempts.get('flaky')!;
      expect(times).toHaveLength(4);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      // 250 ms, then doubled to 500, then capped at 500 (uncapped it would be 1,000); a sweep every 20 ms adds a little.
      expect(gaps[0]).toBeGreaterThanOrEqual(240);
      expect(gaps[1]).toBeGreaterThanOrEqual(490);
      expect(gaps[2]).toBeGreaterThanOrEqual(490);
      expect(gaps[2]).toBeLessThan(900);
      // Three failed attempts wrote nothing; the fourth wrote once.
      expect((await deliveries(app.platform)).get('flaky')).toEqual(['one']);
      const failures = lines.filter((l) => l.handler === 'tally.record');
      expect(failures.map((l) => [l.attempts, l.event, l.msg])).toEqual(
        [1, 2, 3].map((n) => [
          n,
          'tally.counted',
          expect.stringContaining(`event handler tally.record failed on tally.counted (attempt ${n})`),
        ]),
      );
      expect((await app.run(QUERY, {}, { caller: auditor })).eventOutbox).toEqual({ pending: 0, failed: { nodes: [] } });
    } finally {
      await app.close();
    }
  });
});

describe('handler ids', () => {
  const listener = (options: { id?: string }) =>
    bare('notices', { register: ({ events }) => void events.on('request.created', () => undefined, options) });

  test("start-up refuses a plugin's after-commit handler without an id, naming the plugin and the fix", async () => {
    await expect(createTestApp({ plugins: [listener({})] })).rejects.toThrow(
      `Plugin "notices" listens to "request.created" after commit without a handler id. Fix: name the handler, e.g. events.on('request.created', handler, { id: 'notices.<what-it-does>' })`,
    );
  });

  test("start-up refuses a handler id outside the plugin's namespace", async () => {
    await expect(createTestApp({ plugins: [listener({ id: 'route-it' })] })).rejects.toThrow(
      'Plugin "notices" names its handler of "request.created" "route-it", outside its own namespace. Fix: start the id with "notices." (e.g. "notices.route-it").',
    );
  });
});
