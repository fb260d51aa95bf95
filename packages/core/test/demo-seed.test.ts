import { toGlobalId } from '@gongzhi/core';
import { asPerson, createTestApp, type TestApp } from '@gongzhi/core/testing';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app?.close());

async function counts() {
  const conn = app.platform.orm.em.fork().getConnection();
  const [row] = await conn.execute<{ places: string; people: string; requests: string; wishes_done: string; wishes: string }[]>(`
    SELECT (SELECT count(*) FROM place) AS places, (SELECT count(*) FROM person) AS people,
           (SELECT count(*) FROM request) AS requests,
           (SELECT count(*) FROM request WHERE kind = 'wish') AS wishes,
           (SELECT count(*) FROM request WHERE kind = 'wish' AND status = 'closed') AS wishes_done`);
  return row;
}

test('the demo district loads the stories, and loading it twice adds nothing', async () => {
  const first = await counts();
  expect(Number(first.wishes)).toBe(56);
  expect(Number(first.wishes_done)).toBe(36);
  await app.platform.seed();
  expect(await counts()).toEqual(first);

  const { requests } = await app.run(
    '{ requests(filter: { text: "断网" }) { edges { node { title channel status rating requester { name } } } } }',
  );
  expect(requests.edges).toEqual([
    {
      node: {
        title: '独居老人家中断网，无法线上买菜',
        channel: 'HOTLINE_12345',
        status: 'CLOSED',
        rating: 5,
        requester: { name: '苍爷爷' },
      },
    },
  ]);
  const praise = await app.run('{ requests(filter: { kind: [PRAISE] }) { edges { node { title praisedPerson { name } } } } }');
  expect(praise.requests.edges[0].node.praisedPerson).toEqual({ name: '刘社工' });
});

test('building 20 of Fangxingyuan zone 3 holds 279 residents', async () => {
  const conn = app.platform.orm.em.fork().getConnection();
  const [row] = await conn.execute<{ n: string }[]>(`
    SELECT count(*) AS n FROM person p JOIN place h ON h.id = p.household_id
    WHERE h.path LIKE (SELECT path FROM place WHERE code = 'DEMO-FXY3-20') || '%'`);
  expect(Number(row.n)).toBe(279);
});

test('the demo shows a wish wall with fulfilled wishes and an overdue request that escalated', async () => {
  const conn = app.platform.orm.em.fork().getConnection();
  const [jkl] = await conn.execute<{ id: string }[]>(`SELECT id FROM place WHERE code = 'DEMO-JKL'`);
  const [party] = await conn.execute<{ id: string }[]>(`SELECT id FROM person WHERE name = '陈党员'`);
  const { wishWall } = await app.run(
    'query($p: ID!) { wishWall(placeId: $p) { place { name } posted fulfilled claimed open(first: 100) { nodes { title status } } } }',
    { p: toGlobalId('Place', jkl.id) },
    asPerson({ uuid: party.id }),
  );
  expect(wishWall).toMatchObject({ place: { name: '敬口路社区' }, posted: 56, fulfilled: 36, claimed: 2 });
  expect(wishWall.open.nodes).toHaveLength(18);
  const { requests } = await app.run(
    `{ requests(filter: { text: "污水管", level: [SUBDISTRICT] }) { edges { node { status dueAt
       timeline { nodes { action note fromDueAt toDueAt actorLabel } } duplicates { nodes { title channel status duplicateOf { title } } }
       photos { nodes { caption addedBy { name } } } } } } }`,
  );
  const [sewer] = requests.edges;
  expect(sewer.node.status).toBe('ESCALATED');
  expect(new Date(sewer.node.dueAt).getTime()).toBeLessThan(Date.now());
  const actions = sewer.node.timeline.nodes.map((t: { action: string }) => t.action);
  expect(actions).toEqual(['created', 'status', 'deadline', 'deadline', 'duplicate', 'escalated']);
  expect(sewer.node.timeline.nodes[5]).toMatchObject({ actorLabel: 'system: grid.escalation', note: expect.stringContaining('deadline') });
  expect(sewer.node.photos.nodes).toEqual([{ caption: '10号楼前塌陷现场', addedBy: { name: '左茂荣' } }]);
  // A neighbour's 12345 call about the same collapse was merged into it (重复件).
  expect(sewer.node.duplicates.nodes).toEqual([
    { title: '10号楼门口污水外溢，味道很大', channel: 'HOTLINE_12345', status: 'CLOSED', duplicateOf: { title: '10号楼前污水管塌陷' } },
  ]);
});
