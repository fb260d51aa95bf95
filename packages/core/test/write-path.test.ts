import {
  type Caller,
  changeRequestStatus,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
  Request,
  RequestStatus,
  toGlobalId,
} from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';
import pg from 'pg';
import { bare } from './fixtures/plugins.js';

/**
 * The write path's cost: a request's status change is a fixed, small number of statements (no
 * per-row ORM work, no statement written twice), whatever came before it, and leaves exactly one
 * audit entry and one timeline entry.
 */
let app: TestApp;
let household: Place;
let worker: Person;
let resident: Person;
let key: Caller;

beforeAll(async () => {
  // As the gateway runs: the board transport's NOTIFY must not cost a statement of its own, and
  // with the process's LISTEN connection which events webhooks want is kept, not asked each time.
  app = await createTestApp({ boards: { transport: 'postgres' }, listen: true });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'D', '东城区', null);
  const sub = write(PlaceType.SUBDISTRICT, 'S', '街道', district);
  const community = write(PlaceType.COMMUNITY, 'C', '社区', sub);
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  worker = em.create(Person, { name: '社工' });
  em.create(PersonRole, { person: worker, place: community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  resident = em.create(Person, { name: '居民', household });
  await em.flush();
  key = await apiKeyCaller(app, { name: '派单系统', placeIds: [], permissions: ['*'] });
});
afterAll(() => app?.close());

async function mutate(doc: string, variables: Record<string, unknown>): Promise<any> {
  const result = await app.execute(doc, variables, { caller: key });
  const problem = problemOf(result);
  if (problem) throw new Error(`${problem.code}: ${problem.message}`);
  return Object.values(result.data!)[0];
}

const submit = async () =>
  (
    await mutate(
      `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "楼道灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`,
      { p: household.id, r: resident.id },
    )
  ).request.id as string;
const changeStatus = (id: string, to: string) =>
  mutate(`mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code } } }`, {
    id,
    to,
  });
const claim = (id: string) =>
  mutate(`mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { request { status } errors { code } } }`, {
    id,
    p: worker.id,
  });

test('a status change is four statements: key, the row with the write counts, move + timeline, audit with the board entry (a finish five)', async () => {
  const id = await submit();
  // The caller's key and grants (cached per credential by the gateway); the request row with the
  // transaction's write counts so far; the conditional update with its timeline entry; the audit
  // entry (with the write counts after) carrying the board entry (numbered and notified by
  // PostgreSQL as the transaction commits). Which webhooks want the event is known in the process
  // (asked once, by the submission).
  expect(await app.countStatements(() => changeStatus(id, 'ACCEPTED'))).toBe(4);
  // A claim for another person adds the person, the request's places (to widen to its community)
  // and the person's household and roles, which lie there: the link check stops at the first place inside.
  expect(await app.countStatements(() => claim(id))).toBe(7);
  expect(await app.countStatements(() => changeStatus(id, 'IN_PROGRESS'))).toBe(4);
  // Finishing it asks one more: whether duplicates wait on it (their event, request.original-finished).
  expect(await app.countStatements(() => changeStatus(id, 'RESOLVED'))).toBe(5);
  // On the wire, the conditional update and the audit statement go with the COMMIT: three round
  // trips (the key; BEGIN with the row; the update, the audit entry and COMMIT).
  const next = await submit();
  expect(await app.countRoundTrips(() => changeStatus(next, 'ACCEPTED'))).toBe(3);
});

test('a submission is five statements in three round trips: key, the place with the write counts, the requester, request + first timeline entry, audit', async () => {
  let id = '';
  // The request row and its `created` entry go in one statement; the audit entry itemizes the row.
  expect(await app.countStatements(async () => (id = await submit()))).toBe(5);
  // On the wire the insert goes with the audit entry and COMMIT: the key; BEGIN with the place and
  // the requester; the insert, the audit entry and COMMIT.
  expect(await app.countRoundTrips(submit)).toBe(3);
  const log = await app.run(
    `query($id: String!) { auditLog(filter: { entityId: $id }) { nodes { action operation changes { field before after } } } }`,
    { id: Buffer.from(id, 'base64url').toString().split(':')[1] },
  );
  const [created] = log.auditLog.nodes;
  expect(created).toMatchObject({ action: 'request.submit', operation: 'create' });
  const changes = Object.fromEntries(created.changes.map((c: { field: string; before: unknown; after: unknown }) => [c.field, c]));
  // Values as JSON text.
  expect(changes.title).toEqual({ field: 'title', before: null, after: '"楼道灯坏了"' });
  expect(changes.status).toEqual({ field: 'status', before: null, after: '"submitted"' });
  expect(changes.requester).toEqual({ field: 'requester', before: null, after: JSON.stringify(resident.uuid) });
  expect(changes.uuid).toBeUndefined();
});

test('a webhook written anywhere (here plain SQL) is honoured once its change notice arrives; disabled, it costs nothing again', async () => {
  const sql = app.platform.orm.em.fork().getConnection();
  const [{ id: hook }] = await sql.execute(
    `INSERT INTO webhook (id, owner_kind, owner_id, url, event_types, secret)
     VALUES (gen_random_uuid(), 'api-key', ?, 'https://receiver.invalid/hook', '{request.status-changed}', 's') RETURNING id`,
    [key.id],
  );
  const deliveries = async () =>
    (await sql.execute(`SELECT count(*)::int AS n FROM webhook_delivery WHERE webhook_id = ?`, [hook]))[0].n as number;
  const deadline = Date.now() + 10_000;
  while ((await deliveries()) === 0 && Date.now() < deadline) await changeStatus(await submit(), 'ACCEPTED');
  expect(await deliveries()).toBeGreaterThan(0);
  // Wanted now: the status change writes the fan-out's outbox row too.
  expect(await app.countStatements(async () => changeStatus(await submit(), 'ACCEPTED'))).toBeGreaterThan(4 + 4);
  await sql.execute(`UPDATE webhook SET status = 'disabled' WHERE id = ?`, [hook]);
  // Until the disabling's notice arrives (a few ms; longer on a loaded machine), a change still asks.
  const noticed = Date.now() + 10_000;
  let cost: number;
  do {
    const id = await submit();
    cost = await app.countStatements(() => changeStatus(id, 'ACCEPTED'));
  } while (cost !== 4 && Date.now() < noticed);
  expect(cost).toBe(4);
});

test('a status change leaves one audit entry, itemized, and one timeline entry; the row is written once', async () => {
  const id = await submit();
  await changeStatus(id, 'ACCEPTED');
  const log = await app.run(`query($id: String!) { auditLog(filter: { entityId: $id }) { nodes { action operation entityType } } }`, {
    id,
  });
  expect(log.auditLog.nodes).toEqual([
    { action: 'request.changeStatus', operation: 'update', entityType: 'Request' },
    { action: 'request.submit', operation: 'create', entityType: 'Request' },
  ]);
  const sql = app.platform.orm.em.fork().getConnection();
  const uuid = Buffer.from(id, 'base64url').toString().split(':')[1];
  const [row] = await sql.execute(`SELECT version, status::text AS status FROM request WHERE id = ?`, [uuid]);
  expect(row).toEqual({ version: 2, status: 'accepted' });
  const timeline = await sql.execute(
    `SELECT action, from_status::text AS "from", to_status::text AS "to" FROM request_timeline WHERE request_id = ? ORDER BY at, action`,
    [uuid],
  );
  expect(timeline).toEqual([
    { action: 'created', from: null, to: 'submitted' },
    { action: 'status', from: 'submitted', to: 'accepted' },
  ]);
});

// Six moves to the same status at once: whatever the interleaving (a stale version, or a status
// that is no longer legal), exactly one wins. Two different targets (ACCEPTED, then REJECTED)
// would both be legal one after the other, so they would prove nothing.
test('of six concurrent moves exactly one wins; the losers write nothing', async () => {
  const id = await submit();
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      app.execute(
        `mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code } } }`,
        { id },
        { caller: key },
      ),
    ),
  );
  expect(results.filter((r) => problemOf(r) === undefined)).toHaveLength(1);
  const uuid = Buffer.from(id, 'base64url').toString().split(':')[1];
  const sql = app.platform.orm.em.fork().getConnection();
  const [{ n }] = await sql.execute(`SELECT count(*)::int AS n FROM request_timeline WHERE request_id = ?`, [uuid]);
  expect(n).toBe(2);
  const [{ a }] = await sql.execute(`SELECT count(*)::int AS a FROM audit_log WHERE entity_id = ? AND action = 'request.changeStatus'`, [
    uuid,
  ]);
  expect(a).toBe(1);
});

// A move sent with the COMMIT that finds the request changed since its read fails its statement,
// so nothing of its unit of work is kept, and its caller learns what the request is now. Another
// connection holds the row while the move is sent, then changes it and commits: the lost race
// is certain.
describe('a move that lost the race after its read', () => {
  const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
  const written = async (uuid: string) => {
    const sql = app.platform.orm.em.fork().getConnection();
    const [counts] = await sql.execute(
      `SELECT (SELECT count(*)::int FROM request_timeline WHERE request_id = ?) AS timeline,
              (SELECT count(*)::int FROM audit_log WHERE entity_id = ?) AS audit,
              (SELECT count(*)::int FROM board_event WHERE item_id = ?) AS board,
              (SELECT status::text FROM request WHERE id = ?) AS status`,
      [uuid, uuid, uuid, uuid],
    );
    return counts;
  };
  /** Runs `mutation` while another connection holds the request row, then applies `change` to it there and commits. */
  async function loseTo<T>(on: TestApp, uuid: string, change: string, params: unknown[], mutation: () => Promise<T>): Promise<T> {
    const other = new pg.Client({ connectionString: on.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM request WHERE id = $1 FOR UPDATE', [uuid]);
      const answer = mutation();
      // The move has read the row and waits for it (its update went out with the audit entry and COMMIT).
      const sql = on.platform.orm.em.fork().getConnection();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const [{ n }] = await sql.execute(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%moved AS (UPDATE request%'`,
        );
        if (n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query(change, [uuid, ...params]);
      await other.query('COMMIT');
      return await answer;
    } finally {
      await other.end();
    }
  }

  test('a status change is undone whole and says the status now', async () => {
    const id = await submit();
    const uuid = uuidOf(id);
    const before = await written(uuid);
    const result = await loseTo(app, uuid, `UPDATE request SET status = 'accepted', version = version + 1 WHERE id = $1`, [], () =>
      app.execute(
        `mutation($id: ID!) { changeRequestStatus(id: $id, to: REJECTED) { request { status } errors { code message } } }`,
        { id },
        { caller: key },
      ),
    );
    expect(result.data?.changeRequestStatus).toEqual({
      request: null,
      errors: [
        {
          code: 'ILLEGAL_TRANSITION',
          message: 'This request changed meanwhile and is now accepted; it was not made rejected. Reload it and try again.',
        },
      ],
    });
    expect(await written(uuid)).toEqual({ ...before, status: 'accepted' });
  });

  test('a claim says who took the request', async () => {
    const id = await submit();
    await changeStatus(id, 'ACCEPTED');
    const uuid = uuidOf(id);
    const before = await written(uuid);
    const result = await loseTo(
      app,
      uuid,
      `UPDATE request SET status = 'claimed', assignee_id = $2, version = version + 1 WHERE id = $1`,
      [worker.uuid],
      () =>
        app.execute(
          `mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { request { status } errors { code message } } }`,
          { id, p: resident.id },
          { caller: key },
        ),
    );
    expect(result.data?.claimRequest).toEqual({
      request: null,
      errors: [{ code: 'ALREADY_CLAIMED', message: 'This request was just claimed by 社工.' }],
    });
    expect(await written(uuid)).toEqual({ ...before, status: 'claimed' });
  });

  test("in an after-commit handler, the delivery's failure says what the request is now", async () => {
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const mover = bare('mover', {
      register: ({ events }) =>
        void events.on(
          'request.created',
          async (event, handler) => {
            await gate;
            await handler.run(changeRequestStatus, { request: handler.ref(Request, event.payload.requestId), to: RequestStatus.ACCEPTED });
          },
          { id: 'mover.accept' },
        ),
    });
    // No retry within the test: the first failure stays on the row.
    const other = await createTestApp({ plugins: [mover], outbox: { retryBaseMs: 600_000 } });
    try {
      const em = other.platform.orm.em.fork();
      const place = placeWriter(em)(PlaceType.COMMUNITY, 'C', '社区', null);
      await em.flush();
      const caller = await apiKeyCaller(other, { name: '热线', placeIds: [], permissions: ['*'] });
      // The test app delivers a commit's events before it answers: submit, and let the handler go once the row is held.
      const submitted = other.execute(
        `mutation($p: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "井盖松动", placeId: $p, callbackPhone: "13800138000" }) { request { id } errors { code } } }`,
        { p: toGlobalId('Place', place.uuid) },
        { caller },
      );
      const sql = other.platform.orm.em.fork().getConnection();
      let uuid = '';
      for (const deadline = Date.now() + 10_000; !uuid && Date.now() < deadline;) {
        const rows = await sql.execute<{ id: string }[]>(`SELECT id FROM request WHERE title = '井盖松动'`);
        uuid = rows[0]?.id ?? '';
        if (!uuid) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await loseTo(other, uuid, `UPDATE request SET status = 'rejected', version = version + 1 WHERE id = $1`, [], async () => {
        open();
        await submitted;
      });
      let failure: string | null = null;
      for (const deadline = Date.now() + 10_000; !failure && Date.now() < deadline;) {
        const rows = await sql.execute<{ failure: string | null }[]>(
          `SELECT last_error AS failure FROM event_outbox WHERE handler = 'mover.accept'`,
        );
        failure = rows[0]?.failure ?? null;
        if (!failure) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(failure).toBe(
        'DomainError: This request changed meanwhile and is now rejected; it was not made accepted. Reload it and try again.',
      );
    } finally {
      await other.close();
    }
  });
});

test('the board notice is queued at commit by PostgreSQL and names the last number', async () => {
  const id = await submit();
  const listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  try {
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(n.payload ?? ''));
    await listener.query('LISTEN gongzhi_board');
    await changeStatus(id, 'ACCEPTED');
    const [{ last_seq }] = await app.platform.orm.em.fork().getConnection().execute(`SELECT last_seq::int FROM board_sequence`);
    const deadline = Date.now() + 5000;
    while (!notices.includes(`{"s":${last_seq}}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(notices).toContain(`{"s":${last_seq}}`);
  } finally {
    await listener.end();
  }
});
