import { type Caller, Person, PersonRole, PersonRoleKind, Place, PlaceType, SYSTEM_CALLER } from '@gongzhi/core';
import { backfillActionItemPlacePath } from '../src/migrations/0002_action_item_place_path.js';
import { type ActionItemDraft, act, as, createWorld, oneSeatDecision, Q, type World } from './world.js';

let w: World;
/** 2026-11-23 16:00 in Beijing. */
const now = new Date('2026-11-23T08:00:00Z');

beforeAll(async () => {
  // No safety poll: the statement counts below must see only the operation's own statements.
  w = await createWorld(() => now, { boards: { pollIntervalMs: 0 } });
});
afterAll(() => w?.app.close());

const CARD =
  'itemType itemId title status open overdue dueAt place { name } assignee { name } item { id ... on CouncilActionItem { status dueOn } }';
const BOARD = `query($p: ID!, $f: TaskBoardFilter) { taskBoard(placeId: $p, filter: $f) { sequence openCount overdueCount cards { ${CARD} } } }`;

/** Opens a board subscription (as graphql-ws would) and collects what arrives. */
function watch(placeId: string, after: number | null, caller: Caller | null = SYSTEM_CALLER) {
  return w.app.subscribe(
    `subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence event itemType itemId inBoard card { ${CARD} } } }`,
    { p: placeId, a: after },
    { caller },
  );
}

let n = 0;

/** A new community beside the world's, with a resident representative who may act there. */
async function newCommunity(name: string): Promise<{ community: Place; rep: Person }> {
  const em = w.app.platform.orm.em.fork();
  const parent = w.community.parent!;
  const community = em.create(Place, { type: PlaceType.COMMUNITY, code: `B-${++n}`, name, parent, path: '', depth: w.community.depth });
  community.path = `${parent.path}${community.uuid}/`;
  const rep = em.create(Person, { name: `${name}代表` });
  em.create(PersonRole, { person: rep, place: community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
  return { community, rep };
}

const decide = (community: Place, rep: Person, items: ActionItemDraft[]) => oneSeatDecision(w, community, rep, items, `议事会${++n}`);

test('a community board follows action items: a decision adds each, updates move them, in order, with the card', async () => {
  const { community, rep } = await newCommunity('芳群园社区');
  const start = (await w.app.run(BOARD, { p: community.id })).taskBoard.sequence;
  const sub = await watch(community.id, start);
  try {
    const [a, b] = await decide(community, rep, [
      { title: '更换楼道灯', dueOn: '2026-12-01', ownerPersonId: rep.id },
      { title: '清理楼顶杂物', dueOn: '2026-12-05', ownerPersonId: rep.id },
    ]);
    const [made1, made2] = await sub.take(2);
    expect([made1, made2].map((c) => [c.sequence - start, c.event, c.itemType, c.itemId, c.inBoard])).toEqual([
      [1, 'council.decision-made', 'CouncilActionItem', a, true],
      [2, 'council.decision-made', 'CouncilActionItem', b, true],
    ]);
    expect(made1.card).toEqual({
      itemType: 'CouncilActionItem',
      itemId: a,
      title: '更换楼道灯',
      status: 'TODO',
      open: true,
      overdue: false,
      dueAt: '2026-12-01T16:00:00.000Z', // the end of 1 December in Beijing
      place: { name: '芳群园社区' },
      assignee: { name: '芳群园社区代表' },
      item: { id: a, status: 'TODO', dueOn: '2026-12-01' },
    });
    await act(w.app, Q.updateItem, { id: a, s: 'IN_PROGRESS' }, as(rep));
    const [moved] = await sub.take(1);
    expect(moved).toMatchObject({
      sequence: start + 3,
      event: 'council.action-item-updated',
      itemId: a,
      card: { status: 'IN_PROGRESS', open: true },
    });
    await act(w.app, Q.updateItem, { id: a, s: 'DONE' }, as(rep));
    const [done] = await sub.take(1);
    expect(done).toMatchObject({
      sequence: start + 4,
      event: 'council.action-item-updated',
      itemId: a,
      card: { status: 'DONE', open: false, item: { status: 'DONE' } },
    });
  } finally {
    await sub.stop();
  }
});

test('taskBoard lists action items under the place; the itemType filter leaves requests out; past their day they are overdue', async () => {
  const { community, rep } = await newCommunity('芳城东里社区');
  await w.app.run('mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }', {
    input: { kind: 'NEED', channel: 'PHONE', title: '一件诉求', description: '', placeId: community.id, requesterId: rep.id },
  });
  const [late, today] = await decide(community, rep, [
    { title: '昨天到期的事', dueOn: '2026-11-22', ownerPersonId: rep.id },
    { title: '今天到期的事', dueOn: '2026-11-23', ownerPersonId: rep.id },
  ]);
  const all = (await w.app.run(BOARD, { p: community.id })).taskBoard;
  expect(all.cards.map((c: { itemType: string }) => c.itemType).sort()).toEqual(['CouncilActionItem', 'CouncilActionItem', 'Request']);
  const board = (await w.app.run(BOARD, { p: community.id, f: { itemType: ['CouncilActionItem'] } })).taskBoard;
  expect(board).toMatchObject({ openCount: 2, overdueCount: 1 });
  expect(board.cards.map((c: any) => [c.itemId, c.status, c.overdue, c.assignee.name]).sort()).toEqual(
    [
      [late, 'TODO', true, '芳城东里社区代表'],
      [today, 'TODO', false, '芳城东里社区代表'],
    ].sort(),
  );
  // A finished item stays on the board, closed.
  await act(w.app, Q.updateItem, { id: late, s: 'DONE' }, as(rep));
  const after = (await w.app.run(BOARD, { p: community.id, f: { itemType: ['CouncilActionItem'] } })).taskBoard;
  expect(after).toMatchObject({ openCount: 1, overdueCount: 0 });
  expect(after.cards.find((c: { itemId: string }) => c.itemId === late)).toMatchObject({ status: 'DONE', open: false, overdue: false });
});

test('the board query costs the same number of SQL statements for 1 action item as for 5', async () => {
  const one = await newCommunity('一号社区');
  const five = await newCommunity('五号社区');
  await decide(one.community, one.rep, [{ title: '一件', dueOn: '2026-12-01', ownerPersonId: one.rep.id }]);
  await decide(
    five.community,
    five.rep,
    Array.from({ length: 5 }, (_, i) => ({ title: `五件之${i}`, dueOn: '2026-12-01', ownerPersonId: five.rep.id })),
  );
  const q = `query($p: ID!) { taskBoard(placeId: $p, filter: { itemType: ["CouncilActionItem"] }) { cards { ${CARD} } } }`;
  expect((await w.app.run(q, { p: five.community.id })).taskBoard.cards).toHaveLength(5);
  const cost1 = await w.app.countStatements(() => w.app.run(q, { p: one.community.id }));
  const cost5 = await w.app.countStatements(() => w.app.run(q, { p: five.community.id }));
  expect(cost5).toBe(cost1);
});

test("a volunteer of another community cannot watch this community's board", async () => {
  const { community } = await newCommunity('别的社区');
  const em = w.app.platform.orm.em.fork();
  const volunteer = em.create(Person, { name: '别的社区志愿者' });
  em.create(PersonRole, { person: volunteer, place: community, role: PersonRoleKind.VOLUNTEER, startsOn: '2020-01-01' });
  await em.flush();
  const caller = { id: volunteer.uuid, kind: 'person' as const };
  const query = await w.app.execute(BOARD, { p: w.community.id }, { caller });
  expect(query.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'placeId' });
  const sub = await watch(w.community.id, null, caller);
  expect(sub.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'placeId' });
  // Their own community's board they may watch.
  expect((await w.app.execute(BOARD, { p: community.id }, { caller })).errors).toBeUndefined();
});

test("migration 0002 fills in each existing action item's community path", async () => {
  const { community, rep } = await newCommunity('迁移社区');
  const [id] = await decide(community, rep, [{ title: '迁移前的分工', dueOn: '2026-12-01', ownerPersonId: rep.id }]);
  const uuid = Buffer.from(id, 'base64url').toString('utf8').split(':')[1];
  const conn = w.app.platform.orm.em.fork().getConnection();
  await conn.execute(`UPDATE council.action_item SET place_path = '' WHERE id = ?`, [uuid]);
  await conn.execute(backfillActionItemPlacePath);
  const [row] = await conn.execute<{ place_path: string }[]>('SELECT place_path FROM council.action_item WHERE id = ?', [uuid]);
  expect(row.place_path).toBe(community.path);
});
