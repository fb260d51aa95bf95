import { raw } from '@mikro-orm/core';
import { Request } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { pageStatementShapes, selectPageRows } from '../src/relay/page-statement.js';

/**
 * A page of plain rows reads through a statement kept per shape of its condition: for every
 * condition, the rows are exactly those the QueryBuilder's own statement reads, whether the
 * statement was just built or kept from another condition of the same shape with other values;
 * shapes the builder would treat differently are not kept.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app?.close());

const NEWEST = { createdAt: 'desc', uuid: 'desc' } as const;

async function viaBuilder(where: object, limit: number): Promise<object[]> {
  const em = app.platform.orm.em.fork();
  return em
    .createQueryBuilder(Request, 'r')
    .select('*')
    .where(where as never)
    .orderBy(NEWEST)
    .limit(limit)
    .execute<object[]>('all', false);
}

async function viaKept(where: object, limit: number): Promise<object[]> {
  return selectPageRows(app.platform.orm.em.fork(), Request, where, NEWEST, limit);
}

test('each condition reads the rows its QueryBuilder statement reads, the first of a shape and the next alike', async () => {
  const conn = app.platform.orm.em.fork().getConnection();
  // Communities with open requests, and a word of one of their titles.
  const places = await conn.execute<{ id: string; path: string; depth: number; word: string }[]>(
    `SELECT p.id, p.path, array_length(string_to_array(trim(BOTH '/' FROM p.path), '/'), 1) - 1 AS depth,
            (SELECT substr(r.title, 1, 2) FROM request r WHERE r.place_path LIKE p.path || '%' ORDER BY r.created_at LIMIT 1) AS word
       FROM place p
      WHERE p.type = 'community'
        AND EXISTS (SELECT 1 FROM request r WHERE r.place_path LIKE p.path || '%' AND r.status IN ('submitted', 'accepted', 'claimed', 'in_progress'))
      ORDER BY p.code LIMIT 2`,
  );
  expect(places.length).toBeGreaterThanOrEqual(2);
  const [first] = await conn.execute<{ created_at: Date; id: string }[]>(
    `SELECT created_at, id FROM request ORDER BY created_at DESC, id DESC OFFSET 3 LIMIT 1`,
  );
  const conditions = (place: { id: string; path: string; depth: number; word: string }, from: Date) => [
    // The board's: open requests under a community by the ancestor at its depth, and the caller's places.
    {
      $and: [
        { [raw(`split_part(place_path, '/', ${place.depth + 2}) = (SELECT ?::text)`, [place.id])]: [] },
        { status: { $in: ['submitted', 'accepted', 'claimed', 'in_progress'] } },
        { $or: [{ placePath: { $like: `${place.path}%` } }, { requester: null }] },
      ],
    },
    // A text search, a date range and a keyset position after a row.
    {
      $and: [
        { placePath: { $like: `${place.path}%` } },
        { $or: [{ title: { $ilike: `%${place.word}%` } }, { description: { $ilike: `%${place.word}%` } }] },
        { createdAt: { $gte: from } },
        { $or: [{ createdAt: { $lt: first.created_at } }, { createdAt: first.created_at, uuid: { $lt: first.id } }] },
      ],
    },
    { $and: [{ kind: { $in: ['need', 'wish'] } }, { assignee: null }, { version: { $gte: 1 } }] },
  ];
  const before = pageStatementShapes();
  const sets = [conditions(places[0], new Date('2020-01-01')), conditions(places[1], new Date('2021-01-01'))];
  let nonEmpty = 0;
  for (const set of sets)
    for (const where of set)
      for (const limit of [3, 51]) {
        const kept = await viaKept(where, limit);
        expect(kept).toEqual(await viaBuilder(where, limit));
        if (kept.length) nonEmpty++;
      }
  // Three shapes (each at two limits) kept; the second set read through them with other values.
  expect(pageStatementShapes().kept - before.kept).toBe(6);
  expect(nonEmpty).toBe(12);
});

test('a shape the builder treats otherwise is read through the QueryBuilder every time', async () => {
  const before = pageStatementShapes();
  // A raw fragment with a list for a parameter: the builder writes the list into the text, item by item.
  const where = { [raw('length(title) IN (?)', [[2, 3, 4]])]: [] };
  expect(await viaKept(where, 5)).toEqual(await viaBuilder(where, 5));
  expect(pageStatementShapes()).toEqual(before);
});

test('each platform of a process keeps statements of its own (its metadata names its tables)', async () => {
  const other = await createTestApp();
  try {
    const where = { $and: [{ kind: { $in: ['need'] } }, { version: { $gte: 1 } }] };
    await selectPageRows(app.platform.orm.em.fork(), Request, where, NEWEST, 7);
    const before = pageStatementShapes().kept;
    await selectPageRows(app.platform.orm.em.fork(), Request, where, NEWEST, 7);
    expect(pageStatementShapes().kept).toBe(before); // the same platform: the statement it kept
    await selectPageRows(other.platform.orm.em.fork(), Request, where, NEWEST, 7);
    expect(pageStatementShapes().kept).toBe(before + 1); // another platform: a statement of its own
  } finally {
    await other.close();
  }
});

test('every kept statement is prepared, however many shapes came before it (a scope of each size is a shape)', async () => {
  const conn = app.platform.orm.em.fork().getConnection();
  const paths = (await conn.execute<{ path: string }[]>(`SELECT path FROM place ORDER BY path LIMIT 60`)).map((r) => r.path);
  expect(paths).toHaveLength(60);
  // Sixty shapes: a caller holding 1, 2, … 60 places.
  const condition = (n: number) => ({ $or: paths.slice(0, n).map((path) => ({ placePath: { $like: `${path}%` } })) });
  const prepared = await app.preparedStatements(async () => {
    for (let n = 1; n <= 60; n++) {
      const em = app.platform.orm.em.fork();
      await selectPageRows(em, Request, condition(n), NEWEST, 3);
    }
  });
  const pages = prepared.filter((s) => s.statement.includes('from "request"') && s.statement.includes('like'));
  // All sixty (the last one with sixty bound patterns), each kept on the connection that ran it.
  expect(pages).toHaveLength(60);
  expect(Math.max(...pages.map((s) => s.parameterTypes.length))).toBe(60);
});
