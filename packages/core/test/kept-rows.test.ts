import {
  defineCommand,
  keepRowsInProcess,
  type Named,
  Person,
  Place,
  PlaceType,
  readContext,
  rowById,
  runCommand,
  SYSTEM_CALLER,
  toGlobalId,
} from '@gongzhi/core';
import { createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';
import { Entity, PrimaryKey } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { bare } from './fixtures/plugins.js';

/**
 * Place rows are kept by the process between operations (`keepRowsInProcess`): a board read again
 * reads no place, a change made with SQL from anywhere is seen once its notice arrives, a
 * transaction reads its own writes, an unknown id is never kept, and nothing kept survives the
 * LISTEN connection going down. A kept entity whose table does not announce its changes stops
 * the host at start.
 */
let app: TestApp;
let community: Place;
let household: Place;
let requestId: string;

const BOARD = `query ($c: ID!) { requests(filter: { under: $c }, first: 10) { nodes { place { name ancestors { name } } } } }`;

beforeAll(async () => {
  app = await createTestApp({ listen: true });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  community = write(
    PlaceType.COMMUNITY,
    'c',
    '幸福社区',
    write(PlaceType.SUBDISTRICT, 's', '街道', write(PlaceType.DISTRICT, 'd', '区', null)),
  );
  household = write(PlaceType.HOUSEHOLD, 'h', '1号楼101', write(PlaceType.BUILDING, 'b', '1号楼', community));
  const person = em.create(Person, { name: '居民', household });
  await em.flush();
  const submitted = await app.run(
    `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "灯坏了", placeId: $p, requesterId: $r }) { request { id } } }`,
    { p: toGlobalId('Place', household.uuid), r: toGlobalId('Person', person.uuid) },
  );
  requestId = submitted.submitRequest.request.id;
});
afterAll(async () => {
  await app?.close();
});

/** SQL from a connection of its own: what another process, or an operator at psql, does. */
async function elsewhere(sql: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const board = async () => (await app.run(BOARD, { c: toGlobalId('Place', community.uuid) })).requests.nodes[0].place;
const placeReads = (statements: string[]) => statements.filter((s) => /\bFROM "place" r\b/.test(s));
const placeRow = (id: string) => rowById(readContext(app.platform.orm.em.fork()), Place, id);

test('a board read again reads no place: its place and ancestors come from memory', async () => {
  // A fresh board reads the place it is asked under, then its page's places with their ancestors.
  expect(placeReads(await app.recordStatements(board))).toHaveLength(2);
  const statements = await app.recordStatements(board);
  expect(statements.length).toBeGreaterThan(0);
  expect(placeReads(statements)).toEqual([]);
  expect(await board()).toEqual({
    name: '1号楼101',
    ancestors: [{ name: '区' }, { name: '街道' }, { name: '幸福社区' }, { name: '1号楼' }],
  });
});

test('a change made with SQL on another connection is seen once its notice arrives', async () => {
  await board();
  await elsewhere(`UPDATE place SET name = $1 WHERE id = $2`, ['1号楼102', household.uuid]);
  await until(async () => (await board()).name === '1号楼102', 'the renamed household');
  await elsewhere(`UPDATE place SET name = $1 WHERE id = $2`, ['和平社区', community.uuid]);
  await until(async () => (await board()).ancestors[2].name === '和平社区', 'the renamed community');
  // Kept again, fresh: the next board reads no place.
  expect(placeReads(await app.recordStatements(board))).toEqual([]);
});

test('a transaction reads places from the database: its own writes, not what is kept', async () => {
  expect((await placeRow(household.uuid))?.name).toBeDefined();
  await app.platform.orm.em
    .fork()
    .transactional(async (tx) => {
      await tx.execute(`UPDATE place SET name = '改名中' WHERE id = ?`, [household.uuid]);
      expect((await rowById(readContext(tx), Place, household.uuid))?.name).toBe('改名中');
      throw new Error('rolled back');
    })
    .catch((err: Error) => expect(err.message).toBe('rolled back'));
});

test('an unknown id is not kept: a place inserted after it was asked for is found', async () => {
  const id = randomUUID();
  expect(await placeRow(id)).toBeNull();
  await elsewhere(
    `INSERT INTO place (id, type, code, name, parent_id, path, depth) VALUES ($1, 'household', 'h2', '1号楼201', $2, $3, 5)`,
    [id, household.parent!.uuid, `${household.parent!.path}${id}/`],
  );
  expect((await placeRow(id))?.name).toBe('1号楼201');
});

test('what was kept is dropped when the LISTEN connection goes down: a change made meanwhile is seen', async () => {
  const before = (await placeRow(household.uuid))!.name;
  // The notice of this change cannot arrive: the listening connection is ended first, as a database restart would.
  await elsewhere(
    `WITH gone AS (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%')
     UPDATE place SET name = $1 WHERE id = $2 AND (SELECT count(*) FROM gone) > 0`,
    [`${before}号`, household.uuid],
  );
  // The process sees its connection go a moment after it went: until then it may answer what it
  // kept (as it would for a notice still on its way), after it reads the household as it is now.
  await until(async () => (await placeRow(household.uuid))?.name === `${before}号`, 'the change made meanwhile');
  // Listening again, the household is answered from memory again (no statement), and as it is now.
  await until(async () => (await app.countStatements(() => placeRow(household.uuid))) === 0, 'the household kept again');
  expect((await placeRow(household.uuid))?.name).toBe(`${before}号`);
});

test("a command that writes a kept table drops this process's kept rows at its commit: its caller's next read sees the change", async () => {
  const rename = defineCommand<{ place: Named<Place>; name: string }, void>({
    name: 'test.renamePlaceBySql',
    async run(uow, { place, name }) {
      await uow.em.nativeUpdate(Place, { uuid: place.uuid }, { name });
    },
  });
  const before = (await placeRow(household.uuid))!.name;
  // Without its notice, only the commit can tell this process: the table's trigger off for this test.
  await elsewhere(`ALTER TABLE place DISABLE TRIGGER place_kept_rows_changed`);
  try {
    expect(await app.countStatements(() => placeRow(household.uuid))).toBe(0);
    const row = await app.platform.orm.em.fork().findOneOrFail(Place, { uuid: household.uuid });
    const done = await runCommand(app.platform.createContext(SYSTEM_CALLER), rename, { place: row, name: `${before}室` });
    expect(done.ok).toBe(true);
    expect((await placeRow(household.uuid))?.name).toBe(`${before}室`);
    // A command that writes no place keeps what is kept.
    expect(await app.countStatements(() => placeRow(household.uuid))).toBe(0);
    await app.run(`mutation ($r: ID!) { changeRequestStatus(id: $r, to: ACCEPTED) { errors { code } } }`, { r: requestId });
    expect(await app.countStatements(() => placeRow(household.uuid))).toBe(0);
  } finally {
    await elsewhere(`ALTER TABLE place ENABLE TRIGGER place_kept_rows_changed`);
  }
});

@Entity({ schema: 'kept_thing', tableName: 'thing' })
class KeptThing {
  @PrimaryKey({ type: 'uuid' })
  id!: string;
}
keepRowsInProcess(KeptThing);

test('a plugin keeping rows of a table that does not announce its changes cannot start, and is told the fix', async () => {
  await expect(createTestApp({ plugins: [bare('kept-thing', { entities: [KeptThing] })] })).rejects.toThrow(
    /KeptThing of plugin "kept-thing" keeps its rows in process.*kept_thing\.thing.*EXECUTE FUNCTION kept_rows_notice\(\)/,
  );
});
