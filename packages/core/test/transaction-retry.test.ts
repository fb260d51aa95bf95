import { defineCommand, executeRead, Person, Place, PlaceType, runCommand, SYSTEM_CALLER } from '@gongzhi/core';
import { createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';
import { Writable } from 'node:stream';
import pino from 'pino';

/**
 * A transaction PostgreSQL rolled back for a reason of the moment (a deadlock, a serialization
 * failure, a prepared statement gone stale under a migration) is run again from the start: the
 * caller gets its answer, and what the failed attempt wrote is gone with it. Other failures are
 * not run again.
 */
let app: TestApp;
let household: Place;
let resident: Person;
const table = `transaction_retry_${process.pid}`;
/** The SQLSTATE of each transaction run again, as the platform's warnings name them. */
const retried: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        const entry = line.trim() ? (JSON.parse(line) as { code?: string; attempt?: number }) : {};
        if (entry.attempt !== undefined) retried.push(String(entry.code));
      }
      done();
    },
  });
  app = await createTestApp({ logger: pino({ level: 'warn' }, sink) });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const community = write(PlaceType.COMMUNITY, 'C', '团结湖社区', null);
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  resident = em.create(Person, { name: '王阿姨', household });
  await em.flush();
  await em.execute(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, note text)`);
});
afterAll(() => app?.close());

beforeEach(async () => {
  retried.length = 0;
  const em = app.platform.orm.em.fork();
  await em.execute(`TRUNCATE ${table}`);
  await em.execute(`INSERT INTO ${table} (id) VALUES (1), (2)`);
});

const rows = () =>
  app.platform.orm.em.fork().execute<{ id: number; n: number; note: string | null }[]>(`SELECT * FROM ${table} ORDER BY id`);

/** PostgreSQL's own serialization failure (SQLSTATE 40001), raised on the attempts `fails` says. */
const RAISE_40001 = `DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$`;

function noteThenMaybeFail(fails: (attempt: number) => boolean) {
  let attempts = 0;
  const command = defineCommand<{ note: string }, number>({
    name: 'test.noteThenMaybeFail',
    async run(uow, { note }) {
      attempts += 1;
      await uow.em.execute(`UPDATE ${table} SET n = n + 1, note = ? WHERE id = 1`, [`${note} #${attempts}`]);
      if (fails(attempts)) await uow.em.execute(RAISE_40001);
      return attempts;
    },
  });
  return { command, attempts: () => attempts };
}

test('a serialization failure runs the command again; the failed attempt leaves nothing', async () => {
  const { command, attempts } = noteThenMaybeFail((n) => n === 1);
  const outcome = await runCommand(app.platform.createContext(SYSTEM_CALLER), command, { note: '登记' });
  expect(outcome).toMatchObject({ ok: true, value: 2, errors: [] });
  expect(attempts()).toBe(2);
  expect((await rows())[0]).toMatchObject({ id: 1, n: 1, note: '登记 #2' });
});

test('a transaction that keeps failing so is run three times in all, then the failure reaches the caller with nothing written', async () => {
  const { command, attempts } = noteThenMaybeFail(() => true);
  await expect(runCommand(app.platform.createContext(SYSTEM_CALLER), command, { note: '登记' })).rejects.toMatchObject({ code: '40001' });
  expect(attempts()).toBe(3);
  expect((await rows())[0]).toMatchObject({ id: 1, n: 0, note: null });
});

test('other failures are not run again', async () => {
  let attempts = 0;
  const command = defineCommand<Record<string, never>, void>({
    name: 'test.failsForGood',
    async run(uow) {
      attempts += 1;
      await uow.em.execute(`UPDATE ${table} SET n = n / 0 WHERE id = 1`);
    },
  });
  await expect(runCommand(app.platform.createContext(SYSTEM_CALLER), command, {})).rejects.toMatchObject({ code: '22012' });
  expect(attempts).toBe(1);
});

test('two commands that deadlock both answer: PostgreSQL rolls one back, and it runs again after the other', async () => {
  // Each locks its first row, waits until the other holds its own, then asks for the other's.
  let holding = 0;
  let bothHold: () => void = () => undefined;
  const bothHolding = new Promise<void>((resolve) => (bothHold = resolve));
  let attempts = 0;
  const crossing = defineCommand<{ first: number; second: number }, void>({
    name: 'test.crossingLocks',
    async run(uow, { first, second }) {
      attempts += 1;
      await uow.em.execute(`UPDATE ${table} SET n = n + 1 WHERE id = ?`, [first]);
      if (++holding === 2) bothHold();
      await bothHolding;
      await uow.em.execute(`UPDATE ${table} SET n = n + 10 WHERE id = ?`, [second]);
    },
  });
  const outcomes = await Promise.all([
    runCommand(app.platform.createContext(SYSTEM_CALLER), crossing, { first: 1, second: 2 }),
    runCommand(app.platform.createContext(SYSTEM_CALLER), crossing, { first: 2, second: 1 }),
  ]);
  expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
  // Usually 3 attempts: the one rolled back runs again after the other committed. On a loaded
  // machine it has once met another transient failure too (4 attempts): each extra attempt must be
  // one the platform logged, for a deadlock or a serialization failure, and each effect lands once.
  expect(retried).toContain('40P01');
  expect(retried.every((code) => code === '40P01' || code === '40001')).toBe(true);
  expect(attempts).toBe(2 + retried.length);
  expect((await rows()).map((r) => r.n)).toEqual([11, 11]);
}, 15_000);

test('a prepared read gone stale under a migration: every command after it answers, with the new column', async () => {
  const readRow = defineCommand<Record<string, never>, Record<string, unknown>>({
    name: 'test.readRow',
    async run(uow) {
      const rows = await executeRead<Record<string, unknown>[]>(uow.em, `SELECT * FROM ${table} WHERE id = ?`, [1], { fixedShape: true });
      return rows[0] ?? {};
    },
  });
  // At once: the statement gets parsed on every connection of the test platform's pool (4).
  const readOnEveryConnection = () =>
    Promise.all(Array.from({ length: 4 }, () => runCommand(app.platform.createContext(SYSTEM_CALLER), readRow, {})));
  expect((await readOnEveryConnection()).map((o) => o.ok)).toEqual([true, true, true, true]);
  await app.platform.orm.em.fork().execute(`ALTER TABLE ${table} ADD COLUMN m int DEFAULT 2`);
  try {
    for (let round = 0; round < 2; round++) {
      expect((await readOnEveryConnection()).map((o) => o.value)).toEqual(
        Array.from({ length: 4 }, () => ({ id: 1, n: 0, note: null, m: 2 })),
      );
    }
  } finally {
    await app.platform.orm.em.fork().execute(`ALTER TABLE ${table} DROP COLUMN m`);
  }
});

test('through the API: status changes right after a migration added a column to the request table all answer', async () => {
  const submit = `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "楼道灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`;
  const change = `mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code } } }`;
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await app.run(submit, { p: household.id, r: resident.id })).submitRequest.request.id);
  // At once: the command path's statements get parsed on the pool's connections; then the request table changes.
  await Promise.all(ids.map((id) => app.run(change, { id, to: 'ACCEPTED' })));
  await app.platform.orm.em.fork().execute(`ALTER TABLE request ADD COLUMN retry_test_note text`);
  try {
    const results = await Promise.all(ids.map((id) => app.execute(change, { id, to: 'IN_PROGRESS' })));
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined]);
    expect(results.map((r) => (r.data as any).changeRequestStatus)).toEqual(
      Array.from({ length: 4 }, () => ({ request: { status: 'IN_PROGRESS' }, errors: [] })),
    );
  } finally {
    await app.platform.orm.em.fork().execute(`ALTER TABLE request DROP COLUMN retry_test_note`);
  }
});

// The board's snapshot is a read-only transaction: it takes no lock, so it meets no deadlock or
// serialization failure, but the ORM's statements read rows with `*`, so a migration that adds a
// column leaves their prepared plans stale. The snapshot then simply runs again.
test("a task board's snapshot read right after a migration added a column to the request table answers", async () => {
  const submit = `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "电梯异响", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`;
  await app.run(submit, { p: household.id, r: resident.id });
  const board = `query($p: ID!) { taskBoard(placeId: $p) { cards { title } } }`;
  // At once: the snapshot's statements get parsed on the pool's connections; then the request table changes.
  await Promise.all(Array.from({ length: 4 }, () => app.run(board, { p: household.id })));
  await app.platform.orm.em.fork().execute(`ALTER TABLE request ADD COLUMN retry_test_board text`);
  try {
    const results = await Promise.all(Array.from({ length: 4 }, () => app.execute(board, { p: household.id })));
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined]);
    for (const r of results) expect((r.data as any).taskBoard.cards.map((c: { title: string }) => c.title)).toContain('电梯异响');
  } finally {
    await app.platform.orm.em.fork().execute(`ALTER TABLE request DROP COLUMN retry_test_board`);
  }
});

test("an event delivery whose transaction meets a serialization failure is made again at once, not left to the outbox's back-off", async () => {
  let attempts = 0;
  const stop = app.platform.events.on(
    'request.created',
    async (event, ctx) => {
      attempts += 1;
      await ctx.em.execute(`UPDATE ${table} SET n = n + 1, note = ? WHERE id = 2`, [event.payload.requestId]);
      if (attempts === 1) await ctx.em.execute(RAISE_40001);
    },
    { id: 'test.retry-delivery' },
  );
  try {
    const { submitRequest } = await app.run(
      `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "电梯异响", placeId: $p, requesterId: $r }) { request { id } } }`,
      { p: household.id, r: resident.id },
    );
    // This process delivers its own commits before the operation answers.
    expect(attempts).toBe(2);
    const [row] = (await rows()).filter((r) => r.id === 2);
    expect(row).toMatchObject({ n: 1 });
    expect(submitRequest.request.id).toEqual(expect.any(String));
    // Delivered: no failed attempt waiting in the outbox.
    const left = await app.platform.orm.em
      .fork()
      .execute<{ n: string }[]>(`SELECT count(*) AS n FROM event_outbox WHERE handler = 'test.retry-delivery'`);
    expect(left).toEqual([{ n: '0' }]);
  } finally {
    stop();
  }
});

test('a command run again does not see what its failed attempt changed in memory on rows the operation already held', async () => {
  const ctx = app.platform.createContext(SYSTEM_CALLER);
  // An earlier command of the same operation (a document with two mutations) leaves the place in the operation's rows.
  const look = defineCommand<Record<string, never>, string>({
    name: 'test.lookAtPlace',
    async run(uow) {
      return (await uow.em.findOneOrFail(Place, { uuid: household.uuid })).name;
    },
  });
  expect((await runCommand(ctx, look, {})).value).toBe('1号楼101');
  let attempts = 0;
  const mark = defineCommand<Record<string, never>, string>({
    name: 'test.markPlace',
    async run(uow) {
      attempts += 1;
      const place = await uow.em.findOneOrFail(Place, { uuid: household.uuid });
      place.name = `${place.name}（已走访）`;
      await uow.em.flush();
      if (attempts === 1) await uow.em.execute(RAISE_40001);
      return place.name;
    },
  });
  try {
    expect((await runCommand(ctx, mark, {})).value).toBe('1号楼101（已走访）');
    expect(attempts).toBe(2);
    const [row] = await app.platform.orm.em.fork().execute<{ name: string }[]>('SELECT name FROM place WHERE id = ?', [household.uuid]);
    expect(row).toEqual({ name: '1号楼101（已走访）' });
  } finally {
    await app.platform.orm.em.fork().execute('UPDATE place SET name = ? WHERE id = ?', ['1号楼101', household.uuid]);
  }
});

test('a row handed to a command as an entity is read again when the command is run again', async () => {
  const ctx = app.platform.createContext(SYSTEM_CALLER);
  const find = defineCommand<Record<string, never>, Place>({
    name: 'test.findPlace',
    async run(uow) {
      return uow.em.findOneOrFail(Place, { uuid: household.uuid });
    },
  });
  const { value: place } = await runCommand(ctx, find, {});
  let attempts = 0;
  const markGiven = defineCommand<{ place: Place }, string>({
    name: 'test.markGivenPlace',
    async run(uow, { place: given }) {
      attempts += 1;
      given.name = `${given.name}（已走访）`;
      await uow.em.flush();
      if (attempts === 1) await uow.em.execute(RAISE_40001);
      return given.name;
    },
  });
  try {
    expect((await runCommand(ctx, markGiven, { place: place! })).value).toBe('1号楼101（已走访）');
    expect(attempts).toBe(2);
    const [row] = await app.platform.orm.em.fork().execute<{ name: string }[]>('SELECT name FROM place WHERE id = ?', [household.uuid]);
    expect(row).toEqual({ name: '1号楼101（已走访）' });
  } finally {
    await app.platform.orm.em.fork().execute('UPDATE place SET name = ? WHERE id = ?', ['1号楼101', household.uuid]);
  }
});
