import { type GongzhiEvent, Person, Place, PlaceType } from '@gongzhi/core';
import { createTestApp, type TestApp, uuidOf } from '@gongzhi/core/testing';
import pg from 'pg';

let app: TestApp;
let community: Place;
let household: Place;
let resident: Person;
let workers: Person[];

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const district = em.create(Place, { type: PlaceType.DISTRICT, code: 'FT', name: '丰台区', path: '', depth: 0 });
  district.path = `/${district.uuid}/`;
  community = em.create(Place, { type: PlaceType.COMMUNITY, code: 'CYL', name: '成仪路社区', parent: district, path: '', depth: 1 });
  community.path = `${district.path}${community.uuid}/`;
  household = em.create(Place, { type: PlaceType.HOUSEHOLD, code: 'CYL-1-101', name: '1号楼101', parent: community, path: '', depth: 2 });
  household.path = `${community.path}${household.uuid}/`;
  resident = em.create(Person, { name: '苍爷爷', household });
  workers = Array.from({ length: 8 }, (_, i) => em.create(Person, { name: `网格员${i + 1}` }));
  await em.flush();
});
afterAll(() => app?.close());

const FIELDS =
  'request { id status level title assignee { name } timeline { nodes { action fromStatus toStatus note } } } errors { code message field } created';

async function submit(title = '家里断网了', extra: Record<string, unknown> = {}) {
  const data = await app.run(`mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { ${FIELDS} } }`, {
    input: {
      kind: 'NEED',
      channel: 'PHONE',
      title,
      description: '独居老人，疫情期间网络中断',
      placeId: household.id,
      requesterId: resident.id,
      ...extra,
    },
  });
  return data.submitRequest;
}

async function change(id: string, to: string) {
  return (await app.run(`mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { ${FIELDS} } }`, { id, to }))
    .changeRequestStatus;
}

async function claim(id: string, person: Person) {
  return (await app.run(`mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { ${FIELDS} } }`, { id, p: person.id }))
    .claimRequest;
}

test('a request goes through its whole life, each step on its timeline', async () => {
  const created = await submit();
  expect(created.errors).toEqual([]);
  const id = created.request.id;
  expect(created.request).toMatchObject({ status: 'SUBMITTED', level: 'GRID' });
  expect((await change(id, 'ACCEPTED')).request.status).toBe('ACCEPTED');
  expect((await claim(id, workers[0])).request).toMatchObject({ status: 'CLAIMED', assignee: { name: '网格员1' } });
  expect((await change(id, 'IN_PROGRESS')).request.status).toBe('IN_PROGRESS');
  expect((await change(id, 'RESOLVED')).request.status).toBe('RESOLVED');
  const rated = await app.run(
    'mutation($id: ID!) { rateRequest(id: $id, rating: 5, thanks: "谢谢社区！") { request { rating thanks } errors { code } } }',
    { id },
  );
  expect(rated.rateRequest).toEqual({ request: { rating: 5, thanks: '谢谢社区！' }, errors: [] });
  const closed = await change(id, 'CLOSED');
  expect(closed.request.timeline.nodes).toEqual([
    { action: 'created', fromStatus: null, toStatus: 'SUBMITTED', note: null },
    { action: 'status', fromStatus: 'SUBMITTED', toStatus: 'ACCEPTED', note: null },
    { action: 'claimed', fromStatus: 'ACCEPTED', toStatus: 'CLAIMED', note: '网格员1' },
    { action: 'status', fromStatus: 'CLAIMED', toStatus: 'IN_PROGRESS', note: null },
    { action: 'status', fromStatus: 'IN_PROGRESS', toStatus: 'RESOLVED', note: null },
    { action: 'rated', fromStatus: 'RESOLVED', toStatus: 'RESOLVED', note: '5★ 谢谢社区！' },
    { action: 'status', fromStatus: 'RESOLVED', toStatus: 'CLOSED', note: null },
  ]);
  // Closed is final.
  const again = await change(id, 'IN_PROGRESS');
  expect(again.request).toBeNull();
  expect(again.errors).toEqual([
    {
      code: 'ILLEGAL_TRANSITION',
      field: 'to',
      message: 'A request that is closed cannot become in_progress. From closed it can become: nothing (it is final).',
    },
  ]);
});

test.each([
  [
    'SUBMITTED',
    'RESOLVED',
    'A request that is submitted cannot become resolved. From submitted it can become: accepted, rejected, escalated.',
  ],
  ['SUBMITTED', 'CLOSED', 'A request that is submitted cannot become closed. From submitted it can become: accepted, rejected, escalated.'],
  [
    'ACCEPTED',
    'CLOSED',
    'A request that is accepted cannot become closed. From accepted it can become: assigned, claimed, in_progress, rejected, escalated.',
  ],
])('an illegal move from %s to %s is refused and writes nothing', async (from, to, message) => {
  const id = (await submit()).request.id;
  if (from === 'ACCEPTED') await change(id, 'ACCEPTED');
  const result = await change(id, to);
  expect(result.errors[0]).toEqual({ code: 'ILLEGAL_TRANSITION', field: 'to', message });
  const { request } = await app.run('query($id: ID!) { request(id: $id) { status timeline { nodes { action } } } }', { id });
  expect(request.status).toBe(from);
  expect(request.timeline.nodes).toHaveLength(from === 'ACCEPTED' ? 2 : 1);
});

test('of eight truly concurrent claims exactly one wins, the others learn who has it', async () => {
  const id = (await submit('楼道灯坏了')).request.id;
  await change(id, 'ACCEPTED');
  const results = await Promise.all(workers.map((w) => claim(id, w)));
  const winners = results.filter((r) => r.errors.length === 0);
  expect(winners).toHaveLength(1);
  const winner = winners[0].request.assignee.name;
  for (const loser of results.filter((r) => r.errors.length > 0)) {
    expect(loser.errors[0].code).toBe('ALREADY_CLAIMED');
    expect(loser.errors[0].message).toContain(winner);
  }
  const { request } = await app.run('query($id: ID!) { request(id: $id) { assignee { name } timeline { nodes { action } } } }', { id });
  expect(request.assignee.name).toBe(winner);
  expect(request.timeline.nodes.filter((t: { action: string }) => t.action === 'claimed')).toHaveLength(1);
});

test('escalation raises the level step by step and stops at the subdistrict', async () => {
  const id = (await submit('下水道塌陷')).request.id;
  const up = async () =>
    (
      await app.run(
        'mutation($id: ID!) { escalateRequest(id: $id, reason: "需要资金") { request { level status } errors { code message } } }',
        { id },
      )
    ).escalateRequest;
  expect((await up()).request).toEqual({ level: 'COMMUNITY', status: 'ESCALATED' });
  await change(id, 'ACCEPTED');
  expect((await up()).request).toEqual({ level: 'SUBDISTRICT', status: 'ESCALATED' });
  await change(id, 'ACCEPTED');
  expect((await up()).errors).toEqual([{ code: 'TOP_LEVEL', message: 'This request is already at the subdistrict level, the highest.' }]);
});

test('a hotline order imported twice, even at once, is one request', async () => {
  const importOrder = () =>
    app.run(
      'mutation($input: HotlineOrderInput!) { importHotlineOrder(input: $input) { request { id channel } created errors { code } } }',
      {
        input: {
          orderNo: '12345-20260601-0042',
          kind: 'PRAISE',
          title: '表扬信：社区帮老人恢复网络',
          placeId: household.id,
          praisedPersonId: workers[1].id,
        },
      },
    );
  const results = await Promise.all([importOrder(), importOrder(), importOrder()]);
  const ids = new Set(results.map((r) => r.importHotlineOrder.request.id));
  expect(ids.size).toBe(1);
  expect(results.filter((r) => r.importHotlineOrder.created)).toHaveLength(1);
  const again = await importOrder();
  expect(again.importHotlineOrder).toMatchObject({ created: false, request: { channel: 'HOTLINE_12345' } });
});

test('the timeline is append-only in the database itself', async () => {
  await submit();
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    await expect(client.query(`UPDATE request_timeline SET note = 'rewritten'`)).rejects.toThrow(
      'request_timeline is append-only: UPDATE is not allowed',
    );
    await expect(client.query('DELETE FROM request_timeline')).rejects.toThrow('request_timeline is append-only: DELETE is not allowed');
  } finally {
    await client.end();
  }
});

test('bad input gets typed errors and writes nothing', async () => {
  const before = (await app.run('{ requests(first: 100) { edges { cursor } } }')).requests.edges.length;
  const anonymous = await submit('无名', { requesterId: null });
  expect(anonymous.errors).toEqual([
    { code: 'BAD_USER_INPUT', field: 'requesterId', message: 'Give requesterId, or callbackPhone for an anonymous request.' },
  ]);
  const empty = await submit('   ');
  expect(empty.errors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
  const wrongId = await app.run('mutation { changeRequestStatus(id: "nonsense", to: ACCEPTED) { errors { code message field } } }');
  expect(wrongId.changeRequestStatus.errors).toEqual([
    { code: 'BAD_USER_INPUT', field: 'id', message: '"id" must be the id of a Request as the API returns it.' },
  ]);
  // An unknown place and an unknown requester are told apart only by the field named.
  const madeUp = (type: string) => Buffer.from(`${type}:00000000-0000-4000-8000-000000000000`).toString('base64url');
  const noPlace = await submit('无处', { placeId: madeUp('Place') });
  const noRequester = await submit('无人', { requesterId: madeUp('Person') });
  expect(noPlace.errors).toEqual([{ code: 'NOT_FOUND', field: 'input.placeId', message: 'No Place has the id given in "input.placeId".' }]);
  expect(noRequester.errors).toEqual([
    { code: 'NOT_FOUND', field: 'input.requesterId', message: 'No Person has the id given in "input.requesterId".' },
  ]);
  const badRating = await app.run('mutation($id: ID!) { rateRequest(id: $id, rating: 9) { errors { code field } } }', {
    id: (await submit()).request.id,
  });
  expect(badRating.rateRequest.errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'rating' }]);
  expect((await app.run('{ requests(first: 100) { edges { cursor } } }')).requests.edges.length).toBe(before + 1);
});

describe('listing', () => {
  let fresh: TestApp;
  let where: Place;
  beforeAll(async () => {
    fresh = await createTestApp();
    const em = fresh.platform.orm.em.fork();
    where = em.create(Place, { type: PlaceType.COMMUNITY, code: 'JKL', name: '敬口路社区', path: '', depth: 0 });
    where.path = `/${where.uuid}/`;
    await em.flush();
    for (let i = 0; i < 5; i++) {
      await fresh.run('mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { errors { code } } }', {
        input: {
          kind: 'WISH',
          channel: 'WISH_WALL',
          title: i % 2 ? `微心愿：想要一台收音机 ${i}` : `楼道堆物 ${i}`,
          placeId: where.id,
          callbackPhone: '13800000000',
        },
      });
    }
  });
  afterAll(() => fresh?.close());

  test('pages with cursors to the end, refuses a cursor from another query, caps the page size', async () => {
    const page = (after?: string, filter?: object) =>
      fresh.run(
        'query($after: String, $filter: RequestFilter) { requests(first: 2, after: $after, filter: $filter) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }',
        { after, filter },
      );
    const one = (await page()).requests;
    const two = (await page(one.pageInfo.endCursor)).requests;
    const three = (await page(two.pageInfo.endCursor)).requests;
    expect([one, two, three].map((p) => p.edges.length)).toEqual([2, 2, 1]);
    expect(three.pageInfo.hasNextPage).toBe(false);
    const titles = [one, two, three].flatMap((p) => p.edges.map((e: { node: { title: string } }) => e.node.title));
    expect(new Set(titles).size).toBe(5);
    const after = (await page(three.pageInfo.endCursor)).requests;
    expect(after).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

    const other = await fresh.execute(
      'query($after: String) { requests(first: 2, after: $after, filter: { kind: [WISH] }) { edges { cursor } } }',
      { after: one.pageInfo.endCursor },
    );
    expect(other.errors?.[0]?.message).toMatch(/cursor from another list or from one with other arguments/);
    const huge = await fresh.execute('{ requests(first: 1000) { edges { cursor } } }');
    expect(huge.errors?.[0]?.message).toMatch(/^"first" may be at most 100 \(the page cap\), got 1000/);
  });

  test('finds Chinese text in titles', async () => {
    const { requests } = await fresh.run('{ requests(filter: { text: "收音机" }) { edges { node { title } } } }');
    expect(requests.edges.map((e: { node: { title: string } }) => e.node.title).sort()).toEqual([
      '微心愿：想要一台收音机 1',
      '微心愿：想要一台收音机 3',
    ]);
  });

  test('finds words by their two-character pieces, kept as a request is written and as its words change; one character too', async () => {
    const titles = async (text: string) =>
      (await fresh.run('query($t: String!) { requests(filter: { text: $t }, first: 100) { nodes { title } } }', { t: text })).requests.nodes
        .map((n: { title: string }) => n.title)
        .sort();
    const submitted = await fresh.run(
      'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }',
      {
        input: {
          kind: 'REPORT',
          channel: 'MOBILE_REPORT',
          title: '独居老人家中断网',
          description: '无法线上买菜，WiFi 路由器亮红灯',
          placeId: where.id,
          callbackPhone: '13800000000',
        },
      },
    );
    expect(submitted.submitRequest.errors).toEqual([]);
    expect(await titles('断网')).toEqual(['独居老人家中断网']);
    // In the description, in any case, with a space; words only near each other are not the words.
    expect(await titles('wifi 路由器')).toEqual(['独居老人家中断网']);
    expect(await titles('网无法')).toEqual([]);
    expect(await titles('%')).toEqual([]);
    expect(await titles('收')).toEqual(['微心愿：想要一台收音机 1', '微心愿：想要一台收音机 3']);
    // Words changed outside any command (an operator's fix, a plugin's statement) are found by their new pieces.
    const id = Buffer.from(submitted.submitRequest.request.id, 'base64url').toString('utf8').split(':')[1];
    await fresh.platform.orm.em.fork().getConnection().execute(`UPDATE request SET description = '水管漏水' WHERE id = ?`, [id]);
    expect(await titles('漏水')).toEqual(['独居老人家中断网']);
    expect(await titles('买菜')).toEqual([]);
    const kept = await fresh.platform.orm.em
      .fork()
      .getConnection()
      .execute(
        `SELECT pieces @> text_bigram_keys('独居') AND pieces @> text_bigram_keys('漏水') AS now, pieces && text_bigram_keys('买菜') AS before FROM request_search WHERE request_id = ?`,
        [id],
      );
    expect(kept).toEqual([{ now: true, before: false }]);
  });

  test('a page of requests with place, requester, assignee and last change costs the same queries at any size', async () => {
    const count = (first: number) =>
      fresh.countStatements(() =>
        fresh.run(
          `{ requests(first: ${first}) { edges { node { title place { name } requester { name } assignee { name } lastTimelineEntry { action actor { name } } } } } }`,
        ),
      );
    const small = await count(1);
    const large = await count(5);
    expect(small).toBeGreaterThanOrEqual(3); // the page, then batched places, people and timelines
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(5);
  });
});

test("a resident's own requests, newest first: what they asked before, for whoever takes their call", async () => {
  const em = app.platform.orm.em.fork();
  const neighbour = em.create(Person, { name: '邻居', household });
  await em.flush();
  const mine = (await submit('楼道灯又坏了')).request.id;
  await submit('邻居家漏水', { requesterId: neighbour.id });
  const asked = await app.run(
    'query($r: ID!) { requests(filter: { requesterId: $r }, first: 100) { edges { node { id title requester { name } } } } }',
    { r: resident.id },
  );
  const nodes = asked.requests.edges.map((e: { node: { id: string; title: string; requester: { name: string } } }) => e.node);
  expect(nodes[0]).toEqual({ id: mine, title: '楼道灯又坏了', requester: { name: '苍爷爷' } });
  expect(nodes.every((n: { requester: { name: string } }) => n.requester.name === '苍爷爷')).toBe(true);
  const theirs = await app.run('query($r: ID!) { requests(filter: { requesterId: $r }) { edges { node { title } } } }', {
    r: neighbour.id,
  });
  expect(theirs.requests.edges).toEqual([{ node: { title: '邻居家漏水' } }]);
});

test('node(id:) fetches any object by its global id, core or plugin', async () => {
  const id = (await submit('node 查询')).request.id;
  const data = await app.run(
    `query($r: ID!, $p: ID!, $h: ID!) {
      r: node(id: $r) { __typename id ... on Request { title } }
      p: node(id: $p) { __typename ... on Person { name } }
      h: node(id: $h) { __typename ... on Place { name } }
      missing: node(id: "bm9wZQ") { id }
    }`,
    { r: id, p: resident.id, h: household.id },
  );
  expect(data).toEqual({
    r: { __typename: 'Request', id, title: 'node 查询' },
    p: { __typename: 'Person', name: '苍爷爷' },
    h: { __typename: 'Place', name: '1号楼101' },
    missing: null,
  });
});

describe('every move of the state machine', () => {
  const ALL = ['SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'CLAIMED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED', 'ESCALATED'];
  // The shortest legal path from submitted to each status, through the API.
  const PATHS: Record<string, string[]> = {
    SUBMITTED: [],
    ACCEPTED: ['ACCEPTED'],
    ASSIGNED: ['ACCEPTED', 'ASSIGNED'],
    CLAIMED: ['ACCEPTED', 'CLAIMED'],
    IN_PROGRESS: ['ACCEPTED', 'IN_PROGRESS'],
    RESOLVED: ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED'],
    CLOSED: ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'],
    REJECTED: ['REJECTED'],
    ESCALATED: ['ESCALATED'],
  };
  const LEGAL: Record<string, string[]> = {
    SUBMITTED: ['ACCEPTED', 'REJECTED', 'ESCALATED'],
    ACCEPTED: ['ASSIGNED', 'CLAIMED', 'IN_PROGRESS', 'REJECTED', 'ESCALATED'],
    ASSIGNED: ['IN_PROGRESS', 'ESCALATED'],
    CLAIMED: ['IN_PROGRESS', 'ESCALATED'],
    IN_PROGRESS: ['RESOLVED', 'ESCALATED'],
    RESOLVED: ['CLOSED', 'IN_PROGRESS'],
    ESCALATED: ['ACCEPTED', 'REJECTED'],
    CLOSED: [],
    REJECTED: [],
  };

  async function move(id: string, to: string) {
    if (to === 'CLAIMED') return claim(id, workers[2]);
    if (to === 'ASSIGNED') {
      return (
        await app.run(`mutation($id: ID!, $p: ID!) { assignRequest(id: $id, assigneeId: $p) { ${FIELDS} } }`, { id, p: workers[3].id })
      ).assignRequest;
    }
    if (to === 'ESCALATED') {
      return (await app.run(`mutation($id: ID!) { escalateRequest(id: $id, reason: "测试") { ${FIELDS} } }`, { id })).escalateRequest;
    }
    return change(id, to);
  }

  const cases = ALL.flatMap((from) => ALL.filter((to) => to !== from).map((to) => [from, to, LEGAL[from].includes(to)] as const));
  test.each(cases)('%s → %s legal: %s', async (from, to, legal) => {
    const id = (await submit(`${from}→${to}`)).request.id;
    for (const step of PATHS[from]) expect((await move(id, step)).errors).toEqual([]);
    const result = await move(id, to);
    if (legal) {
      expect(result.errors).toEqual([]);
      expect(result.request.status).toBe(to);
    } else {
      expect(result.request).toBeNull();
      expect(['ILLEGAL_TRANSITION', 'ALREADY_CLAIMED', 'INVALID_INPUT']).toContain(result.errors[0].code);
      const { request } = await app.run('query($id: ID!) { request(id: $id) { status } }', { id });
      expect(request.status).toBe(from);
    }
  });
});

test('a timeline is a connection in the order written; lastTimelineEntry is its last row; a page of requests reads them in one statement', async () => {
  const id = (await submit('楼道灯坏了')).request.id;
  await change(id, 'ACCEPTED');
  await claim(id, workers[1]);
  await change(id, 'IN_PROGRESS');
  const Q = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { request(id: $id) {
    lastTimelineEntry { action toStatus }
    timeline(first: $first, after: $after, last: $last, before: $before) {
      nodes { action toStatus } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
  const one = (await app.run(Q, { id, first: 2 })).request;
  expect(one.lastTimelineEntry).toEqual({ action: 'status', toStatus: 'IN_PROGRESS' });
  expect(one.timeline.nodes).toEqual([
    { action: 'created', toStatus: 'SUBMITTED' },
    { action: 'status', toStatus: 'ACCEPTED' },
  ]);
  expect(one.timeline.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const two = (await app.run(Q, { id, first: 2, after: one.timeline.pageInfo.endCursor })).request.timeline;
  expect(two.nodes).toEqual([
    { action: 'claimed', toStatus: 'CLAIMED' },
    { action: 'status', toStatus: 'IN_PROGRESS' },
  ]);
  expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  expect((await app.run(Q, { id, last: 2, before: two.pageInfo.startCursor })).request.timeline.nodes).toEqual(one.timeline.nodes);

  const board = `query ($n: Int!) { requests(first: $n) { nodes { lastTimelineEntry { action } timeline(first: 2) { nodes { action } } } } }`;
  const count = (n: number) => app.countStatements(() => app.run(board, { n }));
  expect((await app.run(board, { n: 5 })).requests.nodes.length).toBeGreaterThan(1);
  expect(await count(5)).toBe(await count(1));
});

describe('work changes hands (reassignRequest)', () => {
  const REASSIGN = `mutation($id: ID!, $p: ID!, $why: String!) { reassignRequest(id: $id, assigneeId: $p, reason: $why) { ${FIELDS} } }`;
  const reassign = async (id: string, person: Person, why = '网格员调岗') =>
    (await app.run(REASSIGN, { id, p: person.id, why })).reassignRequest;

  test('a claimed request goes to a colleague as assigned, one in progress stays in progress; the timeline and an event say who and why', async () => {
    const id = (await submit('楼道灯不亮')).request.id;
    await change(id, 'ACCEPTED');
    await claim(id, workers[0]);
    const events: GongzhiEvent[] = [];
    const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
    const moved = await reassign(id, workers[1]);
    stop();
    expect(moved.errors).toEqual([]);
    expect(moved.request).toMatchObject({ status: 'ASSIGNED', assignee: { name: '网格员2' } });
    expect(events.map((e) => [e.name, e.payload])).toEqual([
      [
        'request.reassigned',
        {
          requestId: uuidOf(id),
          placePath: household.path,
          status: 'assigned',
          level: 'grid',
          assigneeId: workers[1].uuid,
          previousAssigneeId: workers[0].uuid,
          reason: '网格员调岗',
        },
      ],
    ]);
    await change(id, 'IN_PROGRESS');
    const again = await reassign(id, workers[2], ' 病假 ');
    expect(again.request).toMatchObject({ status: 'IN_PROGRESS', assignee: { name: '网格员3' } });
    expect(again.request.timeline.nodes.slice(-3)).toEqual([
      { action: 'reassigned', fromStatus: 'CLAIMED', toStatus: 'ASSIGNED', note: '网格员1 → 网格员2: 网格员调岗' },
      { action: 'status', fromStatus: 'ASSIGNED', toStatus: 'IN_PROGRESS', note: null },
      { action: 'reassigned', fromStatus: 'IN_PROGRESS', toStatus: 'IN_PROGRESS', note: '网格员2 → 网格员3: 病假' },
    ]);
  });

  test('only held work is reassigned, to someone else, with a reason; a refusal writes nothing', async () => {
    const id = (await submit('垃圾没人收')).request.id;
    await change(id, 'ACCEPTED');
    expect((await reassign(id, workers[1])).errors).toEqual([
      {
        code: 'ILLEGAL_TRANSITION',
        message:
          'Only work someone holds (assigned, claimed or in progress) is reassigned; this request is accepted. An accepted request is given with assignRequest.',
        field: 'id',
      },
    ]);
    await claim(id, workers[0]);
    expect((await reassign(id, workers[0])).errors).toEqual([
      { code: 'BAD_USER_INPUT', message: '网格员1 already holds this request: name the person it goes to.', field: 'assigneeId' },
    ]);
    expect((await reassign(id, workers[1], '  ')).errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'reason' })]);
    const now = await app.run(`query($id: ID!) { request(id: $id) { status assignee { name } timeline { nodes { action } } } }`, { id });
    expect(now.request).toEqual({
      status: 'CLAIMED',
      assignee: { name: '网格员1' },
      timeline: { nodes: [{ action: 'created' }, { action: 'status' }, { action: 'claimed' }] },
    });
  });

  test('of two reassignments at once exactly one wins', async () => {
    const id = (await submit('水管爆了')).request.id;
    await change(id, 'ACCEPTED');
    await claim(id, workers[0]);
    const both = await Promise.all([reassign(id, workers[4], '甲'), reassign(id, workers[5], '乙')]);
    expect(both.filter((r) => r.errors.length === 0)).toHaveLength(1);
    const loser = both.find((r) => r.errors.length > 0);
    expect(loser?.request).toBeNull();
    const winner = both.find((r) => r.errors.length === 0)!.request.assignee.name;
    const now = await app.run(`query($id: ID!) { request(id: $id) { assignee { name } timeline { nodes { action } } } }`, { id });
    expect(now.request.assignee.name).toBe(winner);
    expect(now.request.timeline.nodes.filter((n: { action: string }) => n.action === 'reassigned')).toHaveLength(1);
  });
});

describe('searching by words many requests hold', () => {
  let big: TestApp;
  let community: Place;
  beforeAll(async () => {
    big = await createTestApp();
    const em = big.platform.orm.em.fork();
    community = em.create(Place, { type: PlaceType.COMMUNITY, code: 'DENSE', name: '方庄社区', path: '', depth: 0 });
    community.path = `/${community.uuid}/`;
    await em.flush();
    // More than the index is worth reading for (SEARCH_DENSE): 3,200 reports of a leaking pipe, each with its number, and one rare.
    await em.getConnection().execute(
      `INSERT INTO request (id, kind, channel, title, description, callback_phone, place_id, place_path, level, status, created_at, updated_at)
       SELECT gen_random_uuid(), 'report', 'phone', CASE WHEN i = 1600 THEN '井盖松动' ELSE '水管漏水 ' || i END, '', '13800000000', ?, ?, 'grid', 'submitted',
              now() - i * interval '1 minute', now()
         FROM generate_series(1, 3200) i`,
      [community.uuid, community.path],
    );
    // PostgreSQL's statistics of the pieces, as autovacuum's ANALYZE leaves them: a search reads them before it counts.
    await em.getConnection().execute('ANALYZE request_search');
  }, 60_000);
  afterAll(() => big?.close());

  test('a phrase many hold is read newest first, a rare one by the index; either finds every match, and only matches', async () => {
    const search = async (text: string, after?: string) => {
      let page: { nodes: { title: string }[]; pageInfo: { endCursor: string } } | undefined;
      const statements = await big.recordStatements(async () => {
        page = (
          await big.run(
            'query($t: String!, $a: String) { requests(filter: { text: $t }, first: 100, after: $a) { nodes { title } pageInfo { endCursor } } }',
            {
              t: text,
              a: after,
            },
          )
        ).requests;
      });
      const read = statements.find((s) => /from "request"|from request\b/i.test(s) && /order by/i.test(s)) ?? '';
      return { page: page!, byIndex: read.includes('request_search'), counted: statements.some((s) => s.includes('count(*)')) };
    };
    // A phrase whose every piece is common: only counting tells whether few hold all of them together.
    const dense = await search('水管漏水');
    expect(dense).toEqual(expect.objectContaining({ byIndex: false, counted: true }));
    expect(dense.page.nodes.map((n) => n.title).slice(0, 2)).toEqual(['水管漏水 1', '水管漏水 2']);
    expect((await search('水管漏水', dense.page.pageInfo.endCursor)).page.nodes[0].title).toBe('水管漏水 101');
    // A word of one piece many hold is read newest first (PostgreSQL knows how many hold its piece,
    // but not how many of those match the words), told by the statistics without a count.
    expect(await search('漏水')).toEqual(expect.objectContaining({ byIndex: false, counted: false }));
    // Rare pieces: the index reads them, also told by the statistics.
    expect(await search('井盖')).toEqual(expect.objectContaining({ byIndex: true, counted: false }));
    const rare = await search('井盖松');
    expect(rare).toEqual({ page: { nodes: [{ title: '井盖松动' }], pageInfo: expect.anything() }, byIndex: true, counted: false });
    // A number held by one request: few hold all its pieces, so the index reads it.
    expect(await search('漏水 3199')).toEqual({
      page: { nodes: [{ title: '水管漏水 3199' }], pageInfo: expect.anything() },
      byIndex: true,
      counted: false,
    });
    // One character: held by every report (水), read newest first; held by one (盖) or none (鼠), by the index.
    const water = await search('水');
    expect(water).toEqual(expect.objectContaining({ byIndex: false, counted: false }));
    expect(water.page.nodes.map((n) => n.title).slice(0, 2)).toEqual(['水管漏水 1', '水管漏水 2']);
    expect(await search('盖')).toEqual({
      page: { nodes: [{ title: '井盖松动' }], pageInfo: expect.anything() },
      byIndex: true,
      counted: false,
    });
    expect(await search('鼠')).toEqual({ page: { nodes: [], pageInfo: expect.anything() }, byIndex: true, counted: false });
  });
});
