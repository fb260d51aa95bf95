import { seedScale } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import type { EntityManager } from '@mikro-orm/postgresql';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

test('generates a district with the shape of Fangzhuang at any scale, once', async () => {
  const run = () => app.platform.orm.em.fork().transactional((em) => seedScale(em as EntityManager, { scale: 0.1, requests: 500 }));
  const result = await run();
  expect(result).toMatchObject({ rootCode: 'SCALE-0.1', created: true, buildings: 22, requests: 500 });
  // ~134 households per building and ~2.5 residents per household, as in Fangzhuang.
  expect(result.households).toBe(22 * 4 * 34);
  expect(result.residents / result.households).toBeGreaterThan(2.3);
  expect(result.residents / result.households).toBeLessThan(2.7);

  const { requests } = await app.run(
    '{ requests(first: 3, filter: { status: [ACCEPTED] }) { edges { node { place { type ancestors { type } } lastTimelineEntry { action } } } } }',
  );
  expect(requests.edges).toHaveLength(3);
  expect(requests.edges[0].node.place.type).toBe('HOUSEHOLD');
  expect(requests.edges[0].node.place.ancestors.map((a: { type: string }) => a.type)).toEqual([
    'DISTRICT',
    'SUBDISTRICT',
    'COMMUNITY',
    'COMPOUND',
    'BUILDING',
    'UNIT',
  ]);
  expect(requests.edges[0].node.lastTimelineEntry).toEqual({ action: 'created' });

  // Generated rows page like written ones: pages of 7 walk every request once, backward too (their
  // times hold milliseconds, as cursors do; a finer time made a page repeat the row it started from).
  const PAGE = 'query ($before: String) { requests(last: 7, before: $before) { nodes { id } pageInfo { hasPreviousPage startCursor } } }';
  const seen: string[] = [];
  for (let before: string | null = null, more = true; more;) {
    const page: { nodes: { id: string }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } } = (
      await app.run(PAGE, { before })
    ).requests;
    seen.push(...page.nodes.map((n) => n.id));
    [before, more] = [page.pageInfo.startCursor, page.pageInfo.hasPreviousPage];
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(500);

  expect(await run()).toMatchObject({ created: false });
});
