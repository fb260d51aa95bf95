import { defineBoardItems, Person, Place, PlaceType } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { bare } from './fixtures/plugins.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'watch.place-flagged': { placeId: string; placePath: string };
  }
}

/** A plugin whose board items are places it flags: it exercises the plugin board contract. */
const flagger = bare('watch', {
  boardItems: [
    defineBoardItems<Place>({
      type: 'Place',
      events: { 'watch.place-flagged': (p) => ({ id: p.placeId, placePath: p.placePath }) },
      load: (em, ids) => em.find(Place, { uuid: { $in: [...ids] } }),
      list: () => Promise.resolve([]),
      card: (p) => ({ id: p.uuid, placePath: p.path, title: p.name, status: 'flagged', open: true }),
    }),
  ],
});

let app: TestApp;
let district: Place;
let community: Place;
let other: Place;
let household: Place;
let resident: Person;
let workers: Person[];

function child(
  em: ReturnType<TestApp['platform']['orm']['em']['fork']>,
  parent: Place | null,
  type: PlaceType,
  code: string,
  name: string,
): Place {
  const place = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0 });
  place.path = `${parent?.path ?? '/'}${place.uuid}/`;
  return place;
}

beforeAll(async () => {
  // No safety poll: the statement counts below must see only the operation's own statements.
  app = await createTestApp({ plugins: [flagger], boards: { pollIntervalMs: 0 } });
  const em = app.platform.orm.em.fork();
  district = child(em, null, PlaceType.DISTRICT, 'FT', '丰台区');
  const sub = child(em, district, PlaceType.SUBDISTRICT, 'FZ', '方庄街道');
  community = child(em, sub, PlaceType.COMMUNITY, 'FCY', '芳城园社区');
  other = child(em, sub, PlaceType.COMMUNITY, 'FGY', '芳古园社区');
  household = child(em, community, PlaceType.HOUSEHOLD, 'FCY-1-101', '1号楼101');
  resident = em.create(Person, { name: '苍爷爷', household });
  workers = Array.from({ length: 3 }, (_, i) => em.create(Person, { name: `网格员${i + 1}` }));
  await em.flush();
});
afterAll(() => app?.close());

async function submit(place: Place, title: string, extra: Record<string, unknown> = {}): Promise<string> {
  const data = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { message } } }`,
    { input: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId: place.id, requesterId: resident.id, ...extra } },
  );
  expect(data.submitRequest.errors).toEqual([]);
  return data.submitRequest.request.id;
}

const CHANGE = `sequence refetch event itemType itemId inBoard card { title status open overdue dueSoon place { name } assignee { name } item { id ... on Request { status title } } }`;

/** Opens a board subscription (as graphql-ws would) and collects what arrives. */
function watch(placeId: string, after: number | null, filter?: Record<string, unknown>) {
  return app.subscribe(
    `subscription($p: ID!, $a: SafeInt, $f: TaskBoardFilter) { taskBoardChanges(placeId: $p, after: $a, filter: $f) { ${CHANGE} } }`,
    { p: placeId, a: after, f: filter },
  );
}

async function board(placeId: string, filter?: Record<string, unknown>) {
  return (
    await app.run(
      `query($p: ID!, $f: TaskBoardFilter) { taskBoard(placeId: $p, filter: $f) { sequence openCount overdueCount truncated place { name } cards { itemType title status open overdue assignee { name } item { id } } } }`,
      { p: placeId, f: filter },
    )
  ).taskBoard;
}

test('a board subscription gets each change once, in order, after commit, with the item as the query API shows it', async () => {
  const start = (await board(community.id)).sequence;
  const sub = await watch(community.id, start);
  try {
    const id = await submit(household, '楼道灯坏了');
    await app.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }`, { id });
    await app.run(`mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { errors { code } } }`, { id, p: workers[0].id });
    await submit(other, '隔壁社区的事'); // outside the board: never delivered
    const changes = await sub.take(3);
    expect(changes.map((c) => [c.sequence - start, c.event])).toEqual([
      [1, 'request.created'],
      [2, 'request.status-changed'],
      [3, 'request.claimed'],
    ]);
    // Each change carries the item as it is now, loaded after commit.
    expect(changes[2]).toMatchObject({
      refetch: false,
      itemType: 'Request',
      itemId: id,
      inBoard: true,
      card: {
        title: '楼道灯坏了',
        status: 'CLAIMED',
        open: true,
        place: { name: '1号楼101' },
        assignee: { name: '网格员1' },
        item: { id, status: 'CLAIMED' },
      },
    });
    const now = await board(community.id);
    expect(now.sequence).toBe(start + 4);
    expect(now.cards).toEqual([
      {
        itemType: 'Request',
        title: '楼道灯坏了',
        status: 'CLAIMED',
        open: true,
        overdue: false,
        assignee: { name: '网格员1' },
        item: { id },
      },
    ]);
  } finally {
    await sub.stop();
  }
});

test('a failed mutation delivers nothing: a rolled-back transaction takes no sequence number', async () => {
  const start = (await board(district.id)).sequence;
  const sub = await watch(district.id, start);
  try {
    const id = await submit(household, '垃圾桶满了');
    // Illegal move: the transaction rolls back, nothing is logged.
    const bad = await app.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: CLOSED) { errors { code } } }`, { id });
    expect(bad.changeRequestStatus.errors).toEqual([{ code: 'ILLEGAL_TRANSITION' }]);
    await app.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }`, { id });
    const changes = await sub.take(2);
    expect(changes.map((c) => [c.sequence - start, c.event])).toEqual([
      [1, 'request.created'],
      [2, 'request.status-changed'],
    ]);
  } finally {
    await sub.stop();
  }
});

test('concurrent mutations get gapless sequence numbers and reach the subscriber exactly once, in order', async () => {
  const start = (await board(district.id)).sequence;
  const sub = await watch(district.id, start);
  try {
    await Promise.all(Array.from({ length: 12 }, (_, i) => submit(i % 2 ? household : other, `并发诉求${i}`)));
    const changes = await sub.take(12);
    expect(changes.map((c) => c.sequence)).toEqual(Array.from({ length: 12 }, (_, i) => start + i + 1));
    expect(new Set(changes.map((c) => c.itemId)).size).toBe(12);
  } finally {
    await sub.stop();
  }
});

test('a subscriber that resumes from an older sequence gets what it missed first, then live changes', async () => {
  const start = (await board(community.id)).sequence;
  const a = await submit(household, '错过的第一件');
  const b = await submit(household, '错过的第二件');
  const sub = await watch(community.id, start);
  try {
    const c = await submit(household, '新的一件');
    const changes = await sub.take(3);
    expect(changes.map((x) => x.itemId)).toEqual([a, b, c]);
    expect(changes.map((x) => x.sequence)).toEqual([start + 1, start + 2, start + 3]);
  } finally {
    await sub.stop();
  }
});

test('a gap older than the log gets one refetch signal, then live changes', async () => {
  const old = (await board(community.id)).sequence;
  await submit(household, '很久以前的事');
  // Prune everything logged so far (retention 0 as of a moment in the future).
  await app.platform.boards.prune(new Date(Date.now() + 7 * 24 * 3600_000 + 60_000));
  const sub = await watch(community.id, old);
  try {
    const id = await submit(household, '修剪之后的事');
    const [signal, live] = await sub.take(2);
    expect(signal).toMatchObject({ refetch: true, card: null, event: null });
    expect(signal.sequence).toBe(old + 1);
    expect(live).toMatchObject({ refetch: false, itemId: id, sequence: old + 2 });
  } finally {
    await sub.stop();
  }
});

test('a sequence number the database never handed out gets a refetch signal', async () => {
  const now = (await board(community.id)).sequence;
  const sub = await watch(community.id, now + 1000);
  try {
    const id = await submit(household, '序号之后的事');
    const [signal, live] = await sub.take(2);
    expect(signal).toMatchObject({ refetch: true, sequence: now, card: null });
    expect(live).toMatchObject({ refetch: false, itemId: id, sequence: now + 1 });
  } finally {
    await sub.stop();
  }
});

test('filters: assignee and level decide inBoard; kind and item type narrow the board', async () => {
  const start = (await board(community.id)).sequence;
  const mine = await watch(community.id, start, { assigneeId: workers[1].id });
  try {
    // Each change is taken before the next mutation: the item is loaded as it is at delivery.
    const id = await submit(household, '给网格员2的活');
    const changes = await mine.take(1);
    await app.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }`, { id });
    changes.push(...(await mine.take(1)));
    await app.run(`mutation($id: ID!, $p: ID!) { assignRequest(id: $id, assigneeId: $p) { errors { code } } }`, { id, p: workers[1].id });
    changes.push(...(await mine.take(1)));
    await app.run(`mutation($id: ID!) { escalateRequest(id: $id, reason: "需要社区协调") { errors { code } } }`, { id });
    changes.push(...(await mine.take(1)));
    // Not hers until assigned; escalation unassigns it, so it leaves her board.
    expect(changes.map((c) => [c.event, c.inBoard])).toEqual([
      ['request.created', false],
      ['request.status-changed', false],
      ['request.assigned', true],
      ['request.escalated', false],
    ]);
  } finally {
    await mine.stop();
  }
  const byLevel = await board(community.id, { level: ['COMMUNITY'] });
  expect(byLevel.cards.map((c: { title: string }) => c.title)).toEqual(['给网格员2的活']);
  expect((await board(community.id, { kind: ['COMPLAINT'] })).cards).toEqual([]);
  const unknown = await app.execute(`query($p: ID!) { taskBoard(placeId: $p, filter: { itemType: ["Wish"] }) { sequence } }`, {
    p: community.id,
  });
  expect(unknown.errors?.[0]?.message).toBe('"filter.itemType" names Wish, which no board shows; board item types here: Request, Place.');
  expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.itemType' });
});

test('a plugin publishes its own board items through boardItems', async () => {
  const start = (await board(district.id)).sequence;
  const sub = await watch(district.id, start, { itemType: ['Place'] });
  try {
    await submit(household, '不是地点的事'); // a Request: filtered out by item type
    await app.platform.events.emit('watch.place-flagged', { placeId: other.uuid, placePath: other.path });
    const [change] = await sub.take(1);
    expect(change).toMatchObject({
      sequence: start + 2,
      event: 'watch.place-flagged',
      itemType: 'Place',
      itemId: other.id,
      card: { title: '芳古园社区', status: 'FLAGGED', item: { id: other.id } },
    });
  } finally {
    await sub.stop();
  }
});

test('open work due within the reminder window is due soon (即将超期), on the board and in its live changes; overdue work is not', async () => {
  const place = child(app.platform.orm.em.fork(), community, PlaceType.COMPOUND, 'FCY-DUE', '芳城园一区');
  await app.platform.orm.em.fork().persist(place).flush();
  const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  const soon = await submit(place, '楼道灯维修两小时内到期', { dueAt: inHours(2) });
  await submit(place, '下周到期的墙面修补', { dueAt: inHours(48) });
  await submit(place, '已超期的管道疏通', { dueAt: inHours(-1) });
  await submit(place, '没有期限的心愿');
  const { taskBoard } = await app.run(
    'query($p: ID!) { taskBoard(placeId: $p) { dueSoonHours dueSoonCount overdueCount cards { itemId title dueSoon overdue } } }',
    { p: place.id },
  );
  expect(taskBoard.dueSoonHours).toBe(24);
  expect(taskBoard.cards.filter((c: { dueSoon: boolean }) => c.dueSoon).map((c: { itemId: string }) => c.itemId)).toEqual([soon]);
  expect([taskBoard.dueSoonCount, taskBoard.overdueCount]).toEqual([1, 1]);
  // A change on the board carries it too, and a finished item is due soon no more.
  const sub = await watch(place.id, null);
  try {
    const moved = async (to: string) => {
      await app.run('mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { errors { code } } }', {
        id: soon,
        to,
      });
      const [change] = await sub.take(1);
      return [change.card.open, change.card.dueSoon];
    };
    expect(await moved('ACCEPTED')).toEqual([true, true]);
    expect(await moved('REJECTED')).toEqual([false, false]);
  } finally {
    await sub.stop();
  }
});

test('bad board arguments get typed errors', async () => {
  const missing = await app.execute(`{ taskBoard(placeId: "UGxhY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") { sequence } }`);
  expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'placeId' });
  const sub = await watch(community.id, -3);
  expect(sub.errors?.[0]?.message).toBe('"after" must be a board sequence number (a whole number, 0 or more), got -3.');
});

test('the board query costs the same number of SQL statements for 1 card as for 5', async () => {
  const em = app.platform.orm.em.fork();
  const one = child(em, district, PlaceType.COMMUNITY, 'N1', '一号社区');
  const five = child(em, district, PlaceType.COMMUNITY, 'N5', '五号社区');
  await em.flush();
  await submit(one, '一件');
  for (let i = 0; i < 5; i++) await submit(five, `五件之${i}`);
  await new Promise((r) => setTimeout(r, 200)); // let the board hub read what these logged
  const q = `query($p: ID!) { taskBoard(placeId: $p) { cards { title place { name } assignee { name } item { id } } } }`;
  const cost1 = await app.countStatements(() => app.run(q, { p: one.id }));
  const cost5 = await app.countStatements(() => app.run(q, { p: five.id }));
  expect(cost5).toBe(cost1);
});

test('the canWatch hook keeps a caller to the boards of its places, for the query and the subscription alike', async () => {
  // Stands in for place-scoped authorization: callers may watch one community and below only.
  let allowed = '/nothing/';
  const scoped = await createTestApp({ boards: { canWatch: (_ctx, placePath) => placePath.startsWith(allowed) } });
  try {
    const em = scoped.platform.orm.em.fork();
    const root = child(em, null, PlaceType.DISTRICT, 'X', '某区');
    const inside = child(em, root, PlaceType.COMMUNITY, 'XC', '某社区');
    await em.flush();
    allowed = inside.path;
    const query = `query($p: ID!) { taskBoard(placeId: $p) { sequence } }`;
    expect((await scoped.execute(query, { p: inside.id })).errors).toBeUndefined();
    const denied = await scoped.execute(query, { p: root.id });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'placeId' });
    const refused = await scoped.subscribe(`subscription($p: ID!) { taskBoardChanges(placeId: $p) { sequence } }`, { p: root.id });
    expect(refused.errors?.[0]?.message).toBe('You may not watch the board of this place; pick a place within your scope.');
  } finally {
    await scoped.close();
  }
});
