import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import gridPlugin from '../src/index.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ plugins: [gridPlugin], pluginOptions: { grid: { escalationIntervalMs: 0 } }, seed: true });
});
afterAll(() => app?.close());

const counts = async () =>
  (
    await app.platform.orm.em.fork().execute(
      `SELECT (SELECT count(*) FROM grid.grid)::int AS grids, (SELECT count(*) FROM grid.grid_worker)::int AS workers,
            (SELECT count(*) FROM grid.grid_visit)::int AS visits, (SELECT count(*) FROM grid.attention_mark)::int AS marks,
            (SELECT count(*) FROM grid.grid_adoption)::int AS adoptions`,
    )
  )[0];

test('the demo district gets grids, workers, a partner unit, visits and colours, in Chinese; seeding again adds nothing', async () => {
  const first = await counts();
  expect(first).toEqual({ grids: 3, workers: 4, visits: 3, marks: 4, adoptions: 1 });
  await app.platform.seed();
  expect(await counts()).toEqual(first);

  const data = await app.run(
    `{ places(type: COMMUNITY) { nodes { id name grids { nodes { name kind workers { nodes { person { name } } } adoptions { nodes { organization { name } } } } } } } }`,
  );
  const byName = Object.fromEntries(data.places.nodes.map((p: { name: string; grids: { nodes: unknown[] } }) => [p.name, p.grids.nodes]));
  const cyl = data.places.nodes.find((p: { name: string }) => p.name === '成仪路社区').id;
  expect(byName['成仪路社区']).toEqual([
    {
      name: '翠庭园网格',
      kind: 'GRID',
      workers: { nodes: [{ person: { name: '刘社工' } }, { person: { name: '赵女士' } }] },
      adoptions: { nodes: [{ organization: { name: '驻区单位联合会' } }] },
    },
  ]);
  expect(byName['芳星园三区社区'].map((g: { name: string }) => g.name)).toEqual(['20号楼一至三单元微网格', '芳星园三区第一网格']);

  const cang = await app.run(
    `query ($cyl: ID!) { places(type: HOUSEHOLD, under: $cyl, first: 100) { nodes { name code grid { name } attention { level reason } gridVisits { nodes { worker { name } met { name } checks { item ok } findings { nodes { description } } } } } } }`,
    { cyl },
  );
  const home = cang.places.nodes.find((p: { name: string }) => p.name === '3号楼502');
  expect(home.grid).toEqual({ name: '翠庭园网格' });
  expect(home.attention.level).toBe('ORANGE');
  expect(home.gridVisits.nodes).toHaveLength(2);
  expect(home.gridVisits.nodes[0].met).toEqual([{ name: '苍爷爷' }]);
});

test('the demo has a little bee (小蜜蜂) and his report, a request at the compound', async () => {
  const { places } = await app.run(`{ places(type: SUBDISTRICT) { nodes { id name } } }`);
  const data = await app.run(
    `query($sub: ID!) { littleBees(areaId: $sub) { nodes { person { name } kind employer reportCount
      reports { nodes { locationNote request { title channel status place { name } assignee { name } } } } } }
      littleBeeSummary(areaId: $sub) { reporterCount reportCount } }`,
    { sub: places.nodes[0].id },
  );
  expect(data.littleBees.nodes).toEqual([
    {
      person: { name: '孙师傅' },
      kind: 'COURIER',
      employer: '顺丰速运方庄营业部',
      reportCount: 1,
      reports: {
        nodes: [
          {
            locationNote: '芳星园三区北门外',
            request: {
              title: '芳星园三区北门井盖松动',
              channel: 'MOBILE_REPORT',
              status: 'ASSIGNED',
              place: { name: '芳星园三区' },
              assignee: { name: '王小丽' },
            },
          },
        ],
      },
    },
  ]);
  expect(data.littleBeeSummary).toEqual({ reporterCount: 1, reportCount: 1 });
});
