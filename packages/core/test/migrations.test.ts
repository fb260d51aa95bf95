import { appliedMigrations, type Migration, migrate, StartupError } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import pg from 'pg';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.drop());

const first = { name: '0001_a', up: 'CREATE SCHEMA alpha; CREATE TABLE alpha.a (id int PRIMARY KEY)' } satisfies Migration;
const second: Migration = { name: '0002_b', up: 'CREATE TABLE alpha.b (id int PRIMARY KEY)' };
const other: Migration = { name: '0001_x', up: 'CREATE SCHEMA beta; CREATE TABLE beta.x (id int PRIMARY KEY)' };

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('alpha', 'beta') ORDER BY 1`,
  );
  await client.end();
  return rows.map((r) => r.t);
}

test('applies each source in order, then finds nothing to do', async () => {
  const sources = [
    { owner: 'alpha', migrations: [first, second] },
    { owner: 'beta', migrations: [other] },
  ];
  const dry = await migrate(db.url, sources, { dryRun: true });
  expect(dry.applied).toEqual([
    { owner: 'alpha', name: '0001_a' },
    { owner: 'alpha', name: '0002_b' },
    { owner: 'beta', name: '0001_x' },
  ]);
  expect(await tables(db.url)).toEqual([]);

  await migrate(db.url, sources);
  expect(await tables(db.url)).toEqual(['alpha.a', 'alpha.b', 'beta.x']);
  expect(await appliedMigrations(db.url)).toEqual(dry.applied);

  const again = await migrate(db.url, sources);
  expect(again.applied).toEqual([]);
  expect(await appliedMigrations(db.url)).toHaveLength(3);
});

test('a failing migration is rolled back whole and stops the run', async () => {
  const broken: Migration = { name: '0002_broken', up: 'CREATE TABLE alpha.half (id int); SELECT * FROM no_such_table' };
  const run = migrate(db.url, [{ owner: 'alpha', migrations: [first, broken, second] }]);
  await expect(run).rejects.toBeInstanceOf(StartupError);
  await expect(migrate(db.url, [{ owner: 'alpha', migrations: [first, broken, second] }])).rejects.toThrow(
    /Migration alpha\/0002_broken failed and was rolled back: relation "no_such_table" does not exist/,
  );
  expect(await tables(db.url)).toEqual(['alpha.a']);
  expect(await appliedMigrations(db.url)).toEqual([{ owner: 'alpha', name: '0001_a' }]);
});

test('an applied migration whose text changed is refused', async () => {
  await migrate(db.url, [{ owner: 'alpha', migrations: [first] }]);
  const edited = { ...first, up: `${first.up}; CREATE TABLE alpha.sneaky (id int)` };
  await expect(migrate(db.url, [{ owner: 'alpha', migrations: [edited] }])).rejects.toThrow(
    'Migration alpha/0001_a was changed after it was applied. Migrations are forward-only: restore its text and add a new migration for the change.',
  );
});

test('concurrent migrators apply each migration once', async () => {
  const sources = [{ owner: 'alpha', migrations: [first, second] }];
  const results = await Promise.all([migrate(db.url, sources), migrate(db.url, sources), migrate(db.url, sources)]);
  expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 2]);
  expect(await appliedMigrations(db.url)).toHaveLength(2);
});
