import { createPlatform, type Platform } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';

/**
 * Every operation's context forks the ORM's EntityManager. MikroORM 7.2's `fork()` sets
 * `allowGlobalContext` twice per fork, and each `Configuration.set` wrote `process.env`
 * (MIKRO_ORM_COLORS): two environment writes per operation, ~6 % of a person card's CPU in process.
 * The workspace patches `set` to leave the environment alone for that option
 * (patches/@mikro-orm__core@7.2.1.patch); this fails when the patch is gone.
 */
let db: TestDatabase;
let platform: Platform;

beforeAll(async () => {
  db = await createTestDatabase();
  platform = await createPlatform({ databaseUrl: db.url, poolSize: 1 });
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

test("an operation's context forks the EntityManager without writing the environment", () => {
  const was = process.env.MIKRO_ORM_COLORS;
  process.env.MIKRO_ORM_COLORS = 'left alone';
  try {
    const { em } = platform.createContext(null);
    expect(em).not.toBe(platform.orm.em);
    expect(process.env.MIKRO_ORM_COLORS).toBe('left alone');
  } finally {
    if (was === undefined) delete process.env.MIKRO_ORM_COLORS;
    else process.env.MIKRO_ORM_COLORS = was;
  }
});

test('a fork still refuses nothing it refused before: the global context stays disallowed', () => {
  platform.createContext(null);
  expect(platform.orm.config.get('allowGlobalContext')).toBe(false);
});
