import pg from 'pg';
import { createApiKey, createPlatform, Person, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';

/**
 * `reader_name(kind, reader)` names the actor of every audit entry and the reader of every
 * sensitive read, so it runs in every write: it must answer as before and cost no fresh planning
 * per call (migration 0025).
 */
let db: TestDatabase;
let platform: Platform;
let client: pg.Client;
let personId: string;
let apiKey: { id: string; prefix: string };

beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 1 });
  await platform.orm.em.fork().transactional(async (em) => {
    const person = em.create(Person, { name: '审计社工' });
    const { apiKey: key } = await createApiKey(em, { name: '东城大屏', placeIds: [], permissions: [] });
    await em.flush();
    personId = person.uuid;
    apiKey = { id: key.uuid, prefix: key.prefix };
  });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await platform?.close();
  await db?.drop();
});

const nameOf = async (kind: string, id: string): Promise<unknown> =>
  (await client.query<{ name: unknown }>('SELECT reader_name($1, $2::uuid) AS name', [kind, id])).rows[0].name;

test('names a person, an API key with its prefix, and anyone unknown as "?"', async () => {
  expect(await nameOf('person', personId)).toBe('审计社工');
  expect(await nameOf('api-key', apiKey.id)).toBe(`东城大屏 (${apiKey.prefix})`);
  expect(await nameOf('person', apiKey.id)).toBe('?');
  expect(await nameOf('api-key', personId)).toBe('?');
});

test("its body gets a generic plan from PostgreSQL's plan cache, so calls after the first few are not planned again", async () => {
  // A SQL function's statements go through the plan cache as a prepared statement does: the body,
  // prepared with its arguments as parameters, shows which plans the cache settles on.
  const { prosrc } = (await client.query<{ prosrc: string }>(`SELECT prosrc FROM pg_proc WHERE proname = 'reader_name'`)).rows[0];
  const body = prosrc.replace(/\bkind\b/g, '$1::text').replace(/\breader\b/g, '$2::uuid');
  expect(body).not.toBe(prosrc);
  await client.query(`PREPARE reader_name_body AS ${body}`);
  for (let i = 0; i < 10; i++) await client.query(`EXECUTE reader_name_body('api-key', '${apiKey.id}')`);
  const { rows } = await client.query<{ generic_plans: string }>(
    `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'reader_name_body'`,
  );
  expect(Number(rows[0].generic_plans)).toBeGreaterThan(0);
});
