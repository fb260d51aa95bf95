import { type EventPayload, Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { createTestClock, uuidOf } from '@gongzhi/core/testing';
import { markOverdueAtUpgrade } from '../src/migrations/0005_action_item_overdue.js';
import { act, as, createWorld, oneSeatDecision, Q, type World } from './world.js';

/**
 * An action item still unfinished when its due day (Beijing time) has ended is overdue: the
 * field says so at once, the list can ask for them, and the plugin's overdue round announces each
 * such item once (`council.action-item-overdue`), however many processes run it.
 */
let w: World;
let rep: Person;
const clock = createTestClock('2026-11-23T16:00:00+08:00');
const announced: EventPayload<'council.action-item-overdue'>[] = [];
let n = 0;

beforeAll(async () => {
  // The round off: each test runs it when it means to (the last one lets the plugin schedule it).
  w = await createWorld(clock.now, { pluginOptions: { council: { overdueCheckIntervalMs: 0 } } });
  const em = w.app.platform.orm.em.fork();
  rep = em.create(Person, { name: '逾期代表' });
  em.create(PersonRole, { person: rep, place: w.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
  w.app.platform.events.on('council.action-item-overdue', (e) => void announced.push(e.payload));
});
afterAll(() => w?.app.close());

const ITEM = `query($id: ID!) { node(id: $id) { ... on CouncilActionItem { title status dueOn overdue overdueAt } } }`;
const item = async (id: string) => (await w.app.run(ITEM, { id }, as(rep))).node;
const overdueList = async (overdue: boolean) =>
  (
    await w.app.run(
      `query($p: ID!, $o: Boolean) { councilActionItems(under: $p, overdue: $o, first: 100) { nodes { id } } }`,
      { p: w.community.id, o: overdue },
      as(rep),
    )
  ).councilActionItems.nodes.map((i: { id: string }) => i.id);
const round = () => w.app.platform.services.get('council').announceOverdueActionItems();
const settle = async (count: number) => {
  for (let i = 0; i < 100 && announced.length < count; i++) await new Promise((r) => setTimeout(r, 20));
};

test('overdue from the end of the due day in Beijing; the round announces each unfinished item once, with its owner', async () => {
  clock.set('2026-11-23T16:00:00+08:00');
  const [lamp, roof, door] = await oneSeatDecision(
    w,
    w.community,
    rep,
    [
      { title: '更换楼道灯', dueOn: '2026-11-24', ownerPersonId: rep.id },
      { title: '清理楼顶杂物', dueOn: '2026-11-24', ownerPersonId: rep.id },
      { title: '修单元门', dueOn: '2026-11-30', ownerPersonId: rep.id },
    ],
    `逾期议事会${++n}`,
  );
  expect(await round()).toEqual([]);
  expect(await item(lamp)).toMatchObject({ overdue: false, overdueAt: null });

  // 23:59 on the due day: not yet. Midnight: overdue, and the roof is done just in time.
  clock.set('2026-11-24T23:59:00+08:00');
  expect(await round()).toEqual([]);
  await act(w.app, Q.updateItem, { id: roof, s: 'DONE' }, as(rep));
  clock.set('2026-11-25T00:00:00+08:00');
  expect(await item(lamp)).toMatchObject({ overdue: true, overdueAt: null });
  expect(await item(roof)).toMatchObject({ status: 'DONE', overdue: false });
  expect(await overdueList(true)).toEqual([lamp]);
  expect(await overdueList(false)).toEqual(expect.arrayContaining([roof, door]));
  expect(await overdueList(false)).not.toContain(lamp);

  // Two rounds at once (two processes): the lamp is announced once.
  const before = announced.length;
  const [a, b] = await Promise.all([round(), round()]);
  expect([...a, ...b]).toEqual([uuidOf(lamp)]);
  await settle(before + 1);
  expect(announced.slice(before)).toEqual([
    expect.objectContaining({
      actionItemId: uuidOf(lamp),
      dueOn: '2026-11-24',
      status: 'todo',
      ownerPersonId: rep.uuid,
      ownerOrganizationId: null,
      placePath: w.community.path,
    }),
  ]);
  expect(await item(lamp)).toMatchObject({ overdue: true, overdueAt: '2026-11-24T16:00:00.000Z' });

  // Finished late: no longer overdue, still marked as announced, never announced again.
  await act(w.app, Q.updateItem, { id: lamp, s: 'DONE' }, as(rep));
  expect(await item(lamp)).toMatchObject({ overdue: false, overdueAt: '2026-11-24T16:00:00.000Z' });
  clock.set('2026-12-02T09:00:00+08:00');
  expect(await round()).toEqual([uuidOf(door)]);
  expect(await round()).toEqual([]);

  // The audit log names the round as the writer.
  const audit = await w.app.run(
    `{ auditLog(filter: { action: "council.announceOverdueActionItem" }) { nodes { actorName changes { field } } } }`,
  );
  expect(audit.auditLog.nodes).toEqual([
    { actorName: 'system: council.overdue-action-items', changes: [{ field: 'overdueAt' }] },
    { actorName: 'system: council.overdue-action-items', changes: [{ field: 'overdueAt' }] },
  ]);
});

test('a live board of the community sees the card turn overdue when the round announces it', async () => {
  clock.set('2026-11-26T10:00:00+08:00');
  const [id] = await oneSeatDecision(
    w,
    w.community,
    rep,
    [{ title: '清运建筑垃圾', dueOn: '2026-11-26', ownerPersonId: rep.id }],
    `逾期议事会${++n}`,
  );
  const BOARD = `query($p: ID!) { taskBoard(placeId: $p) { sequence } }`;
  const start = (await w.app.run(BOARD, { p: w.community.id })).taskBoard.sequence;
  const sub = await w.app.subscribe(
    `subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { event itemId card { open overdue } } }`,
    { p: w.community.id, a: start },
  );
  try {
    clock.set('2026-11-27T00:00:30+08:00');
    expect(await round()).toEqual([uuidOf(id)]);
    expect(await sub.take(1)).toEqual([{ event: 'council.action-item-overdue', itemId: id, card: { open: true, overdue: true } }]);
  } finally {
    await sub.stop();
  }
});

test('items already overdue when the plugin is upgraded are marked found then, and not announced', async () => {
  clock.set('2026-11-20T10:00:00+08:00');
  const [old] = await oneSeatDecision(
    w,
    w.community,
    rep,
    [{ title: '修补围墙', dueOn: '2026-11-21', ownerPersonId: rep.id }],
    `逾期议事会${++n}`,
  );
  // Migration 0005's backfill, as it runs at the upgrade (the database's clock: past the due day).
  await w.app.platform.orm.em.fork().getConnection().execute(markOverdueAtUpgrade);
  expect((await item(old)).overdueAt).not.toBeNull();
  clock.set('2026-11-28T10:00:00+08:00');
  expect(await round()).not.toContain(uuidOf(old));
});

test('the plugin runs the round on its interval', async () => {
  const app = await createWorld(clock.now, { pluginOptions: { council: { overdueCheckIntervalMs: 30 } } });
  try {
    clock.set('2026-11-23T16:00:00+08:00');
    const em = app.app.platform.orm.em.fork();
    const owner = em.create(Person, { name: '定时代表' });
    em.create(PersonRole, { person: owner, place: app.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
    await em.flush();
    const [id] = await oneSeatDecision(
      app,
      app.community,
      owner,
      [{ title: '补种绿植', dueOn: '2026-11-23', ownerPersonId: owner.id }],
      '定时议事会',
    );
    clock.set('2026-11-24T08:00:00+08:00');
    let overdueAt: string | null = null;
    for (let i = 0; i < 100 && !overdueAt; i++) {
      await new Promise((r) => setTimeout(r, 20));
      overdueAt = (await app.app.run(ITEM, { id }, as(owner))).node.overdueAt;
    }
    expect(overdueAt).toBe('2026-11-24T00:00:00.000Z');
    expect(app.app.platform.scheduledTasks).toContainEqual(
      expect.objectContaining({ task: 'council.overdue-action-items', intervalMs: 30 }),
    );
  } finally {
    await app.app.close();
  }
});

test('an interval that is not a whole number of milliseconds stops the start', async () => {
  await expect(createWorld(clock.now, { pluginOptions: { council: { overdueCheckIntervalMs: -1 } } })).rejects.toThrow(
    /overdueCheckIntervalMs must be a whole number of milliseconds, 0 to turn the overdue round off; got -1/,
  );
});
