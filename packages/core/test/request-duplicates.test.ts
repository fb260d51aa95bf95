import { type GongzhiEvent, Person, type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, problemOf, type TestApp, uuidOf } from '@gongzhi/core/testing';
import pg from 'pg';
import { moved, submitted } from './fixtures/requests.js';

/**
 * Duplicates (重复件, 合并办理): the broken street lamp outside 20号楼 is reported by several
 * neighbours and the hotline; staff merge the reports into one, which is handled for all.
 */
let app: TestApp;
const place: Record<string, Place> = {};
let residents: Person[];

const FIELDS = `request { id status duplicateOf { id title } timeline { nodes { action fromStatus toStatus note } } } errors { code message field }`;
const MERGE = `mutation($id: ID!, $into: ID!, $note: String) { mergeDuplicateRequest(id: $id, intoId: $into, note: $note) { ${FIELDS} } }`;

const submit = (title: string, at = 'h', requester = residents[0]) =>
  submitted(app, { kind: 'REPORT', title, placeId: place[at].id, requesterId: requester.id });
const step = (id: string, to: string) => moved(app, id, to);
const merge = async (id: string, into: string, note: string | null = null, caller?: Parameters<TestApp['run']>[2]) =>
  (await app.run(MERGE, { id, into, note }, caller)).mergeDuplicateRequest;
const read = async (id: string) =>
  (
    await app.run(
      `query($id: ID!) { request(id: $id) { status duplicateOf { id } duplicates { nodes { id title } }
         timeline { nodes { action note } } } }`,
      { id },
    )
  ).request;

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  place.sub = write(PlaceType.SUBDISTRICT, 'DP-S', '方庄街道', null);
  place.c = write(PlaceType.COMMUNITY, 'DP-C', '芳星园三区社区', place.sub);
  place.h = write(PlaceType.HOUSEHOLD, 'DP-H', '20号楼101', place.c);
  place.h2 = write(PlaceType.HOUSEHOLD, 'DP-H2', '21号楼302', place.c);
  place.c2 = write(PlaceType.COMMUNITY, 'DP-C2', '成仪路社区', place.sub);
  place.other = write(PlaceType.HOUSEHOLD, 'DP-O', '1号楼101', place.c2);
  residents = [
    em.create(Person, { name: '宋阿姨', household: place.h }),
    em.create(Person, { name: '苍爷爷', household: place.h2 }),
    em.create(Person, { name: '李叔叔', household: place.other }),
  ];
  await em.flush();
});
afterAll(() => app?.close());

test('reports of one problem are merged into one: closed, pointing at it, on both timelines, with events; its own duplicates follow it', async () => {
  const first = await submit('20号楼路灯不亮');
  await step(first, 'ACCEPTED');
  const again = await submit('楼下路灯坏了', 'h2', residents[1]);
  await step(again, 'ACCEPTED');
  const events: GongzhiEvent[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
  const merged = await merge(again, first, ' 同一盏路灯 ');
  stop();
  expect(merged.errors).toEqual([]);
  expect(merged.request).toMatchObject({ status: 'CLOSED', duplicateOf: { id: first, title: '20号楼路灯不亮' } });
  expect(merged.request.timeline.nodes.at(-1)).toEqual({
    action: 'merged',
    fromStatus: 'ACCEPTED',
    toStatus: 'CLOSED',
    note: '同一盏路灯',
  });
  expect(events.map((e) => [e.name, e.payload])).toEqual([
    [
      'request.merged',
      {
        requestId: uuidOf(again),
        placePath: place.h2.path,
        status: 'closed',
        level: 'grid',
        from: 'accepted',
        intoId: uuidOf(first),
        followed: 0,
        note: '同一盏路灯',
      },
    ],
    ['request.updated', { requestId: uuidOf(first), placePath: place.h.path, status: 'accepted', level: 'grid', change: 'duplicate' }],
  ]);
  const original = await read(first);
  expect(original.status).toBe('ACCEPTED');
  expect(original.duplicates.nodes).toEqual([{ id: again, title: '楼下路灯坏了' }]);
  // Each requester reads their own timeline: the entries carry the staff's note, not the other's title.
  expect(original.timeline.nodes.at(-1)).toEqual({ action: 'duplicate', note: '同一盏路灯' });

  // The hotline's order turns out to be the one to handle: the first report and its duplicate go with it.
  const hotline = await submit('12345: 芳星园路灯不亮', 'h', residents[0]);
  const followed = await merge(first, hotline);
  expect(followed.errors).toEqual([]);
  expect(followed.request.timeline.nodes.at(-1)).toEqual({ action: 'merged', fromStatus: 'ACCEPTED', toStatus: 'CLOSED', note: null });
  const handled = await read(hotline);
  expect(handled.duplicates.nodes.map((n: { title: string }) => n.title)).toEqual(['楼下路灯坏了', '20号楼路灯不亮']);
  expect((await read(again)).duplicateOf).toEqual({ id: hotline });
  expect((await read(first)).duplicates.nodes).toEqual([]);
  // Its duplicate followed it: closed as a duplicate is no problem finished, so nothing told it so.
  expect((await read(again)).timeline.nodes.map((e: { action: string }) => e.action)).not.toContain('original-closed');
  // A list of the problems reported leaves the duplicates out; a list of the duplicates has only them.
  const LIST = `query($under: ID!, $dup: Boolean) { requests(filter: { under: $under, text: "路灯", duplicate: $dup }, first: 10) { nodes { title } } }`;
  const titles = async (dup: boolean | null) =>
    (await app.run(LIST, { under: place.c.id, dup })).requests.nodes.map((n: { title: string }) => n.title);
  expect(await titles(false)).toEqual(['12345: 芳星园路灯不亮']);
  expect(await titles(true)).toEqual(['楼下路灯坏了', '20号楼路灯不亮']);
  expect(await titles(null)).toEqual(['12345: 芳星园路灯不亮', '楼下路灯坏了', '20号楼路灯不亮']);
});

test('only open work is merged, into another request that is handled and not itself a duplicate; a refusal writes nothing', async () => {
  const lamp = await submit('路灯不亮');
  const copy = await submit('路灯又不亮');
  expect((await merge(lamp, lamp)).errors).toEqual([
    { code: 'BAD_USER_INPUT', message: 'A request is not a duplicate of itself: "intoId" names the request it repeats.', field: 'intoId' },
  ]);
  expect((await merge(copy, lamp)).errors).toEqual([]);
  // A duplicate is closed: its handling is over.
  expect((await merge(copy, lamp)).errors).toEqual([
    {
      code: 'ILLEGAL_TRANSITION',
      message: 'Only open work is merged as a duplicate; this request is closed (its handling is over).',
      field: 'id',
    },
  ]);
  const third = await submit('路灯还是不亮');
  expect((await merge(third, copy)).errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message: '"路灯又不亮" is itself a duplicate: merge into the request it was merged into (its duplicateOf).',
      field: 'intoId',
    },
  ]);
  const rejected = await submit('不是路灯的事');
  await step(rejected, 'REJECTED');
  expect((await merge(third, rejected)).errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message: '"不是路灯的事" was rejected: a duplicate is merged into a request that is handled.',
      field: 'intoId',
    },
  ]);
  // Another community's request is not the same problem.
  const elsewhere = await submit('成仪路路灯不亮', 'other', residents[2]);
  expect((await merge(third, elsewhere)).errors).toEqual([expect.objectContaining({ code: 'OUT_OF_SCOPE' })]);
  const now = await read(third);
  expect(now).toEqual({
    status: 'SUBMITTED',
    duplicateOf: null,
    duplicates: { nodes: [] },
    timeline: { nodes: [{ action: 'created', note: null }] },
  });
  expect((await read(lamp)).timeline.nodes.map((n: { action: string }) => n.action)).toEqual(['created', 'duplicate']);
});

test("staff need request.manage at both; a request they cannot see answers like a made-up id; the duplicate's requester is not shown the other", async () => {
  const mine = await submit('楼道堆物', 'h');
  const theirs = await submit('楼道堆物挡路', 'h2', residents[1]);
  const elsewhere = await submit('成仪路楼道堆物', 'other', residents[2]);
  const staff = await apiKeyCaller(app, { name: '芳星园社区', placeIds: [place.c.uuid], permissions: ['request.manage'] });
  const unseen = await merge(theirs, elsewhere, null, { caller: staff });
  expect(unseen.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'intoId' })]);
  const reporter = await apiKeyCaller(app, { name: '报事', placeIds: [place.c.uuid], permissions: ['request.submit'] });
  expect(problemOf(await app.execute(MERGE, { id: theirs, into: mine }, { caller: reporter }))).toMatchObject({ code: 'FORBIDDEN' });
  expect((await merge(theirs, mine, '同一处堆物', { caller: staff })).errors).toEqual([]);
  // 苍爷爷 sees his own report closed as a duplicate, not 宋阿姨's.
  // He is told how the problem's handling goes, by its status only.
  const SEEN = `query($id: ID!) { request(id: $id) { status duplicateOf { id } duplicateOfStatus } }`;
  const seen = await app.run(SEEN, { id: theirs }, asPerson(residents[1]));
  expect(seen.request).toEqual({ status: 'CLOSED', duplicateOf: null, duplicateOfStatus: 'SUBMITTED' });
  for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) await step(mine, to);
  expect((await app.run(SEEN, { id: theirs }, asPerson(residents[1]))).request.duplicateOfStatus).toBe('RESOLVED');
  expect((await app.run(SEEN, { id: mine }, asPerson(residents[0]))).request.duplicateOfStatus).toBeNull();
  const hers = await app.run(`query($id: ID!) { request(id: $id) { duplicates { nodes { id } } } }`, { id: mine }, asPerson(residents[0]));
  expect(hers.request.duplicates.nodes).toEqual([]);
});

test('when the request handled for all is finished, each duplicate’s timeline says so, without its words; a rating adds nothing', async () => {
  const kept = await submit('3号楼电梯困人');
  const again = [await submit('电梯又坏了', 'h2', residents[1]), await submit('3号楼电梯停了', 'h')];
  for (const id of again) expect((await merge(id, kept)).errors).toEqual([]);
  for (const to of ['ACCEPTED', 'IN_PROGRESS']) await step(kept, to);
  const TIMELINE = `query($id: ID!) { request(id: $id) { timeline { nodes { action fromStatus toStatus note } } } }`;
  const last = async (id: string, as = residents[1]) => (await app.run(TIMELINE, { id }, asPerson(as))).request.timeline.nodes.at(-1);
  expect(await last(again[0])).toMatchObject({ action: 'merged' });
  const resolved = await app.run(
    `mutation($id: ID!) { changeRequestStatus(id: $id, to: RESOLVED, note: "已更换曳引机，宋阿姨家门口已清理") { errors { code } } }`,
    { id: kept },
  );
  expect(resolved.changeRequestStatus.errors).toEqual([]);
  const entry = { action: 'original-resolved', fromStatus: 'CLOSED', toStatus: 'CLOSED', note: null };
  expect(await last(again[0])).toEqual(entry);
  expect(await last(again[1], residents[0])).toEqual(entry);
  // The rating moves nothing: no second entry.
  const rated = await app.run(`mutation($id: ID!) { rateRequest(id: $id, rating: 5) { errors { code } } }`, { id: kept });
  expect(rated.rateRequest.errors).toEqual([]);
  const entries = (await app.run(TIMELINE, { id: again[0] }, asPerson(residents[1]))).request.timeline.nodes;
  expect(entries.filter((e: { action: string }) => e.action.startsWith('original-'))).toHaveLength(1);
});

test('when it is finished, an event for each duplicate says so, about the duplicate (a webhook tells its requester)', async () => {
  const kept = await submit('5号楼下水道堵塞');
  const again = [await submit('楼下污水外溢', 'h2', residents[1]), await submit('5号楼下水道又堵了', 'h')];
  for (const id of again) expect((await merge(id, kept)).errors).toEqual([]);
  const alone = await submit('6号楼路灯不亮');
  for (const id of [kept, alone]) for (const to of ['ACCEPTED', 'IN_PROGRESS']) await step(id, to);
  const events: GongzhiEvent[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
  try {
    for (const id of [alone, kept]) await step(id, 'RESOLVED');
    // After commit, from the outbox: the handler reads the duplicates in a transaction of its own.
    for (let waited = 0; events.filter((e) => e.name === 'request.original-finished').length < 2 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    stop();
  }
  const followed = events.filter((e) => e.name === 'request.original-finished').map((e) => e.payload);
  expect(followed).toEqual(
    again.map((id) =>
      expect.objectContaining({ requestId: uuidOf(id), status: 'closed', originalId: uuidOf(kept), originalStatus: 'resolved' }),
    ),
  );
});

test('a merge made by mistake is undone: the request is its own again, as it was, held by whoever held it', async () => {
  const lamp = await submit('东门路灯不亮');
  const bench = await submit('东门长椅坏了', 'h2', residents[1]);
  await step(bench, 'ACCEPTED');
  const claimed = await app.run(`mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { errors { code } } }`, {
    id: bench,
    p: residents[1].id,
  });
  expect(claimed.claimRequest.errors).toEqual([]);
  expect((await merge(bench, lamp)).errors).toEqual([]);
  const UNMERGE = `mutation($id: ID!, $why: String!) { unmergeDuplicateRequest(id: $id, reason: $why) {
    request { status assignee { name } duplicateOf { id } } errors { code message field } } }`;
  const unmerge = async (id: string, why: string) => (await app.run(UNMERGE, { id, why })).unmergeDuplicateRequest;
  expect((await unmerge(bench, ' ')).errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'reason' })]);
  expect((await unmerge(lamp, '不是同一件事')).errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message: 'This request is no duplicate: only a request merged into another (its duplicateOf) is unmerged.',
      field: 'id',
    },
  ]);
  const events: GongzhiEvent[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
  const undone = await unmerge(bench, '不是同一件事');
  stop();
  expect(undone).toEqual({ request: { status: 'CLAIMED', assignee: { name: '苍爷爷' }, duplicateOf: null }, errors: [] });
  expect(events.map((e) => [e.name, (e.payload as { requestId: string }).requestId])).toEqual([
    ['request.unmerged', uuidOf(bench)],
    ['request.updated', uuidOf(lamp)],
  ]);
  expect((await read(bench)).timeline.nodes.slice(-2)).toEqual([
    { action: 'merged', note: null },
    { action: 'unmerged', note: '不是同一件事' },
  ]);
  const original = await read(lamp);
  expect(original.duplicates.nodes).toEqual([]);
  expect(original.timeline.nodes.map((n: { action: string }) => n.action)).toEqual(['created', 'duplicate', 'duplicate-removed']);
  // Its own again: it may be merged anew, or go on as it was.
  await step(bench, 'IN_PROGRESS');
  expect((await read(bench)).status).toBe('IN_PROGRESS');
});

test('two requests merged into each other at once: one wins, the other is told, no cycle', async () => {
  for (let round = 0; round < 3; round++) {
    const a = await submit(`井盖丢了 ${round}`);
    const b = await submit(`井盖不见了 ${round}`, 'h2', residents[1]);
    const both = await Promise.all([merge(a, b), merge(b, a)]);
    expect(both.filter((r) => r.errors.length === 0)).toHaveLength(1);
    const [one, other] = [await read(a), await read(b)];
    expect([one.status, other.status].sort()).toEqual(['CLOSED', 'SUBMITTED']);
    expect([one.duplicateOf, other.duplicateOf].filter(Boolean)).toHaveLength(1);
  }
  const db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM request d JOIN request o ON o.id = d.duplicate_of_id WHERE o.duplicate_of_id IS NOT NULL',
    );
    expect(rows[0].n).toBe(0);
  } finally {
    await db.end();
  }
});

test("the hotline's rates count the request handled, not its duplicates", async () => {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const QUERY = `query($under: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { requestPerformance(under: $under, from: $from, to: $to) { total resolved } }`;
  const before = (await app.run(QUERY, { under: place.c2.id, from, to })).requestPerformance;
  const handled = await submit('成仪路井盖丢了', 'other', residents[2]);
  const dupes = [await submit('成仪路井盖丢了(2)', 'other', residents[2]), await submit('成仪路井盖丢了(3)', 'other', residents[2])];
  for (const id of dupes) expect((await merge(id, handled)).errors).toEqual([]);
  const after = (await app.run(QUERY, { under: place.c2.id, from, to })).requestPerformance;
  expect(after).toEqual({ total: before.total + 1, resolved: before.resolved });
});
