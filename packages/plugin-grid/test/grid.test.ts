import { localId, Request, RequestStatus } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { createWorld, as, problem, mutate, createGrid, assignWorker, submit, request, type World } from './world.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const count = async (sql: string) => Number((await w.app.platform.orm.em.fork().execute(sql))[0].n);

describe('grids and micro-grids', () => {
  let grid: string;

  test('a grid covers compounds of its community; a micro-grid nests in it and covers units', async () => {
    grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
    const micro = await createGrid(w.app, w.place.fxy.id, '20号楼一单元微网格', [w.place.u1.id], { k: 'MICRO_GRID', parent: grid });
    const data = await w.app.run(
      `query($g: ID!, $h: ID!, $o: ID!) {
        grid(id: $g) { name kind community { name } places { nodes { name } } microGrids { nodes { name kind parent { name } places { nodes { name } } } } }
        h: place(id: $h) { grid { name } microGrid { name } }
        o: place(id: $o) { grid { name } microGrid { name } }
      }`,
      { g: grid, h: w.place.h101.id, o: w.place.h201.id },
    );
    expect(data.grid).toEqual({
      name: '芳星园三区第一网格',
      kind: 'GRID',
      community: { name: '芳星园三区社区' },
      places: { nodes: [{ name: '芳星园三区' }] },
      microGrids: {
        nodes: [
          {
            name: '20号楼一单元微网格',
            kind: 'MICRO_GRID',
            parent: { name: '芳星园三区第一网格' },
            places: { nodes: [{ name: '1单元' }] },
          },
        ],
      },
    });
    expect(data.h).toEqual({ grid: { name: '芳星园三区第一网格' }, microGrid: { name: '20号楼一单元微网格' } });
    expect(data.o).toEqual({ grid: { name: '芳星园三区第一网格' }, microGrid: null });
    const node = await w.app.run('query($id: ID!) { node(id: $id) { id ... on Grid { name } } }', { id: micro });
    expect(node.node.name).toBe('20号楼一单元微网格');
  });

  test('managing grids takes the grid.manage permission (a social worker of the community has it)', async () => {
    const M = 'mutation($c: ID!) { createGrid(communityId: $c, name: "权限测试网格") { grid { name } errors { code message field } } }';
    expect(await problem(w.app, M, { c: w.place.fxy.id }, as(w.person.resident))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await problem(w.app, M, { c: w.place.fxy.id }, { caller: null }))?.code).toBe('NOT_FOUND'); // anonymous callers see no place
    await w.app.run(
      'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: SOCIAL_WORKER, startsOn: "2026-01-01") { role { id } errors { code message field } } }',
      { p: w.person.li.id, c: w.place.cyl.id },
    );
    expect((await problem(w.app, M, { c: w.place.fxy.id }, as(w.person.li)))?.code).toBe('NOT_FOUND'); // another community: outside li's places, so "not found"
    expect((await mutate(w.app, M, { c: w.place.cyl.id }, as(w.person.li))).grid).toEqual({ name: '权限测试网格' });
  });

  test('overlapping grids are refused with GRID_OVERLAP and nothing is written', async () => {
    const before = await count('SELECT count(*) AS n FROM grid.grid');
    // A building inside a compound another grid covers.
    const inside = await problem(
      w.app,
      'mutation($c: ID!, $p: [ID!]!) { createGrid(communityId: $c, name: "重叠网格", placeIds: $p) { grid { id } errors { code message field } } }',
      {
        c: w.place.fxy.id,
        p: [w.place.c2.id, w.place.b20.id],
      },
    );
    expect(inside?.code).toBe('GRID_OVERLAP');
    expect(inside?.message).toContain('芳星园三区第一网格');
    expect(await count('SELECT count(*) AS n FROM grid.grid')).toBe(before);
    expect(await count('SELECT count(*) AS n FROM grid.grid_place')).toBe(2);
    // A micro-grid overlapping another micro-grid (the unit's household), and one outside its parent.
    const microOverlap = await problem(
      w.app,
      'mutation($c: ID!, $p: [ID!]!, $g: ID!) { createGrid(communityId: $c, name: "微2", kind: MICRO_GRID, parentId: $g, placeIds: $p) { grid { id } errors { code message field } } }',
      {
        c: w.place.fxy.id,
        p: [w.place.h101.id],
        g: grid,
      },
    );
    expect(microOverlap?.code).toBe('GRID_OVERLAP');
    const outsideParent = await problem(
      w.app,
      'mutation($c: ID!, $p: [ID!]!, $g: ID!) { createGrid(communityId: $c, name: "微3", kind: MICRO_GRID, parentId: $g, placeIds: $p) { grid { id } errors { code message field } } }',
      {
        c: w.place.fxy.id,
        p: [w.place.b5.id],
        g: grid,
      },
    );
    expect(outsideParent?.code).toBe('BAD_USER_INPUT');
    // A place of another community (off the grid's line of places: the linking rule), and a household for a grid.
    expect(
      (
        await problem(
          w.app,
          'mutation($g: ID!, $p: [ID!]!) { addGridPlaces(gridId: $g, placeIds: $p) { grid { id } errors { code message field } } }',
          {
            g: grid,
            p: [w.place.cty.id],
          },
        )
      )?.code,
    ).toBe('OUT_OF_SCOPE');
    expect(
      (
        await problem(
          w.app,
          'mutation($g: ID!, $p: [ID!]!) { addGridPlaces(gridId: $g, placeIds: $p) { grid { id } errors { code message field } } }',
          {
            g: grid,
            p: [w.place.h5.id],
          },
        )
      )?.code,
    ).toBe('BAD_USER_INPUT');
    expect(await count('SELECT count(*) AS n FROM grid.grid')).toBe(before);
    expect(await count('SELECT count(*) AS n FROM grid.grid_place')).toBe(2);
  });

  test('two grids claiming the same compound at once: exactly one gets it', async () => {
    const attempts = await Promise.all(
      ['甲网格', '乙网格'].map((n) =>
        w.app.execute(
          'mutation($c: ID!, $n: String!, $p: [ID!]!) { createGrid(communityId: $c, name: $n, placeIds: $p) { grid { id } errors { code message field } } }',
          {
            c: w.place.fxy.id,
            n,
            p: [w.place.c2.id],
          },
        ),
      ),
    );
    expect(attempts.filter((r) => !problemOf(r)).length).toBe(1);
    expect(attempts.map((r) => problemOf(r)?.code).filter(Boolean)).toEqual(['GRID_OVERLAP']);
    expect(
      await count(`SELECT count(*) AS n FROM grid.grid_place gp JOIN public.place p ON p.id = gp.place_id WHERE p.code = 'T-c2'`),
    ).toBe(1);
  });

  test('a worker from outside the community is refused; dates are checked', async () => {
    const outside = await problem(
      w.app,
      'mutation($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2026-01-01") { worker { id } errors { code message field } } }',
      { g: grid, p: w.person.li.id },
    );
    // 李网格 works in 成仪路社区: off the grid's community's line of places (the linking rule).
    expect(outside).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'personId' });
    const nobody = await problem(
      w.app,
      'mutation($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2026-01-01") { worker { id } errors { code message field } } }',
      { g: grid, p: w.person.outsider.id },
    );
    // Someone of no place at all (seen only by callers who see everywhere) does not belong to the community either.
    expect(nobody).toMatchObject({ code: 'WORKER_OUTSIDE_COMMUNITY', field: 'personId' });
    expect(nobody?.message).toContain('外来人员');
    const badDates = await problem(
      w.app,
      'mutation($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2026-03-01", endsOn: "2026-02-01") { worker { id } errors { code message field } } }',
      { g: grid, p: w.person.wang.id },
    );
    expect(badDates?.code).toBe('BAD_USER_INPUT');
    expect(await count('SELECT count(*) AS n FROM grid.grid_worker')).toBe(0);
    // Living in the community (董桂芳) or holding a role there (王小丽) both qualify.
    await assignWorker(w.app, grid, w.person.wang.id, '2026-01-01');
    await assignWorker(w.app, grid, w.person.dong.id, '2026-02-01');
    const twice = await problem(
      w.app,
      'mutation($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2026-05-01") { worker { id } errors { code message field } } }',
      { g: grid, p: w.person.wang.id },
    );
    expect(twice?.code).toBe('CONFLICT');
    const data = await w.app.run(
      'query($g: ID!, $p: ID!) { grid(id: $g) { workers { nodes { person { name } startsOn endsOn } } } node(id: $p) { ... on Person { grids { nodes { name } } } } }',
      {
        g: grid,
        p: w.person.dong.id,
      },
    );
    expect(data.grid.workers.nodes).toEqual([
      { person: { name: '王小丽' }, startsOn: '2026-01-01', endsOn: null },
      { person: { name: '董桂芳' }, startsOn: '2026-02-01', endsOn: null },
    ]);
    expect(data.node.grids.nodes).toEqual([{ name: '芳星园三区第一网格' }]);
  });

  test("a grid's workers page with cursors: first page, endCursor, next page; the filter binds the cursor", async () => {
    const Q = `query($g: ID!, $after: String, $all: Boolean!) {
      grid(id: $g) { workers(first: 1, after: $after, all: $all) { nodes { person { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const first = (await w.app.run(Q, { g: grid, after: null, all: false })).grid.workers;
    expect(first).toEqual({
      nodes: [{ person: { name: '王小丽' } }],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, endCursor: expect.any(String) },
    });
    const next = (await w.app.run(Q, { g: grid, after: first.pageInfo.endCursor, all: false })).grid.workers;
    expect(next).toEqual({
      nodes: [{ person: { name: '董桂芳' } }],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, endCursor: expect.any(String) },
    });
    const back = await w.app.run(
      'query($g: ID!, $before: String) { grid(id: $g) { workers(last: 1, before: $before) { nodes { person { name } } } } }',
      { g: grid, before: next.pageInfo.endCursor },
    );
    expect(back.grid.workers.nodes).toEqual([{ person: { name: '王小丽' } }]);
    // A cursor of the active workers does not page all of them.
    const other = await w.app.execute(Q, { g: grid, after: first.pageInfo.endCursor, all: true });
    expect(other.errors?.[0]).toMatchObject({ message: expect.stringMatching(/other arguments/), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('routing', () => {
  test('a new request inside a grid is accepted for it and assigned to the least loaded worker, on its timeline', async () => {
    // Both workers idle: the longest serving (王小丽, since 2026-01-01) takes the first.
    const first = await request(w.app, await submit(w.app, w.place.h201.id, w.person.resident.id, '2单元楼道灯坏了'));
    expect(first).toMatchObject({ status: 'ASSIGNED', level: 'GRID', assignee: { name: '王小丽' }, grid: { name: '芳星园三区第一网格' } });
    expect(first.timeline.nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'routed', note: expect.stringContaining('芳星园三区第一网格') }),
        expect.objectContaining({ action: 'status', fromStatus: 'SUBMITTED', toStatus: 'ACCEPTED' }),
        expect.objectContaining({ action: 'assigned', toStatus: 'ASSIGNED', note: '王小丽' }),
      ]),
    );
    // Routing changes the request through core's commands, as the system named after the handler.
    const routedBy = first.timeline.nodes.filter((e: { action: string }) => ['routed', 'status', 'assigned'].includes(e.action));
    expect(routedBy.map((e: { actorLabel: string; actor: unknown }) => [e.actorLabel, e.actor])).toEqual(
      Array(3).fill(['system: grid.route-new-request', null]),
    );
    // 王小丽 now has one open request: the next goes to 董桂芳, then they alternate.
    const second = await request(w.app, await submit(w.app, w.place.b20.id, w.person.resident.id, '20号楼门禁坏了'));
    expect(second.assignee).toEqual({ name: '董桂芳' });
    const third = await request(w.app, await submit(w.app, w.place.h21.id, w.person.resident.id, '21号楼漏水'));
    expect(third.assignee).toEqual({ name: '王小丽' });
  });

  test('a micro-grid with nobody on duty falls back to its grid; a place outside every grid is not routed', async () => {
    const inMicro = await request(w.app, await submit(w.app, w.place.h101.id, w.person.resident.id, '1单元暖气不热'));
    expect(inMicro.status).toBe('ASSIGNED');
    expect(inMicro.timeline.nodes.find((e: { action: string }) => e.action === 'routed').note).toContain('芳星园三区第一网格');
    const outside = await request(w.app, await submit(w.app, w.place.h502.id, w.person.resident.id, '翠庭园垃圾未清运'));
    expect(outside).toMatchObject({ status: 'SUBMITTED', assignee: null, grid: null });
    expect(outside.timeline.nodes.map((e: { action: string }) => e.action)).toEqual(['created']);
  });

  test('a request outside every grid costs no routing delivery: one statement in the submission asks', async () => {
    const statements = await w.app.countStatements(() => submit(w.app, w.place.h502.id, w.person.resident.id, '翠庭园路面塌陷'));
    // The place with the write counts, the requester, the request with its timeline entry, the audit
    // entry, which webhooks want the event (this app keeps no LISTEN connection) and, the router's
    // interest, which of the new requests' places lie in a grid: none, so no outbox row and no
    // delivery (the router's delivery was five statements more: the row taken, the request read
    // locked, the routed check, the covering grids, the closing counts).
    expect(statements).toBe(6);
    expect((await w.app.run('{ eventOutbox { pending } }')).eventOutbox.pending).toBe(0);
  });

  test('a grid without active workers notes the routing and leaves the request to be accepted', async () => {
    const cty = await createGrid(w.app, w.place.cyl.id, '翠庭园网格', [w.place.cty.id]);
    await assignWorker(w.app, cty, w.person.li.id, '2025-01-01', '2025-12-31'); // ended
    const req = await request(w.app, await submit(w.app, w.place.h502.id, w.person.resident.id, '翠庭园路灯不亮'));
    expect(req).toMatchObject({ status: 'SUBMITTED', assignee: null, grid: { name: '翠庭园网格' } });
    expect(req.timeline.nodes.find((e: { action: string }) => e.action === 'routed').note).toContain('no grid worker is on duty');
  });

  test('request.created delivered again (events arrive at least once) routes nothing twice and fails nothing', async () => {
    const routedOnce = await submit(w.app, w.place.h502.id, w.person.resident.id, '翠庭园井盖松动'); // waits: nobody on duty
    const assignedOnce = await submit(w.app, w.place.h201.id, w.person.resident.id, '2单元信箱坏了'); // assigned to a worker
    const errorsBefore = w.errors.length;
    for (const id of [routedOnce, assignedOnce]) {
      const row = await w.app.platform.orm.em.fork().findOneOrFail(Request, { uuid: localId(id, 'Request') });
      const payload = { requestId: row.uuid, placePath: row.placePath, status: RequestStatus.SUBMITTED, level: row.level };
      // Twice at once and once more after: the router's own lock and its record keep it to one routing.
      await Promise.all([w.app.platform.events.emit('request.created', payload), w.app.platform.events.emit('request.created', payload)]);
      await w.app.platform.events.emit('request.created', payload);
    }
    const actions = async (id: string) => (await request(w.app, id)).timeline.nodes.map((e: { action: string }) => e.action);
    expect(await actions(routedOnce)).toEqual(['created', 'routed']);
    expect(await actions(assignedOnce)).toEqual(['created', 'routed', 'status', 'assigned']);
    expect(w.errors.slice(errorsBefore)).toEqual([]);
    expect((await w.app.run('{ eventOutbox { pending failed { nodes { handler } } } }')).eventOutbox).toEqual({
      pending: 0,
      failed: { nodes: [] },
    });
  });
});

describe('adoption by a partner unit', () => {
  test("the unit's members see and take the grid's work; others cannot", async () => {
    const grid = (await w.app.run('query($p: ID!) { place(id: $p) { grid { id } } }', { p: w.place.h502.id })).place.grid.id;
    const open = await submit(w.app, w.place.b3.id, w.person.resident.id, '3号楼老人需要代买药');
    await w.app.run('mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }', { id: open });

    const CLAIM =
      'mutation($r: ID!) { claimGridRequest(requestId: $r) { request { status assignee { name } } errors { code message field } } }';
    // Not yet a partner, and the place is outside the member's places: "not found" (issue #9), not NOT_GRID_MEMBER.
    expect(await problem(w.app, CLAIM, { r: open }, as(w.person.member))).toMatchObject({ code: 'NOT_FOUND', field: 'requestId' });
    expect((await w.app.run('{ gridWork { nodes { title } } }', {}, as(w.person.member))).gridWork.nodes).toEqual([]);

    // Seeing requests and claiming them there come from core's roles; adoption is what lets the member take the grid's work.
    await w.app.run(
      'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2026-01-01") { role { id } errors { code message field } } }',
      { p: w.person.member.id, c: w.place.cyl.id },
    );
    expect(await problem(w.app, CLAIM, { r: open }, as(w.person.member))).toMatchObject({ code: 'NOT_GRID_MEMBER', field: 'requestId' });

    const ADOPT =
      'mutation($g: ID!, $o: ID!, $s: String!) { adoptGrid(gridId: $g, organizationId: $o, startsOn: $s, note: "每月助老服务") { adoption { grid { name } organization { name } startsOn } errors { code message field } } }';
    expect((await mutate(w.app, ADOPT, { g: grid, o: w.org.id, s: '2026-05-01' })).adoption).toEqual({
      grid: { name: '翠庭园网格' },
      organization: { name: '方庄驻区单位联合会' },
      startsOn: '2026-05-01',
    });
    expect(await problem(w.app, ADOPT, { g: grid, o: w.org.id, s: '2026-05-02' })).toMatchObject({
      code: 'CONFLICT',
      field: 'organizationId',
    });

    const work = (await w.app.run('{ gridWork { nodes { title status } } }', {}, as(w.person.member))).gridWork.nodes;
    expect(work.map((r: { title: string }) => r.title)).toEqual(expect.arrayContaining(['3号楼老人需要代买药', '翠庭园路灯不亮']));
    const claimed = await w.app.run(CLAIM, { r: open }, as(w.person.member));
    expect(claimed.claimGridRequest).toEqual({ request: { status: 'CLAIMED', assignee: { name: '驻区单位志愿者' } }, errors: [] });
    expect((await request(w.app, open)).timeline.nodes.at(-1)).toMatchObject({ action: 'claimed', actor: { name: '驻区单位志愿者' } });

    expect((await problem(w.app, CLAIM, { r: open }, as(w.person.outsider)))?.code).toBe('NOT_FOUND'); // outside their places (issue #9)
    const orgView = await w.app.run(
      'query($o: ID!) { node(id: $o) { ... on Organization { gridAdoptions { nodes { grid { name } note } } } } }',
      {
        o: w.org.id,
      },
    );
    expect(orgView.node.gridAdoptions.nodes).toEqual([{ grid: { name: '翠庭园网格' }, note: '每月助老服务' }]);
  });
});

test('grid fields on core types are batched: as many statements for 1 request as for 5', async () => {
  await submit(w.app, w.place.h102.id, w.person.dong.id, '1单元102水管漏水');
  // One query per family of fields, so each loader is fed by one wave of parents (DataLoader batches per tick).
  for (const fields of [
    'grid { name escalationLimits { gridLevelHours } openRequestCount workers { nodes { person { name } } } }',
    'place { grid { name } microGrid { name } }',
    'assignee { grids { nodes { name } } }',
  ]) {
    const q = `query($n: Int!, $under: ID!) { requests(first: $n, filter: { under: $under }) { edges { node { ${fields} } } } }`;
    const one = await w.app.countStatements(() => w.app.run(q, { n: 1, under: w.place.fxy.id }));
    const five = await w.app.countStatements(() => w.app.run(q, { n: 5, under: w.place.fxy.id }));
    expect((await w.app.run(q, { n: 5, under: w.place.fxy.id })).requests.edges).toHaveLength(5);
    expect([fields, five]).toEqual([fields, one]);
  }
});
