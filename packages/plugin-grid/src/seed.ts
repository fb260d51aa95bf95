import { Organization, Person, Place, type PluginSeedContext } from '@gongzhi/core';
import { GridAdoption } from './adoption/adoption.entity.js';
import { GridAttentionLevel, GridAttentionMark } from './attention/attention.entity.js';
import { makeCurrent } from './attention/attention.queries.js';
import { Grid, GridKind, GridPlace } from './grid/grid.entity.js';
import { type GridOptions, localDate } from './options.js';
import { GridCheckItem, GridFinding, GridVisit } from './visit/visit.entity.js';
import { GridWorker } from './worker/worker.entity.js';

/**
 * Demo grids of the demo district (core's seed): 芳星园三区's grid with a micro-grid over
 * units 1–3 of building 20, 翠庭园's grid adopted by a partner unit, their workers from the
 * demo people, a few visits and colours. Idempotent: does nothing when the first grid exists,
 * or when the demo district is not there.
 */
export async function seedGridDemo(ctx: PluginSeedContext<GridOptions>): Promise<void> {
  const { now, options } = ctx;
  const em = ctx.em();
  const places = await em.find(Place, {
    code: {
      $in: [
        'DEMO-FXY3',
        'DEMO-FXY3-C',
        'DEMO-FXY3-20',
        'DEMO-FXY3-20-1',
        'DEMO-FXY3-20-2',
        'DEMO-FXY3-20-3',
        'DEMO-FXY3-20-1-101',
        'DEMO-FXY3-20-1-102',
        'DEMO-CYL',
        'DEMO-CYL-CTY',
        'DEMO-CYL-CTY-3',
        'DEMO-CYL-CTY-3-502',
      ],
    },
  });
  const at = new Map(places.map((p) => [p.code, p]));
  const fxy = at.get('DEMO-FXY3');
  const cyl = at.get('DEMO-CYL');
  if (!fxy || !cyl || places.length < 12) return;
  if (await em.count(Grid, { community: fxy, name: '芳星园三区第一网格' })) return;

  const person = async (name: string) => em.findOne(Person, { name });
  const wang = await person('王小丽'); // courtyard head of building 20
  const zhao = await person('赵女士'); // auxiliary social worker of 成仪路社区
  const liu = await person('刘社工');
  const cang = await person('苍爷爷');
  const partner = await em.findOne(Organization, { name: '驻区单位联合会' });
  const home101 = at.get('DEMO-FXY3-20-1-101')!;
  const resident101 = await em.findOne(Person, { household: home101 }, { orderBy: { name: 'asc' } });
  if (!wang || !zhao || !liu || !cang) return;

  const day = (offset: number) => localDate(new Date(now().getTime() - offset * 86_400_000), options.timeZone);
  const cover = (grid: Grid, code: string) => {
    const place = at.get(code)!;
    em.create(GridPlace, { grid, gridKind: grid.kind, place, placePath: place.path });
  };

  const fxyGrid = em.create(Grid, { name: '芳星园三区第一网格', community: fxy, kind: GridKind.GRID });
  cover(fxyGrid, 'DEMO-FXY3-C');
  await em.flush(); // the parent row first: a micro-grid must name an existing grid
  const micro = em.create(Grid, { name: '20号楼一至三单元微网格', community: fxy, kind: GridKind.MICRO_GRID, parent: fxyGrid });
  for (const unit of [1, 2, 3]) cover(micro, `DEMO-FXY3-20-${unit}`);
  em.create(GridWorker, { grid: fxyGrid, person: wang, startsOn: '2020-01-01' });
  if (resident101) em.create(GridWorker, { grid: micro, person: resident101, startsOn: '2022-03-01' });

  const ctyGrid = em.create(Grid, { name: '翠庭园网格', community: cyl, kind: GridKind.GRID });
  cover(ctyGrid, 'DEMO-CYL-CTY');
  em.create(GridWorker, { grid: ctyGrid, person: zhao, startsOn: '2021-06-01' });
  em.create(GridWorker, { grid: ctyGrid, person: liu, startsOn: '2020-01-01' });
  if (partner)
    em.create(GridAdoption, { grid: ctyGrid, organization: partner, startsOn: '2022-01-01', note: '共建单位认领网格，每月一次助老服务' });

  // 入户走访: 赵女士 visits 苍爷爷 twice; 王小丽 visits 1单元101.
  const cangHome = at.get('DEMO-CYL-CTY-3-502')!;
  const visit1 = em.create(GridVisit, {
    household: cangHome,
    placePath: cangHome.path,
    worker: zhao,
    visitedOn: day(20),
    metPersonIds: [cang.uuid],
    checks: [
      { item: GridCheckItem.NETWORK, ok: false, note: '家中断网多日' },
      { item: GridCheckItem.HEATING, ok: true, note: null },
    ],
    notes: '独居老人，疫情期间无法线上买菜。',
    createdAt: new Date(now().getTime() - 20 * 86_400_000),
  });
  em.create(GridFinding, {
    visit: visit1,
    description: '家中网络中断，需联系运营商上门维修',
    category: '生活服务',
    createdAt: visit1.createdAt,
  });
  const visit2 = em.create(GridVisit, {
    household: cangHome,
    placePath: cangHome.path,
    worker: zhao,
    visitedOn: day(3),
    metPersonIds: [cang.uuid],
    checks: [
      { item: GridCheckItem.NETWORK, ok: true, note: '网络已恢复' },
      { item: GridCheckItem.GAS, ok: true, note: null },
    ],
    notes: '老人身体尚可，每周回访一次。',
    createdAt: new Date(now().getTime() - 3 * 86_400_000),
  });
  em.create(GridFinding, { visit: visit2, description: '希望有人陪同去医院复查', category: '助医', createdAt: visit2.createdAt });
  em.create(GridVisit, {
    household: home101,
    placePath: home101.path,
    worker: wang,
    visitedOn: day(5),
    metPersonIds: resident101 ? [resident101.uuid] : [],
    checks: [{ item: GridCheckItem.HEATING, ok: true, note: '暖气正常' }],
    notes: '家中一切正常。',
    createdAt: new Date(now().getTime() - 5 * 86_400_000),
  });

  // 民情图: colours with reasons.
  const colour = (
    place: Place,
    level: GridAttentionLevel,
    reason: string,
    by: Person,
    daysAgo: number,
    previous: GridAttentionLevel | null = null,
  ) =>
    em.create(GridAttentionMark, {
      place,
      placePath: place.path,
      level,
      previousLevel: previous,
      reason,
      setBy: by,
      setAt: new Date(now().getTime() - daysAgo * 86_400_000),
    });
  colour(cangHome, GridAttentionLevel.RED, '独居老人，家中断网，需每日联系', zhao, 20);
  const cangNow = colour(cangHome, GridAttentionLevel.ORANGE, '网络已恢复，独居老人仍需每周回访', zhao, 3, GridAttentionLevel.RED);
  const building20 = at.get('DEMO-FXY3-20')!;
  const b20 = colour(building20, GridAttentionLevel.ORANGE, '楼内老人多，疫情期间需代购药品', wang, 10);
  const h101 = colour(home101, GridAttentionLevel.GREEN, '家中一切正常', wang, 5);
  await em.flush();
  for (const mark of [cangNow, b20, h101]) await makeCurrent({ em }, mark);
}
