import { ERASED_NAME } from '@gongzhi/core';
import { as, assignWorker, createGrid, createWorld, mutate, type World } from './world.js';

/**
 * Erasing a person's personal data (PIPL art. 47) through `erasePersonalData`: 董桂芳 of 1单元102
 * is a grid worker, a little bee, and a resident the grid visits and colours. What the grid keeps
 * about her is deleted or cleared; its work records stay and name the pseudonymised row; 宋阿姨's
 * data is untouched.
 */
let w: World;
let grid: string;
let meeting: string;
let beeRequest: string;

const VISIT = `mutation($input: RecordGridVisitInput!) { recordGridVisit(input: $input) { visit { id } errors { code message field } } }`;
const COLOUR = `mutation($p: ID!, $l: GridAttentionLevel!, $r: String!) {
  setGridAttentionLevel(placeId: $p, level: $l, reason: $r) { mark { id } errors { code message field } } }`;
const REGISTER = `mutation($input: RegisterLittleBeeInput!) { registerLittleBee(input: $input) { reporter { id } errors { code message field } } }`;
const REPORT = `mutation($input: ReportAsLittleBeeInput!) { reportAsLittleBee(input: $input) {
  report { request { id } } errors { code message field } } }`;
const ERASE = `mutation($input: ErasePersonalDataInput!) { erasePersonalData(input: $input) {
  erasure { personId records { owner entity rows treatment } } errors { code message field } } }`;

const PLACE = `name attention { level reason setBy { name } }
  attentionHistory(first: 10) { nodes { level reason setBy { name } } }
  gridVisits(first: 10) { nodes { notes checks { item ok note } met { name } worker { name } findings { nodes { description } } } }`;
const BEE = 'person { name } kind employer reportCount reports(first: 10) { nodes { latitude longitude locationNote request { title } } }';

/** What the grid shows about both people, read back through the API. */
async function state() {
  return w.app.run(
    `query($dong: ID!, $song: ID!, $grid: ID!, $h102: ID!, $h201: ID!, $h101: ID!, $h21: ID!, $b21: ID!, $sub: ID!, $meeting: ID!, $request: ID!) {
      dong: person(id: $dong) { name grids { nodes { name } } littleBees { nodes { ${BEE} } } }
      song: person(id: $song) { name littleBees { nodes { ${BEE} } } }
      grid(id: $grid) { workers(all: true) { nodes { person { name } startsOn } } }
      h102: place(id: $h102) { ${PLACE} }
      h201: place(id: $h201) { ${PLACE} }
      h101: place(id: $h101) { ${PLACE} }
      h21: place(id: $h21) { ${PLACE} }
      b21: place(id: $b21) { ${PLACE} }
      littleBees(areaId: $sub, first: 10) { nodes { ${BEE} } }
      meeting: node(id: $meeting) { ... on GridMeeting { notes recordedBy { name } } }
      request: node(id: $request) { ... on Request { title requester { name } } }
    }`,
    {
      dong: w.person.dong.id,
      song: w.person.resident.id,
      grid,
      h102: w.place.h102.id,
      h201: w.place.h201.id,
      h101: w.place.h101.id,
      h21: w.place.h21.id,
      b21: w.place.b21.id,
      sub: w.place.sub.id,
      meeting,
      request: beeRequest,
    },
  );
}

beforeAll(async () => {
  w = await createWorld();
  const { dong, resident, wang } = w.person;
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  await assignWorker(w.app, grid, wang.id);
  await assignWorker(w.app, grid, dong.id);
  // 董桂芳 sees the grid's households through core's grid_worker role at the community.
  await w.app.run(
    'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: GRID_WORKER, startsOn: "2026-01-01") { errors { code } } }',
    { p: dong.id, c: w.place.fxy.id },
  );

  // 王小丽 visits 董桂芳's household, a neighbour's where she met her with 宋阿姨, and 宋阿姨's own.
  const visit = (input: Record<string, unknown>, by = wang) => mutate(w.app, VISIT, { input }, as(by));
  await visit({
    householdId: w.place.h102.id,
    checks: [
      { item: 'HEALTH', ok: false, note: '血压偏高' },
      { item: 'GAS', ok: true },
    ],
    notes: '独居老人，腿脚不便',
    findings: [{ description: '需要助餐服务', category: '助老' }],
  });
  await visit({
    householdId: w.place.h201.id,
    metPersonIds: [dong.id, resident.id],
    checks: [{ item: 'WATER', ok: true, note: '水压正常' }],
    notes: '董阿姨常来照看邻居',
  });
  await visit({
    householdId: w.place.h101.id,
    metPersonIds: [resident.id],
    checks: [{ item: 'HEATING', ok: false, note: '暖气片不热' }],
    notes: '宋阿姨身体硬朗',
  });
  // 董桂芳's own work as a grid worker: a visit, a colour, the weekly meeting.
  await visit({ householdId: w.place.h21.id, notes: '住户外出，下周再访' }, dong);
  await mutate(w.app, COLOUR, { p: w.place.b21.id, l: 'ORANGE', r: '楼内老人多' }, as(dong));
  meeting = (
    await mutate(
      w.app,
      'mutation($g: ID!) { recordGridMeeting(gridId: $g, notes: "周一网格议事会") { meeting { id } errors { code message } } }',
      { g: grid },
      as(dong),
    )
  ).meeting.id;
  // Colours of both households: two marks on hers.
  await mutate(w.app, COLOUR, { p: w.place.h102.id, l: 'ORANGE', r: '老人独居' }, as(wang));
  w.clock.advance(60_000);
  await mutate(w.app, COLOUR, { p: w.place.h102.id, l: 'RED', r: '独居老人，家中断网' }, as(wang));
  await mutate(w.app, COLOUR, { p: w.place.h101.id, l: 'GREEN', r: '一切正常' }, as(wang));

  // Both are little bees of the subdistrict, each with a report.
  await mutate(w.app, REGISTER, { input: { personId: dong.id, areaId: w.place.sub.id, kind: 'COURIER', employer: '顺丰速运' } });
  await mutate(w.app, REGISTER, { input: { personId: resident.id, areaId: w.place.sub.id, kind: 'STREET_CLEANER', employer: '环卫所' } });
  const report = (title: string, placeId: string, locationNote: string) => ({
    input: { placeId, kind: 'COMPLAINT', title, latitude: 39.8612, longitude: 116.4421, locationNote },
  });
  beeRequest = (await mutate(w.app, REPORT, report('20号楼门口井盖松动', w.place.b20.id, '20号楼北侧'), as(dong))).report.request.id;
  await mutate(w.app, REPORT, report('21号楼垃圾满溢', w.place.b21.id, '21号楼南侧'), as(resident));
});
afterAll(() => w?.app.close());

test("an erasure deletes or clears what the grid keeps about the person, keeps its work records pseudonymised, and leaves others' data as it was", async () => {
  const before = await state();
  // Everything the erasure should remove is there to begin with.
  expect(before.dong.grids.nodes).toEqual([{ name: '芳星园三区第一网格' }]);
  expect(before.dong.littleBees.nodes).toHaveLength(1);
  expect(before.h102.attentionHistory.nodes).toHaveLength(2);
  expect(before.h102.gridVisits.nodes[0].notes).toBe('独居老人，腿脚不便');

  const { erasure } = await mutate(w.app, ERASE, { input: { personId: w.person.dong.id, reason: '本人 2026-06-01 书面申请' } });
  const records = erasure.records.filter((r: { owner: string }) => r.owner === 'grid');
  expect(Object.fromEntries(records.map((r: { entity: string; rows: number }) => [r.entity, r.rows]))).toEqual({
    GridWorker: 1,
    GridVisit: 2, // her household's visit, and the neighbour's where she was met
    GridFinding: 0,
    GridAttentionMark: 2,
    GridMeeting: 0,
    GridReporter: 1,
    GridReport: 1,
  });
  expect(records.every((r: { treatment: string }) => r.treatment.length > 0)).toBe(true);

  const after = await state();
  // Deleted: her assignment, her registration as a little bee with its report, her household's colours.
  expect(after.dong).toEqual({ name: ERASED_NAME, grids: { nodes: [] }, littleBees: { nodes: [] } });
  expect(after.grid.workers.nodes).toEqual([{ person: { name: '王小丽' }, startsOn: '2026-01-01' }]);
  expect(after.littleBees.nodes).toEqual([before.song.littleBees.nodes[0]]);
  // Cleared: what the visits about her say; the visits and their findings stay, as the grid's work record.
  expect(after.h102).toEqual({
    name: '1单元102',
    attention: null,
    attentionHistory: { nodes: [] },
    gridVisits: {
      nodes: [
        {
          notes: null,
          checks: [
            { item: 'HEALTH', ok: false, note: null },
            { item: 'GAS', ok: true, note: null },
          ],
          met: [],
          worker: { name: '王小丽' },
          findings: { nodes: [{ description: '需要助餐服务' }] },
        },
      ],
    },
  });
  expect(after.h201.gridVisits.nodes).toEqual([
    {
      notes: null,
      checks: [{ item: 'WATER', ok: true, note: null }],
      met: [{ name: '宋阿姨' }],
      worker: { name: '王小丽' },
      findings: { nodes: [] },
    },
  ]);
  // Kept, naming the pseudonymised row: her visit, colour and meeting as a worker, the request she reported.
  expect(after.h21.gridVisits.nodes).toEqual([{ ...before.h21.gridVisits.nodes[0], worker: { name: ERASED_NAME } }]);
  expect(after.h21.gridVisits.nodes[0].notes).toBe('住户外出，下周再访');
  expect(after.b21.attention).toEqual({ level: 'ORANGE', reason: '楼内老人多', setBy: { name: ERASED_NAME } });
  expect(after.meeting).toEqual({ notes: '周一网格议事会', recordedBy: { name: ERASED_NAME } });
  expect(after.request).toEqual({ title: '20号楼门口井盖松动', requester: { name: ERASED_NAME } });
  // 宋阿姨's data is as it was.
  expect(after.song).toEqual(before.song);
  expect(after.song.littleBees.nodes[0].reports.nodes).toHaveLength(1);
  expect(after.h101).toEqual(before.h101);
  expect(after.h101.gridVisits.nodes[0]).toMatchObject({ notes: '宋阿姨身体硬朗', met: [{ name: '宋阿姨' }] });
  expect(w.errors).toEqual([]);
});

test('a person the grid knows nothing about, of no household, is erased with no grid row touched', async () => {
  const before = await state();
  const { erasure } = await mutate(w.app, ERASE, { input: { personId: w.person.outsider.id, reason: '本人申请' } });
  const records = erasure.records.filter((r: { owner: string }) => r.owner === 'grid');
  expect(records.map((r: { rows: number }) => r.rows)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  expect(await state()).toEqual(before);
});

test("a resident erased from a household others still live in takes its colours and visits' notes with them only where they were met", async () => {
  const created = await mutate(
    w.app,
    'mutation($h: ID!) { createPerson(input: { name: "宋阿姨的儿子", householdId: $h }) { person { id } errors { code message field } } }',
    { h: w.place.h101.id },
  );
  const before = await state();
  const { erasure } = await mutate(w.app, ERASE, { input: { personId: created.person.id, reason: '本人申请' } });
  const rows = Object.fromEntries(
    erasure.records.filter((r: { owner: string }) => r.owner === 'grid').map((r: { entity: string; rows: number }) => [r.entity, r.rows]),
  );
  expect(rows).toMatchObject({ GridVisit: 0, GridAttentionMark: 0 });
  // 宋阿姨 still lives there: the household's colour and the visit about her stay, for her care.
  expect((await state()).h101).toEqual(before.h101);
});
