import { runCommand, toGlobalId, uploadPhoto } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { as, assignWorker, createGrid, createWorld, mutate, problem, type World } from './world.js';

let w: World;
let grid: string;
let micro: string;
beforeAll(async () => {
  w = await createWorld();
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  micro = await createGrid(w.app, w.place.fxy.id, '20号楼一单元微网格', [w.place.u1.id], { k: 'MICRO_GRID', parent: grid });
  await assignWorker(w.app, grid, w.person.wang.id, '2026-01-01');
  await assignWorker(w.app, micro, w.person.dong.id, '2026-01-01');
  // Seeing the households of one's grid comes from core's roles (place scoping): a grid worker
  // holds the grid_worker role at the community.
  await w.app.run(
    'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: GRID_WORKER, startsOn: "2026-01-01") { role { id } errors { code message field } } }',
    { p: w.person.dong.id, c: w.place.fxy.id },
  );
});
afterAll(() => w?.app.close());

const count = async (table: string) => Number((await w.app.platform.orm.em.fork().execute(`SELECT count(*) AS n FROM ${table}`))[0].n);
const VISIT = `mutation($input: RecordGridVisitInput!) { recordGridVisit(input: $input) { visit {
  id visitedOn notes household { name } worker { name } met { name } checks { item ok note } grid { name }
  findings { nodes { id description category request { title channel status level assignee { name } timeline { nodes { action actor { name } } } } } } }
  errors { code message field } } }`;

describe('household visits (入户走访)', () => {
  test('a worker records a visit; a finding opens a request in the same step, routed to the grid', async () => {
    const visit = (
      await mutate(
        w.app,
        VISIT,
        {
          input: {
            householdId: w.place.h201.id,
            metPersonIds: [w.person.resident.id],
            checks: [
              { item: 'HEATING', ok: false, note: '暖气片不热' },
              { item: 'GAS', ok: true },
            ],
            notes: '老人独居，精神尚可',
            findings: [
              { description: '暖气片不热，需要物业上门检修', category: '供暖', openRequest: true, title: '2单元201暖气不热' },
              { description: '希望每周有人陪同散步', category: '助老' },
            ],
          },
        },
        as(w.person.wang),
      )
    ).visit;
    expect(visit).toMatchObject({
      visitedOn: '2026-06-01',
      household: { name: '2单元201' },
      worker: { name: '王小丽' },
      met: [{ name: '宋阿姨' }],
      checks: [
        { item: 'HEATING', ok: false, note: '暖气片不热' },
        { item: 'GAS', ok: true, note: null },
      ],
      grid: { name: '芳星园三区第一网格' },
    });
    // Findings recorded together share their time: found by description, not by position.
    const found = (d: string) => visit.findings.nodes.find((f: { description: string }) => f.description === d);
    expect(found('希望每周有人陪同散步')).toMatchObject({ category: '助老', request: null });
    // The request was created in the visit's transaction, then routed after commit.
    const opened = (
      await w.app.run(
        'query($id: ID!) { node(id: $id) { ... on GridFinding { request { title channel status level assignee { name } timeline { nodes { action actor { name } } } } } } }',
        { id: found('暖气片不热，需要物业上门检修').id },
      )
    ).node.request;
    expect(opened).toMatchObject({
      title: '2单元201暖气不热',
      channel: 'HOUSEHOLD_VISIT',
      status: 'ASSIGNED',
      level: 'GRID',
      assignee: { name: '王小丽' },
    });
    expect(opened.timeline.nodes[0]).toEqual({ action: 'created', actor: { name: '王小丽' } });
  });

  test('a finding recorded earlier opens a request later, once', async () => {
    const ledger = await w.app.run(
      'query($h: ID!) { place(id: $h) { gridVisits { nodes { findings { nodes { id request { id } } } } } } }',
      {
        h: w.place.h201.id,
      },
    );
    const finding = ledger.place.gridVisits.nodes[0].findings.nodes.find((f: { request: unknown }) => f.request === null).id;
    const M =
      'mutation($f: ID!) { openRequestFromFinding(findingId: $f, title: "陪同散步") { finding { request { title channel } } errors { code message field } } }';
    // Two at once: the finding is locked as it is loaded, so exactly one opens the request.
    const [a, b] = await Promise.all([
      w.app.execute(M, { f: finding }, as(w.person.wang)),
      w.app.execute(M, { f: finding }, as(w.person.wang)),
    ]);
    const won = [a, b].find((r) => !problemOf(r))!;
    expect(won.data!.openRequestFromFinding.finding.request).toEqual({ title: '陪同散步', channel: 'HOUSEHOLD_VISIT' });
    expect([a, b].map((r) => problemOf(r)).filter(Boolean)).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'findingId' })]);
    expect(await problem(w.app, M, { f: finding }, as(w.person.wang))).toMatchObject({ code: 'CONFLICT', field: 'findingId' });
  });

  test('bad visits are refused with typed errors and write nothing', async () => {
    const before = {
      visits: await count('grid.grid_visit'),
      findings: await count('grid.grid_finding'),
      requests: await count('public.request'),
    };
    const input = { householdId: w.place.h201.id, findings: [{ description: '楼道堆物', openRequest: true }] };
    const cases: [Record<string, unknown>, { caller: { id: string; kind: 'person' } } | undefined, string][] = [
      [{ ...input, householdId: w.place.b20.id }, as(w.person.wang), 'BAD_USER_INPUT'], // not a household
      // The outsider sees no place of the grid: the household is "not found" to them (issue #9).
      [input, as(w.person.outsider), 'NOT_FOUND'],
      [{ ...input, householdId: w.place.h502.id }, as(w.person.wang), 'NOT_FOUND'], // another community: outside wang's places
      [{ ...input, visitedOn: '2026-06-02' }, as(w.person.wang), 'BAD_USER_INPUT'], // the future
      [{ ...input, findings: [{ description: ' ' }] }, as(w.person.wang), 'BAD_USER_INPUT'],
      // The request of the second finding is refused after the visit and first finding were written: all rolls back.
      [
        {
          ...input,
          findings: [
            { description: '楼道堆物', openRequest: true },
            { description: '过长', openRequest: true, title: '长'.repeat(201) },
          ],
        },
        as(w.person.wang),
        'BAD_USER_INPUT',
      ],
      [input, undefined, 'UNAUTHENTICATED'],
    ];
    for (const [i, [bad, caller, code]] of cases.entries()) {
      expect([i, (await problem(w.app, VISIT, { input: bad }, caller))?.code]).toEqual([i, code]);
    }
    expect({
      visits: await count('grid.grid_visit'),
      findings: await count('grid.grid_finding'),
      requests: await count('public.request'),
    }).toEqual(before);
  });
});

describe("the people's-conditions map (民情图)", () => {
  const SET =
    'mutation($p: ID!, $l: GridAttentionLevel!, $r: String!) { setGridAttentionLevel(placeId: $p, level: $l, reason: $r) { mark { level previousLevel reason setBy { name } } errors { code message field } } }';

  test('colours carry a reason and a history', async () => {
    expect((await mutate(w.app, SET, { p: w.place.h201.id, l: 'RED', r: '暖气不热，老人独居' }, as(w.person.wang))).mark).toEqual({
      level: 'RED',
      previousLevel: null,
      reason: '暖气不热，老人独居',
      setBy: { name: '王小丽' },
    });
    w.clock.advance(60_000);
    await mutate(w.app, SET, { p: w.place.h201.id, l: 'ORANGE', r: '暖气已修好，仍需每周回访' }, as(w.person.wang));
    await mutate(w.app, SET, { p: w.place.b20.id, l: 'ORANGE', r: '楼内老人多' }, as(w.person.wang));
    await mutate(w.app, SET, { p: w.place.h101.id, l: 'GREEN', r: '一切正常' }, as(w.person.dong));
    const data = await w.app.run(
      'query($h: ID!) { place(id: $h) { attention { level reason } attentionHistory { nodes { level previousLevel reason } } } }',
      { h: w.place.h201.id },
    );
    expect(data.place).toEqual({
      attention: { level: 'ORANGE', reason: '暖气已修好，仍需每周回访' },
      attentionHistory: {
        nodes: [
          { level: 'ORANGE', previousLevel: 'RED', reason: '暖气已修好，仍需每周回访' },
          { level: 'RED', previousLevel: null, reason: '暖气不热，老人独居' },
        ],
      },
    });
  });

  test('bad colours are refused and write nothing', async () => {
    const before = await count('grid.attention_mark');
    expect((await problem(w.app, SET, { p: w.place.h201.id, l: 'RED', r: '  ' }, as(w.person.wang)))?.code).toBe('BAD_USER_INPUT');
    expect((await problem(w.app, SET, { p: w.place.u1.id, l: 'RED', r: '单元' }, as(w.person.wang)))?.code).toBe('BAD_USER_INPUT');
    expect((await problem(w.app, SET, { p: w.place.h201.id, l: 'RED', r: '无关人员' }, as(w.person.outsider)))?.code).toBe('NOT_FOUND'); // a place outside their places
    expect(await count('grid.attention_mark')).toBe(before);
  });

  test('two colour changes at once both enter the history, each replacing the one before', async () => {
    await Promise.all(
      (['RED', 'GREEN'] as const).map((l) => w.app.execute(SET, { p: w.place.h102.id, l, r: `并发${l}` }, as(w.person.dong))),
    );
    const history = (
      await w.app.run('query($h: ID!) { place(id: $h) { attention { level } attentionHistory { nodes { level previousLevel } } } }', {
        h: w.place.h102.id,
      })
    ).place;
    expect(history.attentionHistory.nodes).toHaveLength(2);
    const first = history.attentionHistory.nodes.find((m: { previousLevel: string | null }) => m.previousLevel === null);
    const second = history.attentionHistory.nodes.find((m: { previousLevel: string | null }) => m.previousLevel !== null);
    expect(second.previousLevel).toBe(first.level);
    expect(history.attention.level).toBe(second.level);
  });

  test('counts and lists by colour under any place, and GeoJSON for map clients', async () => {
    const data = await w.app.run(
      `query($u: ID!) { gridAttentionMap(underId: $u) { counts { red orange green total } marks { nodes { level place { name } } }
        geoJson { type features { type id geometry { type coordinates } properties { name level color approximate } } } } }`,
      { u: w.place.fxy.id },
    );
    const map = data.gridAttentionMap;
    expect(map.counts.total).toBe(4);
    expect(map.counts.orange).toBe(2);
    expect(map.counts.red + map.counts.green).toBe(2);
    expect(map.marks.nodes.map((m: { level: string }) => m.level)).toEqual(
      [...map.marks.nodes.map((m: { level: string }) => m.level)].sort(
        (a: string, b: string) => ['RED', 'ORANGE', 'GREEN'].indexOf(a) - ['RED', 'ORANGE', 'GREEN'].indexOf(b),
      ),
    );
    expect(map.geoJson.type).toBe('FeatureCollection');
    const byName = Object.fromEntries(map.geoJson.features.map((f: { properties: { name: string } }) => [f.properties.name, f]));
    expect(byName['2单元201']).toEqual({
      type: 'Feature',
      id: w.place.h201.id,
      geometry: { type: 'Point', coordinates: [116.4423, 39.8613] },
      properties: { name: '2单元201', level: 'ORANGE', color: '#fc8d59', approximate: false },
    });
    // A household without coordinates takes its building's, marked approximate.
    expect(byName['1单元101'].geometry).toEqual({ type: 'Point', coordinates: [116.4421, 39.8612] });
    expect(byName['1单元101'].properties.approximate).toBe(true);
    expect(JSON.parse(JSON.stringify(map.geoJson)).features).toHaveLength(4);

    // The features page in the map's order with cursors: two, then the next two from endCursor, then back.
    const P = `query($u: ID!, $after: String, $before: String, $first: Int, $last: Int) { gridAttentionMap(underId: $u) {
      geoJson(first: $first, after: $after, last: $last, before: $before) { type features { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const page = async (v: object) => (await w.app.run(P, { u: w.place.fxy.id, ...v })).gridAttentionMap.geoJson;
    const one = await page({ first: 2 });
    expect(one).toMatchObject({ type: 'FeatureCollection', pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const two = await page({ first: 2, after: one.pageInfo.endCursor });
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const id = (f: { id: string }) => f.id;
    expect([...one.features, ...two.features].map(id)).toEqual(map.geoJson.features.map(id));
    expect((await page({ last: 2, before: two.pageInfo.startCursor })).features.map(id)).toEqual(one.features.map(id));

    const unit = await w.app.run(
      'query($u: ID!) { gridAttentionMap(underId: $u, levels: [ORANGE]) { counts { total } marks { nodes { place { name } } } } }',
      { u: w.place.u2.id },
    );
    expect(unit.gridAttentionMap).toEqual({ counts: { total: 1 }, marks: { nodes: [{ place: { name: '2单元201' } }] } });
    const elsewhere = await w.app.run('query($u: ID!) { gridAttentionMap(underId: $u) { counts { total } geoJson { features { id } } } }', {
      u: w.place.cyl.id,
    });
    expect(elsewhere.gridAttentionMap).toEqual({ counts: { total: 0 }, geoJson: { features: [] } });
  });
});

test("a scoped caller's map and grid queries cover only their own places", async () => {
  const Q = 'query($u: ID!) { gridAttentionMap(underId: $u) { counts { total } marks { nodes { place { name } } } } }';
  const all = (await w.app.run(Q, { u: w.place.sub.id })).gridAttentionMap;
  expect(all.counts.total).toBeGreaterThan(0);
  // 李网格 works in 成仪路社区: under the subdistrict he sees nothing of 芳星园三区.
  expect((await w.app.run(Q, { u: w.place.sub.id }, as(w.person.li))).gridAttentionMap).toEqual({
    counts: { total: 0 },
    marks: { nodes: [] },
  });
  expect((await w.app.run(Q, { u: w.place.sub.id }, as(w.person.wang))).gridAttentionMap.counts.total).toBe(all.counts.total);
  for (const q of [
    'query($g: ID!) { gridCoverage(gridId: $g) { householdCount } }',
    'query($g: ID!) { gridMeetingHandOff(gridId: $g) { since } }',
  ]) {
    expect((await problem(w.app, q, { g: grid }, as(w.person.li)))?.code).toBe('NOT_FOUND');
  }
});

describe('coverage and the weekly hand-off', () => {
  test('households not visited in the last N days; visits per worker per week', async () => {
    await mutate(w.app, VISIT, { input: { householdId: w.place.h101.id, visitedOn: '2026-04-22', notes: '回访' } }, as(w.person.dong));
    await mutate(w.app, VISIT, { input: { householdId: w.place.h201.id, visitedOn: '2026-05-28' } }, as(w.person.wang));
    const C =
      'query($g: ID!, $d: Int!) { gridCoverage(gridId: $g, days: $d) { days since householdCount visitedCount notVisited { nodes { name } } } }';
    const month = (await w.app.run(C, { g: grid, d: 30 })).gridCoverage;
    expect(month).toMatchObject({ days: 30, since: '2026-05-03', householdCount: 4, visitedCount: 1 });
    expect(month.notVisited.nodes.map((p: { name: string }) => p.name).sort()).toEqual(['1单元101', '1单元102', '21号楼101']);
    const twoMonths = (await w.app.run(C, { g: grid, d: 60 })).gridCoverage;
    expect(twoMonths.visitedCount).toBe(2);
    expect((await problem(w.app, C, { g: grid, d: 0 }))?.code).toBe('BAD_USER_INPUT');

    const stats = await w.app.run(
      'query($g: ID!) { gridVisitStats(gridId: $g, from: "2026-04-01", to: "2026-06-30") { worker { name } weekStart visits } }',
      { g: grid },
    );
    expect(stats.gridVisitStats).toEqual([
      { worker: { name: '董桂芳' }, weekStart: '2026-04-20', visits: 1 },
      { worker: { name: '王小丽' }, weekStart: '2026-05-25', visits: 1 },
      { worker: { name: '王小丽' }, weekStart: '2026-06-01', visits: 1 },
    ]);
    // A year at most (366 days, both ends counted): the answer stays a few workers × 53 weeks.
    const S = 'query($g: ID!, $from: String!, $to: String!) { gridVisitStats(gridId: $g, from: $from, to: $to) { weekStart } }';
    expect((await w.app.run(S, { g: grid, from: '2025-07-01', to: '2026-06-30' })).gridVisitStats).toHaveLength(3);
    const tooLong = await problem(w.app, S, { g: grid, from: '2025-06-29', to: '2026-06-30' });
    expect(tooLong).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(tooLong?.message).toContain('more than a year');
  });

  test("the hand-off lists findings since the last meeting and the grid's open requests, as a query and a service", async () => {
    const H = `query($g: ID!) { gridMeetingHandOff(gridId: $g) { since findings { nodes { description request { title } } } openRequests { nodes { title status } } } }`;
    const first = (await w.app.run(H, { g: grid })).gridMeetingHandOff;
    expect(first.since).toBeNull();
    expect(first.findings.nodes.map((f: { description: string }) => f.description).sort()).toEqual(
      ['希望每周有人陪同散步', '暖气片不热，需要物业上门检修'].sort(),
    );
    expect(first.openRequests.nodes.map((r: { title: string }) => r.title).sort()).toEqual(['2单元201暖气不热', '陪同散步'].sort());

    await mutate(
      w.app,
      'mutation($g: ID!) { recordGridMeeting(gridId: $g, notes: "周一网格议事会") { meeting { heldAt grid { name } recordedBy { name } } errors { code message field } } }',
      { g: grid },
      as(w.person.wang),
    );
    w.clock.advance(3_600_000);
    await mutate(
      w.app,
      VISIT,
      { input: { householdId: w.place.h21.id, findings: [{ description: '21号楼屋顶漏雨', openRequest: true }] } },
      as(w.person.wang),
    );
    const next = (await w.app.run(H, { g: grid })).gridMeetingHandOff;
    expect(next.since).toBe('2026-06-01T01:01:00.000Z');
    expect(next.findings.nodes).toEqual([{ description: '21号楼屋顶漏雨', request: { title: '21号楼屋顶漏雨' } }]);
    expect(next.openRequests.nodes.map((r: { title: string }) => r.title).sort()).toEqual(
      ['2单元201暖气不热', '陪同散步', '21号楼屋顶漏雨'].sort(),
    );
    expect(next.openRequests.nodes.at(-1).title).toBe('21号楼屋顶漏雨'); // oldest first

    // The same through the service a council plugin would use (plain data, local ids).
    const { localId } = await import('@gongzhi/core');
    const plain = await w.app.platform.services.get('grid').handOff(localId(grid, 'Grid'));
    expect(plain).toMatchObject({ gridName: '芳星园三区第一网格', since: new Date('2026-06-01T01:01:00.000Z') });
    expect(plain!.findings.map((f) => f.description)).toEqual(['21号楼屋顶漏雨']);
    expect(plain!.openRequests).toHaveLength(3);
    expect(
      (
        await problem(
          w.app,
          'mutation($g: ID!) { recordGridMeeting(gridId: $g, heldAt: "2030-01-01T00:00:00Z") { meeting { id } errors { code message field } } }',
          { g: grid },
        )
      )?.code,
    ).toBe('BAD_USER_INPUT');
  });
});

test('visit, finding and colour fields are batched: as many statements for 1 household as for 4', async () => {
  // The first household listed (21号楼101) has everything the others may have: a visit with people met, a finding with a request, a colour.
  await mutate(w.app, VISIT, { input: { householdId: w.place.h21.id, metPersonIds: [w.person.resident.id] } }, as(w.person.wang));
  await mutate(
    w.app,
    'mutation($p: ID!) { setGridAttentionLevel(placeId: $p, level: GREEN, reason: "正常") { mark { level } errors { code } } }',
    { p: w.place.h21.id },
    as(w.person.wang),
  );
  // One query per family of fields, so each loader is fed by one wave of parents (DataLoader batches per tick).
  for (const fields of [
    'gridVisits { nodes { worker { name } met { name } household { name } grid { name } } }',
    'gridVisits { nodes { findings { nodes { request { status } visit { visitedOn } } } } }',
    'attention { level setBy { name } place { name } }',
    'attentionHistory { nodes { level setBy { name } } }',
  ]) {
    const q = `query($u: ID!, $n: Int!) { places(type: HOUSEHOLD, under: $u, first: $n) { nodes { name ${fields} } } }`;
    const one = await w.app.countStatements(() => w.app.run(q, { u: w.place.c1.id, n: 1 }));
    const four = await w.app.countStatements(() => w.app.run(q, { u: w.place.c1.id, n: 4 }));
    expect((await w.app.run(q, { u: w.place.c1.id, n: 4 })).places.nodes).toHaveLength(4);
    expect([fields, four]).toEqual([fields, one]);
  }
});

test("the people's-conditions ledger (民情账): gridVisits by grid, place, worker and days, newest first, for whoever sees the place", async () => {
  const march = { from: '2026-03-01', to: '2026-03-31' };
  await mutate(w.app, VISIT, { input: { householdId: w.place.h201.id, visitedOn: '2026-03-02', notes: '三月走访' } }, as(w.person.wang));
  await mutate(
    w.app,
    VISIT,
    { input: { householdId: w.place.h101.id, visitedOn: '2026-03-03', checks: [{ item: 'GAS', ok: false, note: '软管老化' }] } },
    as(w.person.dong),
  );
  const L = `query($f: GridVisitFilter, $first: Int, $after: String) { gridVisits(filter: $f, first: $first, after: $after) {
    nodes { visitedOn household { name } worker { name } checks { item ok note } } pageInfo { hasNextPage endCursor } } }`;
  const listed = async (filter: Record<string, unknown>, opts?: Parameters<typeof as>[0]) =>
    (await w.app.run(L, { f: { ...march, ...filter } }, opts && as(opts))).gridVisits.nodes.map(
      (v: { visitedOn: string; household: { name: string }; worker: { name: string } }) =>
        `${v.visitedOn} ${v.household.name} ${v.worker.name}`,
    );
  const both = ['2026-03-03 1单元101 董桂芳', '2026-03-02 2单元201 王小丽'];
  expect(await listed({ gridId: grid })).toEqual(both);
  expect(await listed({})).toEqual(both);
  // The micro-grid covers 1单元 only; a place, a worker and a day narrow as they say.
  expect(await listed({ gridId: micro })).toEqual([both[0]]);
  expect(await listed({ under: w.place.u1.id })).toEqual([both[0]]);
  expect(await listed({ workerId: w.person.wang.id })).toEqual([both[1]]);
  expect(await listed({ from: '2026-03-03' })).toEqual([both[0]]);
  expect(await listed({ to: '2026-03-02' })).toEqual([both[1]]);
  // A page at a time, by cursor.
  const first = (await w.app.run(L, { f: march, first: 1 })).gridVisits;
  expect(first.pageInfo.hasNextPage).toBe(true);
  expect((await w.app.run(L, { f: march, first: 1, after: first.pageInfo.endCursor })).gridVisits.nodes[0].visitedOn).toBe('2026-03-02');
  // Whoever sees the community sees its ledger (董桂芳, a grid worker there, sees 王小丽's visit too);
  // 李网格 of another community sees none of it, and its grid answers as a made-up id would.
  expect(await listed({}, w.person.dong)).toEqual(both);
  expect(await listed({ under: w.place.sub.id }, w.person.li)).toEqual([]);
  expect((await problem(w.app, L, { f: { gridId: grid } }, as(w.person.li)))?.code).toBe('NOT_FOUND');
  // Days are YYYY-MM-DD, the last not before the first.
  expect(await problem(w.app, L, { f: { from: '2026-3-1' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  expect(await problem(w.app, L, { f: { from: '2026-03-31', to: '2026-03-01' } })).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'filter.to',
  });
});

test('a finding’s photos are those of the request it opens; a photo refused is named where the worker gave it', async () => {
  // A 1×1 PNG, uploaded as POST /photos keeps it.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  const upload = async (who: { uuid: string }) => {
    const kept = await runCommand(w.app.platform.createContext({ id: who.uuid, kind: 'person' }), uploadPhoto, {
      contentType: 'image/png',
      bytes: png,
    });
    if (!kept.ok) throw new Error(kept.errors.map((e) => e.message).join(' '));
    return toGlobalId('PhotoUpload', kept.value.uuid);
  };
  const V = `mutation($input: RecordGridVisitInput!) { recordGridVisit(input: $input) {
    visit { findings { nodes { id request { photos { nodes { url addedBy { name } } } } } } } errors { code field } } }`;
  const visit = async (findings: Record<string, unknown>[]) =>
    (await w.app.run(V, { input: { householdId: w.place.h201.id, findings } }, as(w.person.wang))).recordGridVisit;
  const photo = await upload(w.person.wang);
  const done = await visit([{ description: '楼道堆放杂物，堵塞消防通道', openRequest: true, photoUploadIds: [photo] }]);
  expect(done.errors).toEqual([]);
  expect(done.visit.findings.nodes[0].request.photos.nodes).toEqual([
    { url: expect.stringMatching(/^\/photos\/[0-9a-f-]{36}\?expires=\d+&signature=[\w-]+$/), addedBy: { name: '王小丽' } },
  ]);
  const before = await count('grid.grid_visit');
  // The same picture again, on the second finding: refused there, and nothing of the visit is written.
  const again = await visit([
    { description: '单元门禁损坏', openRequest: true },
    { description: '又拍了一张', openRequest: true, photoUploadIds: [photo] },
  ]);
  expect(again.errors).toEqual([{ code: 'CONFLICT', field: 'input.findings.1.photoUploadIds.0' }]);
  // Photos with no request to keep them; another worker's picture, as a made-up id.
  expect((await visit([{ description: '无需转办', photoUploadIds: [await upload(w.person.wang)] }])).errors).toEqual([
    { code: 'BAD_USER_INPUT', field: 'input.findings.0.photoUploadIds' },
  ]);
  expect((await visit([{ description: '借用照片', openRequest: true, photoUploadIds: [await upload(w.person.dong)] }])).errors).toEqual([
    { code: 'NOT_FOUND', field: 'input.findings.0.photoUploadIds.0' },
  ]);
  expect(await count('grid.grid_visit')).toBe(before);

  // A finding recorded without a request gets one later, with the photos taken then.
  const later = await visit([{ description: '窗户玻璃破损' }, { description: '楼梯扶手松动' }]);
  expect(later.errors).toEqual([]);
  const [glass, rail] = later.visit.findings.nodes.map((f: { id: string }) => f.id);
  const O = `mutation($f: ID!, $p: [ID!]) { openRequestFromFinding(findingId: $f, photoUploadIds: $p) {
    finding { request { photos { nodes { addedBy { name } } } } } errors { code field } } }`;
  const open = async (f: string, p: string[]) => (await w.app.run(O, { f, p }, as(w.person.wang))).openRequestFromFinding;
  const second = await upload(w.person.wang);
  const opened = await open(glass, [second]);
  expect(opened.errors).toEqual([]);
  expect(opened.finding.request.photos.nodes).toEqual([{ addedBy: { name: '王小丽' } }]);
  expect((await open(rail, [second])).errors).toEqual([{ code: 'CONFLICT', field: 'photoUploadIds.0' }]);
});
