import { type GongzhiEvent, migrate, migrationSources, toGlobalId } from '@gongzhi/core';
import { createTestDatabase } from '@gongzhi/core/testing';
import gridPlugin from '../src/index.js';
import { as, assignWorker, createGrid, createWorld, mutate, problem, request, submit, type World } from './world.js';

const HOUR = 3_600_000;
let w: World;
let grid: string;
const escalations: GongzhiEvent<'request.escalated'>[] = [];

beforeAll(async () => {
  w = await createWorld();
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  await createGrid(w.app, w.place.fxy.id, '芳星园二区网格', [w.place.c2.id]);
  await assignWorker(w.app, grid, w.person.wang.id);
  w.app.platform.events.on('request.escalated', (e) => {
    escalations.push(e);
  });
});
afterAll(() => w?.app.close());

const run = async () =>
  (
    await mutate(
      w.app,
      'mutation { escalateOverdueRequests { run { escalatedCount requests { id level status } } errors { code message field } } }',
      {},
    )
  ).run;
const escalatedEntries = (r: { timeline: { nodes: { action: string }[] } }) => r.timeline.nodes.filter((e) => e.action === 'escalated');

test('a request escalates grid › community › subdistrict when each level runs out of time, once per level', async () => {
  const id = await submit(w.app, w.place.h101.id, w.person.resident.id, '楼道堆放杂物');
  expect((await request(w.app, id)).status).toBe('ASSIGNED');
  w.clock.advance(71 * HOUR);
  expect((await run()).escalatedCount).toBe(0);

  w.clock.advance(2 * HOUR); // 73 h at the grid level: over the default 72 h
  const first = await run();
  expect(first).toEqual({ escalatedCount: 1, requests: [{ id, level: 'COMMUNITY', status: 'ESCALATED' }] });
  const atCommunity = await request(w.app, id);
  expect(atCommunity.assignee).toBeNull();
  expect(escalatedEntries(atCommunity)).toEqual([
    expect.objectContaining({
      fromStatus: 'ASSIGNED',
      toStatus: 'ESCALATED',
      note: expect.stringContaining('grid → community: automatic: not resolved within 72 h'),
      // The job changes requests through core's commands, as the system named after the job.
      actorLabel: 'system: grid.escalation',
      actor: null,
    }),
  ]);
  expect(escalations.map((e) => e.payload)).toEqual([
    expect.objectContaining({ level: 'community', fromLevel: 'grid', status: 'escalated', placePath: w.place.h101.path }),
  ]);
  // It shows on the community's board.
  const board = await w.app.run('query($c: ID!) { requests(filter: { under: $c, level: [COMMUNITY] }) { edges { node { id } } } }', {
    c: w.place.fxy.id,
  });
  expect(board.requests.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
  expect((await run()).escalatedCount).toBe(0); // nothing twice

  // The community's 168 h start when it arrived there; nobody accepted it in time.
  w.clock.advance(167 * HOUR);
  expect((await run()).escalatedCount).toBe(0);
  w.clock.advance(2 * HOUR);
  expect((await run()).requests).toEqual([{ id, level: 'SUBDISTRICT', status: 'ESCALATED' }]);
  const top = await request(w.app, id);
  expect(top.timeline.nodes.slice(-2)).toEqual([
    expect.objectContaining({
      action: 'status',
      fromStatus: 'ESCALATED',
      toStatus: 'ACCEPTED',
      note: expect.stringContaining('accepted automatically'),
      actorLabel: 'system: grid.escalation',
    }),
    expect.objectContaining({
      action: 'escalated',
      fromStatus: 'ACCEPTED',
      toStatus: 'ESCALATED',
      note: expect.stringContaining('community → subdistrict'),
    }),
  ]);
  w.clock.advance(1000 * HOUR);
  expect((await run()).escalatedCount).toBe(0); // the subdistrict is the top
  expect(escalations.length).toBe(2);
});

test('resolved work and wishes do not escalate', async () => {
  const id = await submit(w.app, w.place.h102.id, w.person.resident.id, '电梯异响');
  const wish = (
    await w.app.run('mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } } }', {
      input: {
        kind: 'WISH',
        channel: 'WISH_WALL',
        title: '微心愿：想要一台收音机',
        placeId: w.place.h102.id,
        requesterId: w.person.resident.id,
      },
    })
  ).submitRequest.request.id;
  for (const to of ['IN_PROGRESS', 'RESOLVED'])
    await w.app.run('mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { errors { code } } }', { id, to });
  w.clock.advance(500 * HOUR);
  const escalated = (await run()).requests.map((r: { id: string }) => r.id);
  expect(escalated).not.toContain(id);
  expect(escalated).not.toContain(wish);
  expect(await request(w.app, wish)).toMatchObject({ level: 'GRID', status: 'SUBMITTED', assignee: null }); // nor is it routed
});

test('limits are set per community and per grid; the most specific applies', async () => {
  const other = await mutate(
    w.app,
    'mutation($c: ID!) { setCommunityEscalationLimit(communityId: $c, level: GRID, hours: 24) { limit { scope scopeId level hours } errors { code message field } } }',
    { c: w.place.fxy.id },
  );
  expect(other.limit).toEqual({ scope: 'community', scopeId: w.place.fxy.id, level: 'GRID', hours: 24 });
  const SET =
    'mutation($g: ID!, $h: Int!) { setGridEscalationLimit(gridId: $g, level: GRID, hours: $h) { limit { hours } errors { code message field } } }';
  await mutate(w.app, SET, { g: grid, h: 4 });
  expect((await mutate(w.app, SET, { g: grid, h: 6 })).limit).toEqual({ hours: 6 }); // replaces
  const limits = await w.app.run(
    'query($c: ID!) { place(id: $c) { grids { nodes { name escalationLimits { gridLevelHours gridLevelSource communityLevelHours communityLevelSource } } } } }',
    {
      c: w.place.fxy.id,
    },
  );
  expect(limits.place.grids.nodes).toEqual([
    {
      name: '芳星园三区第一网格',
      escalationLimits: { gridLevelHours: 6, gridLevelSource: 'grid', communityLevelHours: 168, communityLevelSource: 'default' },
    },
    {
      name: '芳星园二区网格',
      escalationLimits: { gridLevelHours: 24, gridLevelSource: 'community', communityLevelHours: 168, communityLevelSource: 'default' },
    },
  ]);

  const inGrid = await submit(w.app, w.place.h201.id, w.person.resident.id, '2单元下水道堵塞');
  const inOther = await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼外墙脱落');
  w.clock.advance(7 * HOUR);
  expect((await run()).requests.map((r: { id: string }) => r.id)).toEqual([inGrid]);
  w.clock.advance(18 * HOUR);
  expect((await run()).requests.map((r: { id: string }) => r.id)).toEqual([inOther]);

  expect(
    (
      await problem(
        w.app,
        'mutation($g: ID!) { setGridEscalationLimit(gridId: $g, level: SUBDISTRICT, hours: 4) { limit { hours } errors { code message field } } }',
        {
          g: grid,
        },
      )
    )?.code,
  ).toBe('BAD_USER_INPUT');
  expect(
    (
      await problem(
        w.app,
        'mutation($g: ID!) { setGridEscalationLimit(gridId: $g, level: GRID, hours: 0) { limit { hours } errors { code message field } } }',
        { g: grid },
      )
    )?.message,
  ).toMatch(/got 0\. For a limit under an hour give "minutes" instead; for a sooner limit on one request, give it a deadline \(dueAt/);
});

test('two schedulers at once: every overdue request escalates exactly once', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 8; i++)
    ids.push(await submit(w.app, i % 2 ? w.place.h101.id : w.place.h5.id, w.person.resident.id, `并发升级测试${i}`));
  w.clock.advance(100 * HOUR);
  const services = w.app.platform.services.get('grid');
  const errorsBefore = w.errors.length;
  const [a, b, c] = await Promise.all([run(), run(), services.escalateOverdue()]);
  // No scheduler tripped over another (a lost race would be logged as a failed escalation).
  expect(w.errors.slice(errorsBefore)).toEqual([]);
  expect(a.escalatedCount + b.escalatedCount + c.length).toBe(8);
  const all = [
    ...a.requests.map((r: { id: string }) => r.id),
    ...b.requests.map((r: { id: string }) => r.id),
    ...c.map((uuid) => toGlobalId('Request', uuid)),
  ];
  expect(new Set(all).size).toBe(8);
  for (const id of ids) {
    const r = await request(w.app, id);
    expect(r.level).toBe('COMMUNITY');
    expect(escalatedEntries(r)).toHaveLength(1);
  }
});

test('manual escalation needs a reason and a worker of the grid; a closed request cannot be escalated', async () => {
  const id = await submit(w.app, w.place.h201.id, w.person.resident.id, '化粪池堵塞，需要更换主管道');
  const M =
    'mutation($r: ID!, $why: String!) { escalateGridRequest(requestId: $r, reason: $why) { request { level status timeline { nodes { action note actor { name } } } } errors { code message } } }';
  expect((await problem(w.app, M, { r: id, why: '  ' }, as(w.person.wang)))?.code).toBe('BAD_USER_INPUT');
  expect((await problem(w.app, M, { r: id, why: '太难了' }, as(w.person.outsider)))?.code).toBe('NOT_FOUND'); // a request outside their places
  expect((await problem(w.app, M, { r: id, why: '太难了' }))?.code).toBe('UNAUTHENTICATED');
  const done = (await w.app.run(M, { r: id, why: '需更换主管道一百余米，超出网格能力' }, as(w.person.wang))).escalateGridRequest;
  expect(done.errors).toEqual([]);
  expect(done.request).toMatchObject({ level: 'COMMUNITY', status: 'ESCALATED' });
  expect(done.request.timeline.nodes.at(-1)).toEqual({
    action: 'escalated',
    note: 'grid → community: 需更换主管道一百余米，超出网格能力',
    actor: { name: '王小丽' },
  });
  // At the community level it takes core's request.manage there: a resident has not got it.
  await w.app.run('mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }', { id });
  expect((await problem(w.app, M, { r: id, why: '社区也解决不了' }, as(w.person.resident)))?.code).toBe('FORBIDDEN');
  expect((await request(w.app, id)).level).toBe('COMMUNITY');

  const closed = await submit(w.app, w.place.h201.id, w.person.resident.id, '已处理的问题');
  for (const to of ['IN_PROGRESS', 'RESOLVED', 'CLOSED'])
    await w.app.run('mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { errors { code } } }', {
      id: closed,
      to,
    });
  const before = (await request(w.app, closed)).timeline.nodes.length;
  const refused = (await w.app.run(M, { r: closed, why: '再升级' }, as(w.person.wang))).escalateGridRequest;
  expect(refused.request).toBeNull();
  expect(refused.errors[0].code).toBe('ILLEGAL_TRANSITION');
  const after = await request(w.app, closed);
  expect(after).toMatchObject({ level: 'GRID', status: 'CLOSED' });
  expect(after.timeline.nodes.length).toBe(before);
});

test('a request past its deadline escalates once, to the minute; a deadline moved later can escalate it again', async () => {
  const id = await submit(w.app, w.place.h101.id, w.person.resident.id, '污水管塌陷');
  const deadline = async (dueAt: string, reason: string) =>
    mutate(
      w.app,
      'mutation($id: ID!, $dueAt: DateTimeISO, $reason: String!) { changeRequestDeadline(id: $id, dueAt: $dueAt, reason: $reason) { request { dueAt } errors { code message } } }',
      { id, dueAt, reason },
    );
  const now = () => w.app.platform.now().getTime();
  const MINUTE = 60_000;
  expect((await deadline(new Date(now() + 30 * MINUTE).toISOString(), '汛期前必须排查')).errors).toEqual([]);
  const mine = async () => (await run()).requests.filter((r: { id: string }) => r.id === id);
  w.clock.advance(29 * MINUTE);
  expect(await mine()).toEqual([]);
  w.clock.advance(2 * MINUTE); // past its dueAt, far within the grid's 72 h
  expect(await mine()).toEqual([{ id, level: 'COMMUNITY', status: 'ESCALATED' }]);
  expect(escalatedEntries(await request(w.app, id))).toEqual([
    expect.objectContaining({ note: expect.stringContaining('grid → community: automatic: not resolved within its deadline') }),
  ]);
  w.clock.advance(10 * MINUTE);
  expect(await mine()).toEqual([]); // the passed deadline escalates once, not at every level
  // At the community, a new deadline of 3 days, compressed to 2 (within the community's 168 h limit): it passes too.
  await deadline(new Date(now() + 72 * HOUR).toISOString(), '社区协调施工队，3天内完成');
  await deadline(new Date(now() + 48 * HOUR).toISOString(), '居民急需，压缩到2天');
  w.clock.advance(48 * HOUR - MINUTE);
  expect(await mine()).toEqual([]);
  w.clock.advance(2 * MINUTE);
  expect(await mine()).toEqual([{ id, level: 'SUBDISTRICT', status: 'ESCALATED' }]);
  expect(escalatedEntries(await request(w.app, id)).at(-1)).toEqual(
    expect.objectContaining({ note: expect.stringContaining('community → subdistrict: automatic: not resolved within its deadline') }),
  );
});

test('limits are set to the minute: a 30-minute limit escalates after 31 minutes, not after 29', async () => {
  const MINUTE = 60_000;
  const SET =
    'mutation($g: ID!, $m: Int) { setGridEscalationLimit(gridId: $g, level: GRID, minutes: $m) { limit { scope level minutes hours } errors { code message field } } }';
  expect((await mutate(w.app, SET, { g: grid, m: 30 })).limit).toEqual({ scope: 'grid', level: 'GRID', minutes: 30, hours: 1 });
  const limits = await w.app.run(
    'query($c: ID!) { place(id: $c) { grids { nodes { name escalationLimits { gridLevelMinutes gridLevelHours gridLevelSource communityLevelMinutes communityLevelHours } } } } }',
    { c: w.place.fxy.id },
  );
  expect(limits.place.grids.nodes[0]).toEqual({
    name: '芳星园三区第一网格',
    // The deprecated hours round up: 30 minutes shows as 1 hour.
    escalationLimits: {
      gridLevelMinutes: 30,
      gridLevelHours: 1,
      gridLevelSource: 'grid',
      communityLevelMinutes: 168 * 60,
      communityLevelHours: 168,
    },
  });

  const id = await submit(w.app, w.place.h101.id, w.person.resident.id, '楼道灯不亮');
  const mine = async () => (await run()).requests.filter((r: { id: string }) => r.id === id);
  w.clock.advance(29 * MINUTE);
  expect(await mine()).toEqual([]);
  w.clock.advance(2 * MINUTE);
  expect(await mine()).toEqual([{ id, level: 'COMMUNITY', status: 'ESCALATED' }]);
  expect(escalatedEntries(await request(w.app, id))).toEqual([
    expect.objectContaining({ note: expect.stringContaining('automatic: not resolved within 30 min at the grid level') }),
  ]);

  // A community's limit to the minute too, where no grid sets its own (the second grid's community limit).
  const COMMUNITY =
    'mutation($c: ID!, $m: Int) { setCommunityEscalationLimit(communityId: $c, level: GRID, minutes: $m) { limit { minutes hours } errors { code message field } } }';
  expect((await mutate(w.app, COMMUNITY, { c: w.place.fxy.id, m: 90 })).limit).toEqual({ minutes: 90, hours: 2 });
  const other = await submit(w.app, w.place.h5.id, w.person.resident.id, '5号楼电梯异响');
  const theirs = async () => (await run()).requests.filter((r: { id: string }) => r.id === other);
  w.clock.advance(89 * MINUTE);
  expect(await theirs()).toEqual([]);
  w.clock.advance(2 * MINUTE);
  expect(await theirs()).toEqual([{ id: other, level: 'COMMUNITY', status: 'ESCALATED' }]);
});

test('a limit is given exactly once: minutes or the deprecated hours, in range', async () => {
  const grid_ = (args: string) =>
    problem(
      w.app,
      `mutation($g: ID!) { setGridEscalationLimit(gridId: $g, level: GRID${args}) { limit { minutes } errors { code message field } } }`,
      {
        g: grid,
      },
    );
  const community = (args: string) =>
    problem(
      w.app,
      `mutation($c: ID!) { setCommunityEscalationLimit(communityId: $c, level: GRID${args}) { limit { minutes } errors { code message field } } }`,
      { c: w.place.fxy.id },
    );
  for (const set of [grid_, community]) {
    expect(await set(', minutes: 30, hours: 1')).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'hours',
      message: 'Give the limit once: "minutes" (30) and "hours" (1) were both given. Give only "minutes"; "hours" is deprecated.',
    });
    expect(await set('')).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'minutes',
      message: '"minutes" is missing: give the limit in minutes, from 1 to 525600 (a year).',
    });
    expect(await set(', minutes: null, hours: null')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minutes' });
    expect(await set(', minutes: 0')).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'minutes',
      message: expect.stringContaining('got 0'),
    });
    expect(await set(', minutes: 525601')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minutes' });
    expect(await set(', hours: 8761')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hours' });
  }
  // The longest limit, a year, is accepted either way.
  expect(await grid_(', minutes: 525600')).toBeUndefined();
  expect(await community(', hours: 8760')).toBeUndefined();
});

test('migration 0002 turns the limits set in hours into minutes and drops the hour column', async () => {
  const db = await createTestDatabase();
  try {
    const [core, grid] = migrationSources([gridPlugin]);
    const [first, ...rest] = grid.migrations;
    expect(first.name).toBe('0001_grids');
    const community = '5d6f3f4e-0000-4000-8000-000000000001';
    // A database as 0.3.0 left it: a community limit of 5 hours and a grid limit of 8760 (the longest).
    await migrate(db.url, [
      core,
      { owner: 'grid', migrations: [first] },
      {
        owner: 'test',
        migrations: [
          {
            name: 'limits_in_hours',
            up: `INSERT INTO public.place (id, type, code, name, path, depth) VALUES ('${community}', 'community', 'T-C', '测试社区', '/${community}/', 0);
                 INSERT INTO grid.grid (id, name, community_id) VALUES ('${community.replace('0001', '0002')}', '测试网格', '${community}');
                 INSERT INTO grid.escalation_limit (id, community_id, level, hours) VALUES (gen_random_uuid(), '${community}', 'grid', 5);
                 INSERT INTO grid.escalation_limit (id, grid_id, level, hours) VALUES (gen_random_uuid(), '${community.replace('0001', '0002')}', 'community', 8760);`,
          },
        ],
      },
    ]);
    expect((await migrate(db.url, [core, { owner: 'grid', migrations: rest }])).applied.map((m) => m.name)).toEqual(
      rest.map((m) => m.name),
    );
    // Checked in the database (the plugin has no driver of its own): a failed check fails the migration.
    const check = (name: string, failsWhen: string) =>
      migrate(db.url, [
        { owner: 'test', migrations: [{ name, up: `DO $$ BEGIN IF ${failsWhen} THEN RAISE EXCEPTION 'check failed'; END IF; END $$;` }] },
      ]);
    await expect(
      check('minutes', `(SELECT array_agg(minutes ORDER BY minutes) FROM grid.escalation_limit) IS DISTINCT FROM ARRAY[300, 525600]`),
    ).resolves.toBeDefined();
    await expect(
      check(
        'no_hours',
        `EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'grid' AND table_name = 'escalation_limit' AND column_name = 'hours')`,
      ),
    ).resolves.toBeDefined();
    // The check itself can fail: a wrong expectation is refused.
    await expect(check('wrong', `(SELECT min(minutes) FROM grid.escalation_limit) <> 5`)).rejects.toThrow('check failed');
  } finally {
    await db.drop();
  }
});

test('the escalation statements are prepared: a run and each escalation settle on kept plans, not planned per request', async () => {
  for (let i = 0; i < 7; i++) await submit(w.app, w.place.h101.id, w.person.resident.id, `计划缓存测试${i}`);
  w.clock.advance(367 * 24 * HOUR); // past the year-long limits an earlier test left
  let escalated = 0;
  const prepared = await w.app.preparedStatements(async () => {
    escalated = (await run()).escalatedCount;
  });
  expect(escalated).toBeGreaterThanOrEqual(7);
  const candidates = prepared.filter((s) => s.statement.includes('FROM request r') && s.statement.includes("t.action = 'escalated'"));
  // Two texts: the run's scan and the recheck of one request inside each escalation; every value bound.
  expect(candidates).toHaveLength(2);
  for (const s of candidates) expect(s.parameterTypes).toContain('timestamp with time zone');
  const recheck = candidates.find((s) => s.statement.includes('r.id = ANY'))!;
  expect(recheck.genericPlans + recheck.customPlans).toBeGreaterThanOrEqual(escalated);
  expect(recheck.genericPlans).toBeGreaterThan(0);
  // The grid's own statements (the shortest limits, each candidate's limit) are prepared too.
  const limits = prepared.filter((s) => s.statement.includes('escalation_limit'));
  expect(limits.length).toBeGreaterThanOrEqual(2);
  for (const s of limits) expect(s.genericPlans + s.customPlans).toBeGreaterThanOrEqual(escalated);
});
