import { seedScale, toGlobalId } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RequestCountFolder } from '../src/request/request-count-folder.js';

let app: TestApp;
let subdistrict: { id: string; path: string };
const sql = <T>(text: string, params: unknown[] = []) => app.platform.orm.em.fork().getConnection().execute<T[]>(text, params);

beforeAll(async () => {
  // The folder's rounds are run by hand here; the last test runs them on the platform's timer.
  app = await createTestApp({ requestCounts: { foldIntervalMs: 0 } });
  await app.platform.orm.em.fork().transactional((em) => seedScale(em as EntityManager, { scale: 0.15, requests: 600 }));
  const [row] = await sql<{ id: string; path: string }>(`SELECT id, path FROM place WHERE code = 'SCALE-0.15-S'`);
  subdistrict = row!;
});
afterAll(() => app?.close());

const QUERY = `query ($under: ID!) { requestStats(under: $under) { total byStatus { status count } byLevel { level count } } }`;

/** What the database counts for `where`, shaped like the API's answer. */
async function expected(where: string, params: unknown[]) {
  const byStatus = await sql<{ s: string; n: number }>(
    `SELECT status::text AS s, count(*)::int AS n FROM request WHERE ${where} GROUP BY status ORDER BY status`,
    params,
  );
  const byLevel = await sql<{ l: string; n: number }>(
    `SELECT level::text AS l, count(*)::int AS n FROM request WHERE ${where} GROUP BY level ORDER BY level`,
    params,
  );
  return {
    total: byStatus.reduce((s, r) => s + r.n, 0),
    byStatus: byStatus.map((r) => ({ status: r.s.toUpperCase(), count: r.n })),
    byLevel: byLevel.map((r) => ({ level: r.l.toUpperCase(), count: r.n })),
  };
}

test('counts requests by status and level under a place, in life-cycle order, in one statement', async () => {
  let data: any;
  const statements = await app.countStatements(async () => {
    data = await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) });
  });
  expect(data.requestStats.total).toBe(600);
  expect(data.requestStats).toEqual(await expected(`place_path LIKE ?`, [`${subdistrict.path}%`]));
  expect(data.requestStats.byStatus.map((s: { status: string }) => s.status)).toEqual([
    'SUBMITTED',
    'ACCEPTED',
    'CLAIMED',
    'IN_PROGRESS',
    'RESOLVED',
    'CLOSED',
  ]);
  expect(data.requestStats.byLevel.map((s: { level: string }) => s.level)).toEqual(['GRID', 'COMMUNITY', 'SUBDISTRICT']);
  // The place lookup and the counts: rows are never loaded.
  expect(statements).toBeLessThanOrEqual(2);

  const [community] = await sql<{ id: string; path: string }>(
    `SELECT id, path FROM place WHERE type = 'community' AND path LIKE ? ORDER BY code LIMIT 1`,
    [`${subdistrict.path}%`],
  );
  const one = await app.run(QUERY, { under: toGlobalId('Place', community.id) });
  expect(one.requestStats).toEqual(await expected(`place_path LIKE ?`, [`${community.path}%`]));
  expect(one.requestStats.total).toBeLessThan(600);
});

test('counts only what the caller may see: their places and their own requests; nothing for anonymous callers', async () => {
  // A resident whose requests are filed at a household: they see their household's requests and their own.
  const [resident] = await sql<{ id: string; household_path: string }>(
    `SELECT p.id, h.path AS household_path FROM person p JOIN place h ON h.id = p.household_id
      WHERE EXISTS (SELECT 1 FROM request r WHERE r.requester_id = p.id) ORDER BY p.id LIMIT 1`,
  );
  const mine = await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) }, { caller: { id: resident.id, kind: 'person' } });
  const want = await expected(`place_path LIKE ? AND (place_path LIKE ? OR requester_id = ?)`, [
    `${subdistrict.path}%`,
    `${resident.household_path}%`,
    resident.id,
  ]);
  expect(want.total).toBeGreaterThan(0);
  expect(want.total).toBeLessThan(600);
  expect(mine.requestStats).toEqual(want);

  const anonymous = await app.execute(QUERY, { under: toGlobalId('Place', subdistrict.id) }, { caller: null });
  // Anonymous callers see no place at all, so the place itself is not found.
  const stats = anonymous.data?.requestStats;
  if (stats) expect(stats).toEqual({ total: 0, byStatus: [], byLevel: [] });
  else expect(anonymous.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

test('an id that is not a place is refused with a typed error naming the argument', async () => {
  const result = await app.execute(QUERY, { under: toGlobalId('Person', '00000000-0000-0000-0000-000000000000') });
  expect(result.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|NOT_FOUND/);
  expect(result.errors?.[0]?.message).toContain('under');
});

/** Places whose kept counts differ from the requests under them (empty when the counts are current). */
const countDrift = () =>
  sql<{ place_id: string }>(
    `WITH kept AS (SELECT place_id, status, level, sum(n)::int AS n FROM request_count GROUP BY 1, 2, 3 HAVING sum(n) <> 0),
          actual AS (SELECT a.place_id, r.status, r.level, count(*)::int AS n
                       FROM request r CROSS JOIN LATERAL unnest(string_to_array(btrim(r.place_path, '/'), '/')::uuid[]) AS a (place_id)
                      GROUP BY 1, 2, 3)
     SELECT coalesce(k.place_id, a.place_id) AS place_id FROM kept k FULL JOIN actual a USING (place_id, status, level)
      WHERE k.n IS DISTINCT FROM a.n`,
  );

test('the kept counts follow every write in its transaction, also under concurrent transitions; a rollback leaves them', async () => {
  const households = await sql<{ id: string }>(`SELECT id FROM place WHERE type = 'household' AND path LIKE ? ORDER BY code LIMIT 20`, [
    `${subdistrict.path}%`,
  ]);
  const before = (await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) })).requestStats;
  const ids: string[] = await Promise.all(
    households.map(async (h, i) => {
      const r = await app.run(
        `mutation ($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code message } } }`,
        { i: { kind: 'NEED', channel: 'PHONE', title: `计数 ${i}`, placeId: toGlobalId('Place', h.id), callbackPhone: '13800000000' } },
      );
      return r.submitRequest.request.id as string;
    }),
  );
  // Twenty transitions at once under the same subdistrict: counter rows are shared, no deadlock, no lost update.
  const moved = await Promise.all(
    ids.map((id) =>
      app.run(`mutation ($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code } } }`, { id }),
    ),
  );
  expect(moved.every((m) => m.changeRequestStatus.request?.status === 'ACCEPTED')).toBe(true);
  const after = (await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) })).requestStats;
  expect(after.total).toBe(before.total + 20);
  expect(after).toEqual(await expected(`place_path LIKE ?`, [`${subdistrict.path}%`]));
  expect(await countDrift()).toEqual([]);

  // A change rolled back takes its counts with it.
  await app.platform.orm.em
    .fork()
    .transactional(async (em) => {
      await em.execute(`UPDATE request SET status = 'closed' WHERE place_path LIKE ?`, [`${subdistrict.path}%`]);
      expect(
        (await em.execute(`SELECT count(*)::int AS n FROM request_count WHERE place_id = ? AND status = 'closed'`, [subdistrict.id]))[0],
      ).toBeTruthy();
      throw new Error('roll back');
    })
    .catch(() => undefined);
  expect((await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) })).requestStats).toEqual(after);
  expect(await countDrift()).toEqual([]);
});

test('two transactions changing requests under one place do not wait for each other on the kept counts', async () => {
  // Two submitted requests that hash to one stripe: by request id (before 0026) their counter rows met.
  const [pair] = await sql<{ a: string; b: string }>(
    `SELECT min(id::text) AS a, max(id::text) AS b FROM request
      WHERE place_path LIKE ? AND status = 'submitted'
      GROUP BY hashtext(id::text) & 15 HAVING count(*) >= 2 LIMIT 1`,
    [`${subdistrict.path}%`],
  );
  expect(pair).toBeDefined();
  const before = (await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) })).requestStats;
  let releaseFirst!: () => void;
  const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
  let firstMoved!: () => void;
  const firstHasMoved = new Promise<void>((resolve) => (firstMoved = resolve));
  const accept = (em: EntityManager, id: string) => em.execute(`UPDATE request SET status = 'accepted' WHERE id = ?`, [id]);
  const first = app.platform.orm.em.fork().transactional(async (em) => {
    await accept(em, pair.a);
    firstMoved();
    // Holds its counter rows until the second has written its own.
    await firstHolds;
  });
  await firstHasMoved;
  const second = app.platform.orm.em
    .fork()
    .transactional(async (em) => {
      // Waiting for the first's counter rows would time out here (the first commits only after this).
      await em.execute(`SET LOCAL lock_timeout = '2s'`);
      await accept(em, pair.b);
    })
    .finally(releaseFirst);
  await expect(second).resolves.toBeUndefined();
  await first;
  const after = (await app.run(QUERY, { under: toGlobalId('Place', subdistrict.id) })).requestStats;
  expect(after.total).toBe(before.total);
  expect(after).toEqual(await expected(`place_path LIKE ?`, [`${subdistrict.path}%`]));
  expect(await countDrift()).toEqual([]);
});

/** The kept count rows of a place, and how many distinct (status, level) they hold. */
const rowsOf = async (placeId: string) =>
  (
    await sql<{ rows: number; kinds: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (status, level))::int AS kinds FROM request_count WHERE place_id = ?`,
      [placeId],
    )
  )[0];

/** Moves `n` requests under `path` from `from` to `to`, each in a transaction of its own (so on stripes of their own). */
async function moveOneByOne(path: string, from: string, to: string, n: number) {
  const ids = await sql<{ id: string }>(
    `SELECT id FROM request WHERE place_path LIKE ? AND status = ?::request_status ORDER BY id LIMIT ?`,
    [`${path}%`, from, n],
  );
  for (const { id } of ids) await sql(`UPDATE request SET status = ?::request_status WHERE id = ?`, [to, id]);
  return ids.length;
}

test('folding the kept counts leaves every report as it was, one row per status and level; a fold gives way to a writer and loses no count', async () => {
  const folder = new RequestCountFolder(() => app.platform.orm.em.fork(), app.platform.logger, { foldPlaces: 1000 });
  const under = { under: toGlobalId('Place', subdistrict.id) };
  expect(await moveOneByOne(subdistrict.path, 'submitted', 'accepted', 20)).toBe(20);
  const spread = await rowsOf(subdistrict.id);
  expect(spread.rows).toBeGreaterThan(spread.kinds + 10);
  const before = (await app.run(QUERY, under)).requestStats;

  // A writer in flight holding one of the subdistrict's count rows, as a move does when its stripe's
  // row is already there (a row it inserts is unseen by the fold and holds nothing up): the fold
  // waits 50 ms, gives way, and says so.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let moved!: () => void;
  const hasMoved = new Promise<void>((resolve) => (moved = resolve));
  const writer = app.platform.orm.em.fork().transactional(async (em) => {
    await em.execute(
      `UPDATE request SET status = 'in_progress' WHERE id = (SELECT id FROM request WHERE place_path LIKE ? AND status = 'accepted' ORDER BY id LIMIT 1)`,
      [`${subdistrict.path}%`],
    );
    await em.execute(
      `UPDATE request_count SET n = n WHERE (place_id, status, level, stripe) =
         (SELECT place_id, status, level, stripe FROM request_count WHERE place_id = ? AND stripe <> 0 ORDER BY status, level, stripe LIMIT 1)`,
      [subdistrict.id],
    );
    moved();
    await held;
  });
  await hasMoved;
  const t0 = Date.now();
  const blocked = await folder.foldOnce().finally(release);
  await writer;
  expect(blocked.busy).toBeGreaterThan(0);
  expect(Date.now() - t0).toBeLessThan(2_000);
  expect(await countDrift()).toEqual([]);

  // Folds while twenty transitions run at once under the same subdistrict.
  const ids = await sql<{ id: string }>(
    `SELECT id FROM request WHERE place_path LIKE ? AND status = 'accepted' ORDER BY id DESC LIMIT 20`,
    [`${subdistrict.path}%`],
  );
  let writing = true;
  const folding = (async () => {
    const rounds = [];
    while (writing) rounds.push(await folder.foldOnce());
    return rounds;
  })();
  const transitions = await Promise.all(
    ids.map(({ id }) =>
      app.run(`mutation ($id: ID!) { changeRequestStatus(id: $id, to: IN_PROGRESS) { request { status } errors { code } } }`, {
        id: toGlobalId('Request', id),
      }),
    ),
  ).finally(() => (writing = false));
  const rounds = await folding;
  expect(transitions.every((t) => t.changeRequestStatus.request?.status === 'IN_PROGRESS')).toBe(true);
  expect(rounds.reduce((n, r) => n + r.folded, 0)).toBeGreaterThan(0);
  expect(await countDrift()).toEqual([]);

  // With no writer left, a round folds every place: one row per status and level, none counting nothing.
  const last = await folder.foldOnce();
  expect(last.busy).toBe(0);
  const folded = await rowsOf(subdistrict.id);
  expect(folded.rows).toBe(folded.kinds);
  expect((await sql(`SELECT 1 FROM request_count WHERE place_id = ? AND (n = 0 OR stripe <> 0)`, [subdistrict.id])).length).toBe(0);
  expect(await countDrift()).toEqual([]);
  const after = (await app.run(QUERY, under)).requestStats;
  expect(after.total).toBe(before.total);
  expect(after).toEqual(await expected(`place_path LIKE ?`, [`${subdistrict.path}%`]));
});

test('the platform folds the kept counts on its own, on the interval it is given', async () => {
  const folding = await createTestApp({ requestCounts: { foldIntervalMs: 50 } });
  try {
    await folding.platform.orm.em.fork().transactional((em) => seedScale(em as EntityManager, { scale: 0.05, requests: 40 }));
    const execute = <T>(text: string, params: unknown[] = []) => folding.platform.orm.em.fork().getConnection().execute<T[]>(text, params);
    const [district] = await execute<{ id: string; path: string }>(`SELECT id, path FROM place WHERE depth = 0 ORDER BY code LIMIT 1`);
    const ids = await execute<{ id: string }>(`SELECT id FROM request WHERE status = 'submitted' ORDER BY id LIMIT 20`);
    for (const { id } of ids) await execute(`UPDATE request SET status = 'accepted' WHERE id = ?`, [id]);
    const spread = async () =>
      (await execute<{ n: number }>(`SELECT count(*)::int AS n FROM request_count WHERE place_id = ? AND stripe <> 0`, [district.id]))[0].n;
    for (let waited = 0; (await spread()) > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(await spread()).toBe(0);
  } finally {
    await folding.close();
  }
});
