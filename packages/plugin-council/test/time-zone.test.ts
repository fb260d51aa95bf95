import { Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { createTestClock, uuidOf } from '@gongzhi/core/testing';
import { as, createWorld, oneSeatDecision, type World } from './world.js';

/**
 * Due days end at midnight where the district is: a platform told `timeZone: 'Europe/Berlin'`
 * counts an item overdue from Berlin's midnight (seven hours after Beijing's), in the field, the
 * list, the overdue round and the board card's `dueAt`. A council given a zone of its own counts
 * in that one.
 */
const clock = createTestClock('2026-11-23T12:00:00+01:00');
const worlds: World[] = [];
afterAll(() => Promise.all(worlds.map((w) => w.app.close())));

async function councilIn(options: Parameters<typeof createWorld>[1]): Promise<{ w: World; rep: Person; itemId: string }> {
  const w = await createWorld(clock.now, { ...options, boards: { pollIntervalMs: 0 } });
  worlds.push(w);
  const em = w.app.platform.orm.em.fork();
  const rep = em.create(Person, { name: '时区代表' });
  em.create(PersonRole, { person: rep, place: w.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
  const [itemId] = await oneSeatDecision(
    w,
    w.community,
    rep,
    [{ title: '更换楼道灯', dueOn: '2026-11-24', ownerPersonId: rep.id }],
    '时区议事会',
  );
  return { w, rep, itemId: itemId ?? '' };
}

const ITEM = `query($id: ID!) { node(id: $id) { ... on CouncilActionItem { overdue } } }`;
const OVERDUE = `query($p: ID!) { councilActionItems(under: $p, overdue: true, first: 10) { nodes { id } } }`;
const BOARD = `query($p: ID!) { taskBoard(placeId: $p, filter: { itemType: ["CouncilActionItem"] }) { cards { itemId dueAt overdue } } }`;

async function seen({ w, rep, itemId }: { w: World; rep: Person; itemId: string }) {
  const [item, list, board] = await Promise.all([
    w.app.run(ITEM, { id: itemId }, as(rep)),
    w.app.run(OVERDUE, { p: w.community.id }, as(rep)),
    w.app.run(BOARD, { p: w.community.id }),
  ]);
  const card = board.taskBoard.cards.find((c: { itemId: string }) => c.itemId === itemId);
  return { overdue: item.node.overdue, listed: list.councilActionItems.nodes.length === 1, dueAt: card?.dueAt, cardOverdue: card?.overdue };
}

test("an item is overdue from midnight in the platform's time zone, not Beijing's", async () => {
  clock.set('2026-11-23T12:00:00+01:00');
  const berlin = await councilIn({ timeZone: 'Europe/Berlin' });
  const round = () => berlin.w.app.platform.services.get('council').announceOverdueActionItems();

  // 23:30 in Berlin on the due day is 06:30 the next morning in Beijing: not overdue yet here.
  clock.set('2026-11-24T23:30:00+01:00');
  expect(await seen(berlin)).toEqual({ overdue: false, listed: false, dueAt: '2026-11-24T23:00:00.000Z', cardOverdue: false });
  expect(await round()).toEqual([]);

  clock.set('2026-11-25T00:01:00+01:00');
  expect(await seen(berlin)).toEqual({ overdue: true, listed: true, dueAt: '2026-11-24T23:00:00.000Z', cardOverdue: true });
  expect(await round()).toEqual([uuidOf(berlin.itemId)]);
});

test('a council given a time zone of its own counts its due days there', async () => {
  clock.set('2026-11-23T12:00:00+08:00');
  const shanghai = await councilIn({ timeZone: 'Europe/Berlin', pluginOptions: { council: { timeZone: 'Asia/Shanghai' } } });
  clock.set('2026-11-25T00:01:00+08:00');
  expect(await seen(shanghai)).toEqual({ overdue: true, listed: true, dueAt: '2026-11-24T16:00:00.000Z', cardOverdue: true });
});

test('a council time zone that is not one stops the start, saying what would be right', async () => {
  await expect(createWorld(clock.now, { pluginOptions: { council: { timeZone: 'Beijing' } } })).rejects.toThrow(
    'timeZone must be an IANA time zone such as "Asia/Shanghai"; got "Beijing"',
  );
});
