import { seedScale, toGlobalId } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import type { EntityManager } from '@mikro-orm/postgresql';

// The board's question, "open requests under a place, newest first, a page", is answered from
// the partial board indexes of migration 0011 (one per place depth), reading a page's rows.
let app: TestApp;
const sql = <T>(text: string, params: unknown[] = []) => app.platform.orm.em.fork().getConnection().execute<T[]>(text, params);

beforeAll(async () => {
  app = await createTestApp();
  await app.platform.orm.em.fork().transactional((em) => seedScale(em as EntityManager, { scale: 0.15, requests: 3000 }));
  await sql('ANALYZE request');
});
afterAll(() => app?.close());

const OPEN = ['SUBMITTED', 'ACCEPTED', 'CLAIMED', 'IN_PROGRESS'];
const BOARD = `query ($under: ID!, $status: [RequestStatus!], $after: String) {
  requests(filter: { under: $under, status: $status }, first: 10, after: $after) { edges { node { id title } } pageInfo { endCursor } }
}`;

/** The place of `type` under the scale seed's subdistrict that holds the most open requests (the board's question). */
async function busiest(type: string) {
  const [row] = await sql<{ id: string; path: string; depth: number }>(
    `SELECT p.id, p.path, p.depth FROM place p JOIN request_count c ON c.place_id = p.id
      WHERE p.type = ? AND p.code LIKE 'SCALE-0.15-%' AND c.status IN ('submitted', 'accepted', 'claimed', 'in_progress')
      GROUP BY p.id ORDER BY sum(c.n) DESC, p.code LIMIT 1`,
    [type],
  );
  return row;
}

test.each(['subdistrict', 'community', 'compound', 'building', 'unit', 'household'])(
  'a board page under a %s is the newest open requests of its subtree, two pages in order',
  async (type) => {
    const place = await busiest(type);
    const want = await sql<{ id: string }>(
      `SELECT id FROM request WHERE place_path LIKE ? AND status IN ('submitted', 'accepted', 'claimed', 'in_progress')
        ORDER BY created_at DESC, id DESC LIMIT 20`,
      [`${place.path}%`],
    );
    expect(want.length).toBeGreaterThan(0);
    const first = await app.run(BOARD, { under: toGlobalId('Place', place.id), status: OPEN });
    const second = await app.run(BOARD, {
      under: toGlobalId('Place', place.id),
      status: OPEN,
      after: first.requests.pageInfo.endCursor,
    });
    const got = [...first.requests.edges, ...second.requests.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(got).toEqual(want.map((r) => toGlobalId('Request', r.id)));
  },
);

test("the board's prepared statement reads the open-request index of the place's depth, not every request of the subtree", async () => {
  // A building holds a small share of the requests: walking all requests newest first would skip most of them.
  const community = await busiest('building');
  // The board's statement is prepared on the one connection, which then lists it.
  const statements = (
    await app.preparedStatements(() => app.run(BOARD, { under: toGlobalId('Place', community.id), status: OPEN }))
  ).filter((s) => /from "request"/i.test(s.statement));
  expect(statements).toHaveLength(1);
  const [{ statement, parameterTypes: parameters }] = statements;
  // The statuses are in its text; the place is its only value.
  expect(statement).toContain("'submitted'");
  expect(parameters).toHaveLength(1);
  // Its generic plan (the one PostgreSQL keeps after five runs) must find the partial index without seeing a value.
  const plan = await app.platform.orm.em.fork().transactional(async (em) => {
    const connection = em.getConnection();
    await connection.execute('SET LOCAL plan_cache_mode = force_generic_plan', [], 'run', em.getTransactionContext());
    await connection.execute(`PREPARE board_page AS ${statement}`, [], 'run', em.getTransactionContext());
    const [row] = await connection.execute<{ 'QUERY PLAN': unknown }[]>(
      `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE board_page('${community.id}')`,
      [],
      'all',
      em.getTransactionContext(),
    );
    await connection.execute('DEALLOCATE board_page', [], 'run', em.getTransactionContext());
    return row;
  });
  const text = JSON.stringify(plan['QUERY PLAN']);
  expect(text).toContain(`request_open_under_${community.depth}_idx`);
  // Only open requests of the building are read: no other index, no filter dropping rows of other places.
  expect(text).not.toMatch(/request_(place_path|created|status_created)_idx/);
  expect(text).not.toMatch(/Rows Removed by Filter":[1-9]/);
});

test("the board's statement is planned once per connection even when one place holds most requests", async () => {
  // A unit holding most open requests, as a big community does on a board: a plan that saw its id
  // would estimate a page as cheaper than the generic plan does, and PostgreSQL would keep planning.
  const unit = await busiest('unit');
  await sql(
    `INSERT INTO request (id, kind, channel, title, description, requester_id, callback_phone, place_id, place_path, status, created_at, updated_at)
     SELECT gen_random_uuid(), r.kind, r.channel, r.title, r.description, r.requester_id, r.callback_phone, r.place_id, r.place_path,
            'submitted', r.created_at - g * interval '1 second', r.updated_at
       FROM (SELECT * FROM request WHERE place_path LIKE ? LIMIT 1) r, generate_series(1, 6000) g`,
    [`${unit.path}%`],
  );
  await sql('ANALYZE request');
  const plans = (
    await app.preparedStatements(async () => {
      // Past PostgreSQL's five custom plans, the cache settles on the generic plan.
      for (let k = 0; k < 8; k++) await app.run(BOARD, { under: toGlobalId('Place', unit.id), status: OPEN });
    })
  ).filter((s) => s.statement.includes(`split_part(place_path, '/', ${unit.depth + 2})`));
  expect(plans).toHaveLength(1);
  expect(plans[0].genericPlans).toBeGreaterThan(0);
});
