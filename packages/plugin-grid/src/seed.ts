import {
  localDate,
  Organization,
  Person,
  PersonRole,
  PersonRoleKind,
  Place,
  type PluginSeedContext,
  Request,
  RequestChannel,
  RequestKind,
  RequestLevel,
  RequestStatus,
  RequestTimelineEntry,
} from '@gongzhi/core';
import { GridAdoption } from './adoption/adoption.entity.js';
import { GridAttentionLevel, GridAttentionMark } from './attention/attention.entity.js';
import { makeCurrent } from './attention/attention.queries.js';
import { Grid, GridKind, GridPlace } from './grid/grid.entity.js';
import type { GridOptions } from './options.js';
import { GridReport, GridReporter, GridReporterKind } from './reporter/reporter.entity.js';
import { GridCheckItem, GridFinding, GridVisit } from './visit/visit.entity.js';
import { GridWorker } from './worker/worker.entity.js';

const DAY_MS = 86_400_000;

/** The demo places the grids use, by code. */
const CODES = [
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
  'DEMO-FZ',
] as const;

/** What the demo rows are made of: the demo district's places and people, the seeding transaction, the clock. */
interface Demo {
  em: ReturnType<PluginSeedContext['em']>;
  at: (code: (typeof CODES)[number]) => Place;
  people: { wang: Person; zhao: Person; liu: Person; cang: Person; resident101: Person | null };
  partner: Organization | null;
  /** The instant `days` days ago. */
  ago: (days: number) => Date;
  /** The district's calendar day `days` days ago. */
  day: (days: number) => string;
}

/**
 * Demo grids of the demo district (core's seed): 芳星园三区's grid with a micro-grid over
 * units 1–3 of building 20, 翠庭园's grid adopted by a partner unit, their workers from the
 * demo people, a few visits and colours. Idempotent: does nothing when the first grid exists,
 * or when the demo district is not there.
 */
export async function seedGridDemo(ctx: PluginSeedContext<GridOptions>): Promise<void> {
  const demo = await demoOf(ctx);
  if (!demo) return;
  await seedGrids(demo);
  seedVisits(demo);
  await seedColours(demo);
  seedLittleBee(demo);
}

/** The demo district's places and people, or null when they are not there or the grids were seeded already. */
async function demoOf(ctx: PluginSeedContext<GridOptions>): Promise<Demo | null> {
  const em = ctx.em();
  const places = new Map((await em.find(Place, { code: { $in: [...CODES] } })).map((p) => [p.code, p]));
  if (CODES.some((code) => !places.has(code))) return null;
  const at = (code: (typeof CODES)[number]) => places.get(code)!;
  if (await em.count(Grid, { community: at('DEMO-FXY3'), name: '芳星园三区第一网格' })) return null;
  const person = (name: string) => em.findOne(Person, { name });
  const [wang, zhao, liu, cang] = [await person('王小丽'), await person('赵女士'), await person('刘社工'), await person('苍爷爷')];
  if (!wang || !zhao || !liu || !cang) return null;
  const resident101 = await em.findOne(Person, { household: at('DEMO-FXY3-20-1-101') }, { orderBy: { name: 'asc' } });
  const partner = await em.findOne(Organization, { name: '驻区单位联合会' });
  const ago = (days: number) => new Date(ctx.now().getTime() - days * DAY_MS);
  const day = (days: number) => localDate(ago(days), ctx.options.timeZone);
  // 王小丽 is the courtyard head of building 20, 赵女士 an auxiliary social worker of 成仪路社区.
  return { em, at, people: { wang, zhao, liu, cang, resident101 }, partner, ago, day };
}

/** The grids, their coverage, workers and the partner unit's adoption. */
async function seedGrids({ em, at, people, partner }: Demo): Promise<void> {
  const cover = (grid: Grid, code: (typeof CODES)[number]) => {
    const place = at(code);
    em.create(GridPlace, { grid, gridKind: grid.kind, place, placePath: place.path });
  };
  const fxyGrid = em.create(Grid, { name: '芳星园三区第一网格', community: at('DEMO-FXY3'), kind: GridKind.GRID });
  cover(fxyGrid, 'DEMO-FXY3-C');
  await em.flush(); // the parent row first: a micro-grid must name an existing grid
  const micro = em.create(Grid, { name: '20号楼一至三单元微网格', community: at('DEMO-FXY3'), kind: GridKind.MICRO_GRID, parent: fxyGrid });
  for (const unit of ['DEMO-FXY3-20-1', 'DEMO-FXY3-20-2', 'DEMO-FXY3-20-3'] as const) cover(micro, unit);
  em.create(GridWorker, { grid: fxyGrid, person: people.wang, startsOn: '2020-01-01' });
  if (people.resident101) em.create(GridWorker, { grid: micro, person: people.resident101, startsOn: '2022-03-01' });

  const ctyGrid = em.create(Grid, { name: '翠庭园网格', community: at('DEMO-CYL'), kind: GridKind.GRID });
  cover(ctyGrid, 'DEMO-CYL-CTY');
  em.create(GridWorker, { grid: ctyGrid, person: people.zhao, startsOn: '2021-06-01' });
  em.create(GridWorker, { grid: ctyGrid, person: people.liu, startsOn: '2020-01-01' });
  if (partner)
    em.create(GridAdoption, { grid: ctyGrid, organization: partner, startsOn: '2022-01-01', note: '共建单位认领网格，每月一次助老服务' });
}

/** 入户走访: 赵女士 visits 苍爷爷 twice; 王小丽 visits 1单元101. */
function seedVisits({ em, at, people, ago, day }: Demo): void {
  const visit = (household: Place, worker: Person, daysAgo: number, fields: Pick<GridVisit, 'metPersonIds' | 'checks' | 'notes'>) =>
    em.create(GridVisit, { household, placePath: household.path, worker, visitedOn: day(daysAgo), createdAt: ago(daysAgo), ...fields });
  const cangHome = at('DEMO-CYL-CTY-3-502');
  const first = visit(cangHome, people.zhao, 20, {
    metPersonIds: [people.cang.uuid],
    checks: [
      { item: GridCheckItem.NETWORK, ok: false, note: '家中断网多日' },
      { item: GridCheckItem.HEATING, ok: true, note: null },
    ],
    notes: '独居老人，疫情期间无法线上买菜。',
  });
  em.create(GridFinding, {
    visit: first,
    description: '家中网络中断，需联系运营商上门维修',
    category: '生活服务',
    createdAt: first.createdAt,
  });
  const second = visit(cangHome, people.zhao, 3, {
    metPersonIds: [people.cang.uuid],
    checks: [
      { item: GridCheckItem.NETWORK, ok: true, note: '网络已恢复' },
      { item: GridCheckItem.GAS, ok: true, note: null },
    ],
    notes: '老人身体尚可，每周回访一次。',
  });
  em.create(GridFinding, { visit: second, description: '希望有人陪同去医院复查', category: '助医', createdAt: second.createdAt });
  visit(at('DEMO-FXY3-20-1-101'), people.wang, 5, {
    metPersonIds: people.resident101 ? [people.resident101.uuid] : [],
    checks: [{ item: GridCheckItem.HEATING, ok: true, note: '暖气正常' }],
    notes: '家中一切正常。',
  });
}

/** 民情图: colours with reasons, the latest of each place current. */
async function seedColours({ em, at, people, ago }: Demo): Promise<void> {
  const colour = (
    place: Place,
    level: GridAttentionLevel,
    reason: string,
    by: Person,
    daysAgo: number,
    previous: GridAttentionLevel | null = null,
  ) =>
    em.create(GridAttentionMark, { place, placePath: place.path, level, previousLevel: previous, reason, setBy: by, setAt: ago(daysAgo) });
  const cangHome = at('DEMO-CYL-CTY-3-502');
  colour(cangHome, GridAttentionLevel.RED, '独居老人，家中断网，需每日联系', people.zhao, 20);
  const current = [
    colour(cangHome, GridAttentionLevel.ORANGE, '网络已恢复，独居老人仍需每周回访', people.zhao, 3, GridAttentionLevel.RED),
    colour(at('DEMO-FXY3-20'), GridAttentionLevel.ORANGE, '楼内老人多，疫情期间需代购药品', people.wang, 10),
    colour(at('DEMO-FXY3-20-1-101'), GridAttentionLevel.GREEN, '家中一切正常', people.wang, 5),
  ];
  await em.flush();
  for (const mark of current) await makeCurrent({ em }, mark);
}

/**
 * 小蜜蜂: a courier registered for 方庄街道 and his report of a loose manhole cover at 芳星园三区, a
 * request at the compound already assigned to its grid worker. Written as the commands would
 * leave them (the role core's assignRole gives, the request core's submitRequest opens).
 */
function seedLittleBee({ em, at, people, ago, day }: Demo): void {
  const area = at('DEMO-FZ');
  const compound = at('DEMO-FXY3-C');
  const bee = em.create(Person, { name: '孙师傅', phone: '13800000030' });
  em.create(PersonRole, { person: bee, place: area, role: PersonRoleKind.COURIER_REPORTER, startsOn: day(30) });
  const reporter = em.create(GridReporter, {
    person: bee,
    area,
    areaPath: area.path,
    kind: GridReporterKind.COURIER,
    employer: '顺丰速运方庄营业部',
    startsOn: day(30),
    registeredBy: people.liu,
    createdAt: ago(30),
  });
  const at2 = ago(2);
  const request = em.create(Request, {
    kind: RequestKind.COMPLAINT,
    channel: RequestChannel.MOBILE_REPORT,
    title: '芳星园三区北门井盖松动',
    description: '送快递路过北门，井盖一踩就晃，晚上有人摔倒的危险。',
    place: compound,
    placePath: compound.path,
    category: '安全隐患',
    requester: bee,
    level: RequestLevel.GRID,
    status: RequestStatus.ASSIGNED,
    assignee: people.wang,
    createdAt: at2,
    updatedAt: at2,
  });
  em.create(RequestTimelineEntry, { request, action: 'created', fromStatus: null, toStatus: RequestStatus.SUBMITTED, actor: bee, at: at2 });
  em.create(RequestTimelineEntry, {
    request,
    action: 'assigned',
    fromStatus: RequestStatus.SUBMITTED,
    toStatus: RequestStatus.ASSIGNED,
    actor: null,
    actorLabel: 'system: grid.route-new-request',
    at: at2,
  });
  em.create(GridReport, {
    reporter,
    person: bee,
    request,
    placePath: compound.path,
    latitude: 39.8621,
    longitude: 116.4415,
    locationNote: '芳星园三区北门外',
    createdAt: at2,
  });
}
