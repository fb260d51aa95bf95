/**
 * An after-commit handler names the row of its event's payload with `handler.ref` and lets the
 * command path load it (locked when the command declares it, with the audit trail's first read):
 * no load of its own before the command. A row another command hands over already loaded is
 * locked as it is given.
 */
import { annotateRequest, defineCommand, isNotFound, type Named, type Place, PlaceType, Request } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';
import pg from 'pg';
import { bare } from './fixtures/plugins.js';

let app: TestApp;
let household: Place;

/** Whether another connection finds request `id` locked (a `FOR UPDATE NOWAIT` there fails at once). */
async function lockedElsewhere(id: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT 1 FROM request WHERE id = $1 FOR UPDATE NOWAIT', [id]);
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') return true;
    throw err;
  } finally {
    await client.end();
  }
}

/** What each run of the probe saw: whether the request was locked, before and after. */
const seen: { locked: boolean; thenLocked?: boolean }[] = [];
/** Which command the handler runs. */
let mode: 'declared' | 'handedOn' = 'declared';
/** When set, the handler names this id instead of the event's (a row that does not exist). */
let nameInstead: string | null = null;
const failures: unknown[] = [];

/** Declares a lock on its request: whether it is locked once the command runs. */
const lockGiven = defineCommand<{ request: Request }, boolean>({
  name: 'probe.lockGiven',
  lock: ['request'],
  run: async (_uow, { request }) => lockedElsewhere(request.uuid),
});
/** Locks its request (declared) and notes it on the timeline. */
const probe = defineCommand<{ request: Named<Request> }, void>({
  name: 'probe.look',
  lock: ['request'],
  async run(uow, { request }) {
    seen.push({ locked: await lockedElsewhere(request.uuid) });
    await uow.run(annotateRequest, { request, action: 'probed', note: 'seen by the probe' });
  },
});
/** Loads its request without a lock, then hands the row to a command that declares one. */
const handOn = defineCommand<{ request: Named<Request> }, void>({
  name: 'probe.handOn',
  async run(uow, { request }) {
    const locked = await lockedElsewhere(request.uuid);
    seen.push({ locked, thenLocked: await uow.run(lockGiven, { request }) });
  },
});

beforeAll(async () => {
  const plugin = bare('probe', {
    register: ({ events }) =>
      void events.on(
        'request.created',
        async (event, handler) => {
          const id = nameInstead ?? event.payload.requestId;
          await handler.run(mode === 'declared' ? probe : handOn, { request: handler.ref(Request, id) }).catch((err: unknown) => {
            failures.push(err);
            if (!isNotFound(err)) throw err;
          });
        },
        { id: 'probe.look' },
      ),
  });
  app = await createTestApp({ plugins: [plugin], outbox: { sweepIntervalMs: 3_600_000 } });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const community = write(PlaceType.COMMUNITY, 'C', '社区', null);
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  await em.flush();
});
afterAll(() => app?.close());

async function submit(): Promise<string> {
  const caller = await apiKeyCaller(app, { name: '热线', placeIds: [], permissions: ['*'] });
  const result = await app.execute(
    `mutation($p: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "楼道灯坏了", placeId: $p, callbackPhone: "13800138000" }) { request { id } errors { code } } }`,
    { p: household.id },
    { caller },
  );
  expect(problemOf(result)).toBeUndefined();
  return (result.data!.submitRequest as { request: { id: string } }).request.id;
}

test('a handler names the event row by id and the command gets it locked as it declares', async () => {
  seen.length = 0;
  const id = await submit();
  expect(seen).toEqual([{ locked: true }]);
  const uuid = Buffer.from(id, 'base64url').toString().split(':')[1];
  const entries = await app.platform.orm.em
    .fork()
    .getConnection()
    .execute(`SELECT action, actor_label AS label FROM request_timeline WHERE request_id = ? ORDER BY at, seq`, [uuid]);
  expect(entries).toEqual([
    { action: 'created', label: 'API key' },
    { action: 'probed', label: 'system: probe.look' },
  ]);
});

test('a row handed on already loaded to a command that declares a lock is locked as it is given', async () => {
  seen.length = 0;
  mode = 'handedOn';
  try {
    await submit();
  } finally {
    mode = 'declared';
  }
  expect(seen).toEqual([{ locked: false, thenLocked: true }]);
});

test('a row named by a handler that no longer exists is NOT_FOUND, as a made-up id of a client', async () => {
  failures.length = 0;
  seen.length = 0;
  nameInstead = '00000000-0000-4000-8000-000000000000';
  try {
    await submit();
  } finally {
    nameInstead = null;
  }
  expect(seen).toEqual([]);
  expect(failures).toHaveLength(1);
  expect(isNotFound(failures[0])).toBe(true);
  expect(isNotFound(new Error('NOT_FOUND'))).toBe(false);
});
