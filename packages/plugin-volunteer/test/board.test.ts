import { type Caller, Person, PersonRole, PersonRoleKind, Place, PlaceType, SYSTEM_CALLER } from '@gongzhi/core';
import { as, codeOf, createWorld, succeed, type World } from './fixtures.js';

let w: World;

beforeAll(async () => {
  // No safety poll: the statement counts below must see only the operation's own statements.
  w = await createWorld({ boards: { pollIntervalMs: 0 } });
});
afterAll(() => w?.app.close());

const CARD =
  'itemType itemId title status open overdue kind place { name } assignee { name } item { id ... on VolunteerTask { status claimedBy { name } } }';

/** Opens a board subscription (as graphql-ws would) and collects what arrives. */
function watch(placeId: string, after: number | null, caller: Caller | null = SYSTEM_CALLER) {
  return w.app.subscribe(
    `subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence event itemType itemId inBoard card { ${CARD} } } }`,
    { p: placeId, a: after },
    { caller },
  );
}

const BOARD = `query($p: ID!, $f: TaskBoardFilter) { taskBoard(placeId: $p, filter: $f) { sequence openCount cards { ${CARD} } } }`;

async function createTask(place: Place, title: string, by = w.people['王小丽']): Promise<string> {
  const data = await succeed(
    w.app,
    'mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { id } errors { code message } } }',
    { input: { kind: 'GROCERIES', title, placeId: place.id } },
    as(by),
  );
  return data.createVolunteerTask.task.id;
}

const claim = (id: string, person: Person) =>
  succeed(w.app, 'mutation($id: ID!) { claimVolunteerTask(taskId: $id) { task { id } errors { code message } } }', { id }, as(person));

test('a community board follows a volunteer task: created, claimed, done, in order, each with its card', async () => {
  const p = w.people;
  const start = (await w.app.run(BOARD, { p: w.community.id })).taskBoard.sequence;
  const sub = await watch(w.community.id, start);
  try {
    const id = await createTask(w.households[0], '帮独居老人买菜');
    await claim(id, p['居民1']);
    await createTask(w.otherCommunity, '隔壁社区的任务'); // outside the board: never delivered
    await succeed(
      w.app,
      'mutation($id: ID!) { completeVolunteerTask(taskId: $id, report: "菜已送到") { task { id } errors { code message } } }',
      { id },
      as(p['居民1']),
    );
    const changes = await sub.take(3);
    expect(changes.map((c) => [c.sequence - start, c.event, c.itemId])).toEqual([
      [1, 'volunteer.task-created', id],
      [2, 'volunteer.task-claimed', id],
      [4, 'volunteer.task-done', id],
    ]);
    // Each change carries the task as it is at delivery; they were taken after all three commits.
    expect(changes.every((c) => c.itemType === 'VolunteerTask' && c.inBoard)).toBe(true);
    expect(changes[2].card).toEqual({
      itemType: 'VolunteerTask',
      itemId: id,
      title: '帮独居老人买菜',
      status: 'DONE',
      open: false,
      overdue: false,
      kind: 'GROCERIES',
      place: { name: '101' },
      assignee: { name: '居民1' },
      item: { id, status: 'DONE', claimedBy: { name: '居民1' } },
    });
  } finally {
    await sub.stop();
  }
});

test('a change delivered before the next one shows each step: open, then claimed with its assignee', async () => {
  const start = (await w.app.run(BOARD, { p: w.community.id })).taskBoard.sequence;
  const sub = await watch(w.community.id, start);
  try {
    const id = await createTask(w.households[1], '帮忙倒垃圾');
    const [created] = await sub.take(1);
    expect(created.card).toMatchObject({ status: 'OPEN', open: true, assignee: null, item: { id, status: 'OPEN' } });
    await claim(id, w.people['居民2']);
    const [claimed] = await sub.take(1);
    expect(claimed.card).toMatchObject({ status: 'CLAIMED', open: true, assignee: { name: '居民2' }, item: { id, status: 'CLAIMED' } });
  } finally {
    await sub.stop();
  }
});

test('taskBoard lists volunteer tasks under the place; the itemType filter leaves requests out', async () => {
  const em = w.app.platform.orm.em.fork();
  const community = em.create(Place, {
    type: PlaceType.COMMUNITY,
    code: 'LIST',
    name: '列表社区',
    parent: w.subdistrict,
    path: '',
    depth: w.subdistrict.depth + 1,
  });
  community.path = `${w.subdistrict.path}${community.uuid}/`;
  await em.flush();
  await w.app.run('mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } } }', {
    input: { kind: 'NEED', channel: 'PHONE', title: '一件诉求', description: '', placeId: community.id, requesterId: w.people['居民3'].id },
  });
  const open = await createTask(community, '待认领的任务');
  const claimed = await createTask(community, '已认领的任务');
  await claim(claimed, w.people['居民3']);

  const all = (await w.app.run(BOARD, { p: community.id })).taskBoard;
  expect(all.cards.map((c: { itemType: string }) => c.itemType).sort()).toEqual(['Request', 'VolunteerTask', 'VolunteerTask']);
  const tasks = (await w.app.run(BOARD, { p: community.id, f: { itemType: ['VolunteerTask'] } })).taskBoard;
  expect(tasks.openCount).toBe(2);
  expect(tasks.cards.map((c: any) => [c.itemId, c.title, c.status, c.assignee?.name ?? null, c.place.name]).sort()).toEqual(
    [
      [open, '待认领的任务', 'OPEN', null, '列表社区'],
      [claimed, '已认领的任务', 'CLAIMED', '居民3', '列表社区'],
    ].sort(),
  );
  // The board filters work on tasks too: kind and assignee.
  expect(
    (await w.app.run(BOARD, { p: community.id, f: { itemType: ['VolunteerTask'], assigneeId: w.people['居民3'].id } })).taskBoard.cards.map(
      (c: any) => c.itemId,
    ),
  ).toEqual([claimed]);
  expect((await w.app.run(BOARD, { p: community.id, f: { itemType: ['VolunteerTask'], kind: ['escort'] } })).taskBoard.cards).toEqual([]);
});

test('the board query costs the same number of SQL statements for 1 task as for 5', async () => {
  const em = w.app.platform.orm.em.fork();
  const make = (code: string, name: string) => {
    const place = em.create(Place, {
      type: PlaceType.COMMUNITY,
      code,
      name,
      parent: w.subdistrict,
      path: '',
      depth: w.subdistrict.depth + 1,
    });
    place.path = `${w.subdistrict.path}${place.uuid}/`;
    return place;
  };
  const one = make('T1', '一号社区');
  const five = make('T5', '五号社区');
  await em.flush();
  await claim(await createTask(one, '一件'), w.people['居民1']);
  for (let i = 0; i < 5; i++) await claim(await createTask(five, `五件之${i}`), w.people[`居民${i + 1}`]);
  const q = `query($p: ID!) { taskBoard(placeId: $p, filter: { itemType: ["VolunteerTask"] }) { cards { ${CARD} } } }`;
  expect((await w.app.run(q, { p: five.id })).taskBoard.cards).toHaveLength(5);
  const cost1 = await w.app.countStatements(() => w.app.run(q, { p: one.id }));
  const cost5 = await w.app.countStatements(() => w.app.run(q, { p: five.id }));
  expect(cost5).toBe(cost1);
});

test("a volunteer of another community cannot watch this community's board, only their own", async () => {
  const em = w.app.platform.orm.em.fork();
  const outsider = em.create(Person, { name: '成仪路志愿者' });
  em.create(PersonRole, { person: outsider, place: w.otherCommunity, role: PersonRoleKind.VOLUNTEER, startsOn: '2020-01-01' });
  await em.flush();
  const caller = { id: outsider.uuid, kind: 'person' as const };

  const query = await w.app.execute(BOARD, { p: w.community.id }, { caller });
  expect(codeOf(query)).toBe('NOT_FOUND');
  const sub = await watch(w.community.id, null, caller);
  expect(sub.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'placeId' });

  // Their own community's board they may watch, and it shows its tasks.
  const own = await createTask(w.otherCommunity, '成仪路的任务');
  const mine = await w.app.execute(BOARD, { p: w.otherCommunity.id, f: { itemType: ['VolunteerTask'] } }, { caller });
  expect(mine.errors).toBeUndefined();
  expect((mine.data as any).taskBoard.cards.map((c: { itemId: string }) => c.itemId)).toContain(own);
});
