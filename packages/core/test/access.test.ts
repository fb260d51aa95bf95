import { createAuthenticator, createApiKey, type Caller, signPersonToken, toGlobalId } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';

/**
 * Who sees what: callers scoped to places of the demo district, and a second district of
 * canaries (金丝雀) that no caller scoped to the first may ever see, through any path.
 */
let app: TestApp;
const ids: Record<string, string> = {};
const uuid = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
const person = (name: string): Caller => ({ id: uuid(ids[name]), kind: 'person' });

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  const sql = app.platform.orm.em.fork().getConnection();
  for (const p of await sql.execute<{ id: string; code: string }[]>('SELECT id, code FROM place')) ids[p.code] = toGlobalId('Place', p.id);
  for (const p of await sql.execute<{ id: string; name: string }[]>('SELECT id, name FROM person'))
    ids[p.name] = toGlobalId('Person', p.id);

  // The canary district: a household, a resident with care data and a phone, a request, an organisation.
  const create = async (code: string, type: string, parent: string | null) =>
    (ids[code] = (
      await app.run(`mutation ($i: CreatePlaceInput!) { createPlace(input: $i) { place { id } errors { code message field } } }`, {
        i: { code, type, name: `金丝雀${code}`, parentId: parent && ids[parent] },
      })
    ).createPlace.place.id);
  await create('K-D', 'DISTRICT', null);
  await create('K-S', 'SUBDISTRICT', 'K-D');
  await create('K-C', 'COMMUNITY', 'K-S');
  await create('K-B', 'BUILDING', 'K-C');
  await create('K-H', 'HOUSEHOLD', 'K-B');
  ids.canary = (
    await app.run(
      `mutation ($h: ID!) { createPerson(input: { name: "金丝雀居民", phone: "13999999999", householdId: $h }) { person { id } errors { code message field } } }`,
      {
        h: ids['K-H'],
      },
    )
  ).createPerson.person.id;
  await app.run(
    `mutation ($p: ID!) { setCareProfile(personId: $p, input: { livesAlone: true, elderly: true, notes: "金丝雀病情" }) { careProfile { livesAlone } errors { code message field } } }`,
    { p: ids.canary },
  );
  await app.run(
    `mutation ($p: ID!, $h: ID!) { assignRole(personId: $p, placeId: $h, role: RESIDENT, startsOn: "2020-01-01") { role { role } errors { code message field } } }`,
    {
      p: ids.canary,
      h: ids['K-H'],
    },
  );
  ids.canaryRequest = (
    await app.run(
      `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "金丝雀工单", description: "金丝雀", placeId: $p, requesterId: $r }) { request { id } } }`,
      { p: ids['K-C'], r: ids.canary },
    )
  ).submitRequest.request.id;
  ids.canaryOrg = (
    await app.run(
      `mutation ($p: ID!) { createOrganization(name: "金丝雀业委会", kind: OWNERS_COMMITTEE, placeId: $p) { organization { id } errors { code message field } } }`,
      {
        p: ids['K-C'],
      },
    )
  ).createOrganization.organization.id;
});
afterAll(() => app?.close());

/** Every way to reach a row: lists, node(id:), one-by-id queries, nested fields, search. */
const PROBES = `query ($canary: ID!, $canaryRequest: ID!, $canaryPlace: ID!, $canaryOrg: ID!, $root: ID!) {
  places(first: 100) { nodes { name children { nodes { name } } } }
  people(first: 100) { nodes { name } }
  organizations(first: 100) { nodes { name members { nodes { person { name } } } } }
  requests(first: 100) { edges { node { title requester { name } place { name } } } }
  search: requests(filter: { text: "金丝雀" }) { edges { node { title } } }
  node(id: $canary) { id }
  person(id: $canary) { name careProfile { notes } }
  request(id: $canaryRequest) { title }
  place(id: $canaryPlace) { name descendants { nodes { name } } }
  org: node(id: $canaryOrg) { id }
  root: place(id: $root) { name children { nodes { name } } descendants { nodes { name } } }
}`;

describe.each([
  ['a social worker of 成仪路社区', () => person('刘社工')],
  ['a grid worker of 新城区社区', () => person('董桂芳')],
  ['a resident (苍爷爷)', () => person('苍爷爷')],
  ['anonymous', () => null],
])('%s', (_who, caller) => {
  test('never sees the canary district, through any path', async () => {
    const result = await app.execute(
      PROBES,
      {
        canary: ids.canary,
        canaryRequest: ids.canaryRequest,
        canaryPlace: ids['K-C'],
        canaryOrg: ids.canaryOrg,
        root: ids['DEMO-FT'],
      },
      { caller: caller() },
    );
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).not.toContain('金丝雀');
    expect(result.data).toMatchObject({ node: null, person: null, request: null, place: null, org: null });
  });
});

test('the system, for contrast, sees the canaries through the same probes', async () => {
  const result = await app.execute(PROBES, {
    canary: ids.canary,
    canaryRequest: ids.canaryRequest,
    canaryPlace: ids['K-C'],
    canaryOrg: ids.canaryOrg,
    root: ids['K-D'],
  });
  expect(JSON.stringify(result.data)).toContain('金丝雀居民');
  expect(result.data?.request).toEqual({ title: '金丝雀工单' });
});

test('a community social worker sees their community, not a sibling community', async () => {
  const data = await app.run(
    `query ($cyl: ID!, $xcq: ID!, $cang: ID!) {
    mine: requests(filter: { under: $cyl }, first: 100) { edges { node { title } } }
    all: requests(first: 100) { edges { node { place { name } } } }
    cang: person(id: $cang) { name household { name } }
    xcq: place(id: $xcq) { name }
    cyl: place(id: $cyl) { name ancestors { name } }
  }`,
    { cyl: ids['DEMO-CYL'], xcq: ids['DEMO-XCQ'], cang: ids['苍爷爷'] },
    { caller: person('刘社工') },
  );
  expect(data.mine.edges.length).toBeGreaterThan(0);
  const sibling = await app.execute(
    `query ($xcq: ID!) { requests(filter: { under: $xcq }) { edges { node { title } } } }`,
    { xcq: ids['DEMO-XCQ'] },
    { caller: person('刘社工') },
  );
  expect(sibling.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'filter.under' });
  // Without a filter, the list holds exactly what lies under the worker's community.
  expect(data.all.edges.length).toBe(data.mine.edges.length);
  expect(data.cang).toEqual({ name: '苍爷爷', household: { name: '3号楼502' } });
  expect(data.xcq).toBeNull();
  // Where one's community sits is visible; the district and subdistrict are ancestors.
  expect(data.cyl.ancestors.map((p: { name: string }) => p.name)).toEqual(['丰台区', '方庄街道']);
});

test('an id outside the caller\'s places is "not found" in mutations too, never "forbidden"', async () => {
  const moved = await app.execute(
    `mutation ($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { id } errors { code } } }`,
    { id: ids.canaryRequest },
    { caller: person('刘社工') },
  );
  expect(moved.data?.changeRequestStatus).toEqual({ request: null, errors: [{ code: 'NOT_FOUND' }] });
  const role = await app.execute(
    `mutation ($p: ID!, $h: ID!) { assignRole(personId: $p, placeId: $h, role: VOLUNTEER, startsOn: "2024-01-01") { role { role } errors { code message field } } }`,
    { p: ids['苍爷爷'], h: ids['K-H'] },
    { caller: person('刘社工') },
  );
  expect(role.data?.assignRole.errors[0].code).toBe('NOT_FOUND');
  expect(role.data?.assignRole.errors[0].message).not.toContain('金丝雀');
});

describe('permissions', () => {
  test('a resident submits for their own household and sees their own requests, but may not manage them', async () => {
    const submitted = await app.run(
      `mutation ($h: ID!) { submitRequest(input: { kind: NEED, channel: WISH_WALL, title: "微心愿：想要一个台灯", description: "", placeId: $h }) { request { id requester { name } } errors { code } } }`,
      { h: ids['DEMO-CYL-CTY-3-502'] },
      { caller: person('苍爷爷') },
    );
    expect(submitted.submitRequest.request.requester).toEqual({ name: '苍爷爷' });
    const mine = await app.run(`{ requests(first: 100) { edges { node { title } } } }`, {}, { caller: person('苍爷爷') });
    // The hotline order 苍爷爷 made (placed at his community, outside his household) is his too.
    expect(mine.requests.edges.map((e: any) => e.node.title)).toEqual(
      expect.arrayContaining(['微心愿：想要一个台灯', '独居老人家中断网，无法线上买菜']),
    );
    // Forbidden on a row he may see: a domain outcome, in the payload.
    const moved = await app.run(
      `mutation ($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { id } errors { code message } } }`,
      { id: submitted.submitRequest.request.id },
      { caller: person('苍爷爷') },
    );
    expect(moved.changeRequestStatus.request).toBeNull();
    expect(moved.changeRequestStatus.errors[0].code).toBe('FORBIDDEN');
    expect(moved.changeRequestStatus.errors[0].message).toMatch(/request\.manage/);
  });

  test('anonymous callers see no place and are asked to sign in', async () => {
    const result = await app.execute(
      `mutation ($h: ID!) { createOrganization(name: "x", kind: OWNERS_COMMITTEE, placeId: $h) { organization { id } errors { code message field } } }`,
      { h: ids['DEMO-CYL'] },
      { caller: null },
    );
    expect(result.data?.createOrganization.errors[0].code).toBe('NOT_FOUND');
    const key = await app.execute(
      `mutation { createApiKey(input: { name: "x", placeIds: [], permissions: ["audit"] }) { created { secret } errors { code message field } } }`,
      {},
      { caller: null },
    );
    expect(key.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(key.errors?.[0].message).toMatch(/Authorization: Bearer/);
    const viewer = await app.run('{ viewer { kind places { name } permissions } }', {}, { caller: null });
    expect(viewer.viewer).toEqual({ kind: 'anonymous', places: [], permissions: [] });
  });

  test("the social worker's changes are recorded as theirs on the timeline", async () => {
    const { submitRequest } = await app.run(
      `mutation ($c: ID!) { submitRequest(input: { kind: REPORT, channel: PHONE, title: "楼道灯坏了", description: "", placeId: $c, callbackPhone: "13700000000" }) { request { id } } }`,
      { c: ids['DEMO-CYL'] },
      { caller: person('刘社工') },
    );
    const moved = await app.run(
      `mutation ($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { lastTimelineEntry { actor { name } toStatus } } } }`,
      { id: submitRequest.request.id },
      { caller: person('刘社工') },
    );
    expect(moved.changeRequestStatus.request.lastTimelineEntry).toEqual({ actor: { name: '刘社工' }, toStatus: 'ACCEPTED' });
    const viewer = await app.run('{ viewer { kind person { name } places { name } permissions } }', {}, { caller: person('刘社工') });
    expect(viewer.viewer).toMatchObject({ kind: 'person', person: { name: '刘社工' }, places: [{ name: '成仪路社区' }] });
    expect(viewer.viewer.permissions).toEqual(expect.arrayContaining(['request.manage', 'sensitive.read']));
  });
});

describe('sensitive personal data', () => {
  const logRows = async () =>
    Number(
      (await app.platform.orm.em.fork().getConnection().execute<{ n: string }[]>('SELECT count(*)::text AS n FROM sensitive_access_log'))[0]
        .n,
    );

  test('care profiles and phones are hidden from roles that do not need them, shown and logged for those that do', async () => {
    const q = `query ($cang: ID!, $dong: ID!) { cang: person(id: $cang) { careProfile { livesAlone notes } } dong: person(id: $dong) { phone } }`;
    const vars = { cang: ids['苍爷爷'], dong: ids['刘社工'] };
    // The auxiliary social worker of the same community sees 苍爷爷 but may not read his care data.
    const aux = await app.run(q, vars, { caller: person('赵女士') });
    expect(aux.cang).toEqual({ careProfile: null });
    expect(aux.dong).toEqual({ phone: null });
    const worker = await app.run(q, vars, { caller: person('刘社工') });
    expect(worker.cang.careProfile).toEqual({ livesAlone: true, notes: '独居老人，疫情期间断网' });
    expect(worker.dong.phone).toBe('13800000001');

    const { apiKey, secret } = await app.platform.orm.em
      .fork()
      .transactional((em) => createApiKey(em as never, { name: '区审计', placeIds: [], permissions: ['audit'] }));
    const auditor = await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${secret}`);
    expect(auditor).toEqual({ id: apiKey.uuid, kind: 'api-key' });
    const log = await app.run(
      `query ($cang: ID!) { sensitiveAccessLog(personId: $cang) { nodes { readerName fields } } }`,
      { cang: ids['苍爷爷'] },
      { caller: auditor },
    );
    expect(log.sensitiveAccessLog.nodes).toEqual([{ readerName: '刘社工', fields: ['careProfile'] }]);

    // 苍爷爷 exports his own data, including who read it.
    const mine = await app.run(
      '{ myData { person { name careProfile { livesAlone } } requests { nodes { title } } sensitiveReads(first: 100) { nodes { readerName fields } } } }',
      {},
      { caller: person('苍爷爷') },
    );
    expect(mine.myData.person).toEqual({ name: '苍爷爷', careProfile: { livesAlone: true } });
    expect(mine.myData.sensitiveReads.nodes).toEqual(expect.arrayContaining([{ readerName: '刘社工', fields: ['careProfile'] }]));
    // The export's lists are pages: following endCursor fetches every row, one page at a time.
    for (const list of ['requests', 'sensitiveReads']) {
      const EXPORT = `query ($after: String) { myData { ${list}(first: 1, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`;
      const all = (await app.run(`{ myData { ${list}(first: 100) { edges { cursor } } } }`, {}, { caller: person('苍爷爷') })).myData[list];
      const paged: string[] = [];
      for (let after: string | null = null, more = true; more;) {
        const page: { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = (
          await app.run(EXPORT, { after }, { caller: person('苍爷爷') })
        ).myData[list];
        paged.push(...page.edges.map((e) => e.cursor));
        [after, more] = [page.pageInfo.endCursor, page.pageInfo.hasNextPage];
      }
      expect(paged).toEqual(all.edges.map((e: { cursor: string }) => e.cursor));
      if (list === 'sensitiveReads') expect(paged.length).toBeGreaterThan(0);
    }

    // Nobody rewrites history.
    await expect(app.platform.orm.em.fork().getConnection().execute('DELETE FROM sensitive_access_log')).rejects.toThrow(/append-only/);
  });

  test('a person of no place (not yet in a household): their phone is read with sensitive.read everywhere only, and logged', async () => {
    const created = await app.run(
      `mutation { createPerson(input: { name: "待入户居民", phone: "13700000009" }) { person { id } errors { code message } } }`,
      {},
    );
    const id = created.createPerson.person.id as string;
    const keyFor = async (name: string, placeIds: string[], permissions: string[]) => {
      const { secret } = await app.platform.orm.em.fork().transactional((em) => createApiKey(em as never, { name, placeIds, permissions }));
      return (await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${secret}`))!;
    };
    const q = `query ($id: ID!) { person(id: $id) { name phone } }`;
    const everywhere = await keyFor('区民政局', [], ['sensitive.read']);
    expect((await app.run(q, { id }, { caller: everywhere })).person).toEqual({ name: '待入户居民', phone: '13700000009' });
    // Without the permission: the person, not the phone.
    const reader = await keyFor('区只读', [], []);
    expect((await app.run(q, { id }, { caller: reader })).person).toEqual({ name: '待入户居民', phone: null });
    // The read is logged against the key.
    const [logged] = await app.platform.orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>(`SELECT count(*)::text AS n FROM sensitive_access_log WHERE subject_id = ?`, [uuid(id)]);
    expect(logged.n).toBe('1');
  });

  test('logging sensitive reads is one prepared statement, whatever the number of people read', async () => {
    const one = `query ($a: ID!) { a: person(id: $a) { phone } }`;
    const two = `query ($a: ID!, $b: ID!) { a: person(id: $a) { phone } b: person(id: $b) { careProfile { livesAlone } phone } }`;
    const vars = { a: ids['刘社工'], b: ids['苍爷爷'] };
    const before = await logRows();
    // The one connection the work goes over may have run the insert in an earlier test: its runs counted before and after.
    const pool = await app.platform.orm.em.getConnection().getNativeClient();
    const runsOfInsert = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT coalesce(sum(generic_plans + custom_plans), 0) AS n FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO sensitive_access_log%'`,
          )
        ).rows[0].n,
      );
    let runs = 0;
    const prepared = await app.preparedStatements(async () => {
      const earlier = await runsOfInsert();
      await app.run(one, { a: vars.a }, { caller: person('刘社工') });
      await app.run(two, vars, { caller: person('刘社工') });
      runs = (await runsOfInsert()) - earlier;
    });
    // One row per person read, with every field read of them.
    expect((await logRows()) - before).toBe(3);
    const inserts = prepared.filter((s) => s.statement.includes('INSERT INTO sensitive_access_log'));
    expect(inserts).toHaveLength(1);
    expect(runs).toBe(2);
  });

  test('the access log is for auditors only', async () => {
    const result = await app.execute('{ sensitiveAccessLog { nodes { readerName } } }', {}, { caller: person('刘社工') });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('credentials', () => {
  const em = () => app.platform.orm.em.fork() as never;

  test('an API key is shown once, stored hashed, scoped, and stops working when revoked', async () => {
    const created = await app.run(
      `mutation ($c: ID!) { createApiKey(input: { name: "成仪路社区小程序", placeIds: [$c], permissions: ["request.submit"] }) { created { apiKey { id prefix permissions } secret } errors { code message field } } }`,
      { c: ids['DEMO-CYL'] },
    );
    const { secret, apiKey } = created.createApiKey.created;
    expect(secret).toMatch(/^gz_[a-z0-9]{8}_/);
    const [row] = await app.platform.orm.em
      .fork()
      .getConnection()
      .execute(`SELECT secret_hash FROM api_key WHERE prefix = ?`, [apiKey.prefix]);
    expect(row.secret_hash).not.toContain(secret.slice(12));
    const authenticate = createAuthenticator(em, {});
    const caller = await authenticate(`Bearer ${secret}`);
    const seen = await app.run(
      `{ requests(first: 100) { edges { node { place { name } } } } viewer { kind places { name } permissions } }`,
      {},
      { caller },
    );
    expect(seen.viewer).toEqual({ kind: 'api-key', places: [{ name: '成仪路社区' }], permissions: ['request.submit'] });
    expect(seen.requests.edges.length).toBeGreaterThan(0);
    expect(JSON.stringify(seen)).not.toContain('金丝雀');

    await app.run(`mutation ($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } errors { code message field } } }`, {
      id: apiKey.id,
    });
    await expect(authenticate(secret)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    // A key that was already handed a context sees nothing once revoked.
    const after = await app.run(`{ viewer { places { name } } requests { edges { node { id } } } }`, {}, { caller });
    expect(after).toEqual({ viewer: { places: [] }, requests: { edges: [] } });
  });

  test('nobody hands out a key for more than they hold', async () => {
    const { secret } = await app.platform.orm.em.fork().transactional((tx) =>
      createApiKey(tx as never, {
        name: '社区管理员',
        placeIds: [uuid(ids['DEMO-CYL'])],
        permissions: ['api-key.manage', 'request.submit'],
      }),
    );
    const admin = await createAuthenticator(em, {})(secret);
    const wider = await app.execute(
      `mutation ($d: ID!) { createApiKey(input: { name: "x", placeIds: [$d], permissions: ["request.submit"] }) { created { secret } errors { code message field } } }`,
      { d: ids['K-D'] },
      { caller: admin },
    );
    expect(wider.data?.createApiKey.errors[0].code).toBe('NOT_FOUND');
    const more = await app.execute(
      `mutation ($c: ID!) { createApiKey(input: { name: "x", placeIds: [$c], permissions: ["sensitive.read"] }) { created { secret } errors { code message field } } }`,
      { c: ids['DEMO-CYL'] },
      { caller: admin },
    );
    expect(more.data?.createApiKey.errors[0].code).toBe('FORBIDDEN');
    const everywhere = await app.execute(`{ apiKeys { nodes { name } } }`, {}, { caller: admin });
    expect(everywhere.data?.apiKeys.nodes).toEqual([]);
  });

  test('person tokens: signed, checked, expiring', async () => {
    const secret = 'a-test-secret-that-is-long-enough-0123456789';
    const authenticate = createAuthenticator(em, { secret });
    const token = await signPersonToken(uuid(ids['刘社工']), { secret });
    expect(await authenticate(`Bearer ${token}`)).toEqual({ id: uuid(ids['刘社工']), kind: 'person' });
    const forged = await signPersonToken(uuid(ids['刘社工']), { secret: 'another-secret-that-is-long-enough-012345' });
    await expect(authenticate(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const expired = await signPersonToken(uuid(ids['刘社工']), { secret }, '-1m');
    await expect(authenticate(expired)).rejects.toThrow(/not valid.*exp/);
    await expect(createAuthenticator(em, {})(token)).rejects.toThrow(/Person tokens are not accepted/);
    expect(await authenticate(undefined)).toBeNull();
  });
});

test('scoping adds no statement per row: a page of 1 and of 5 requests cost the same', async () => {
  for (let i = 0; i < 5; i++) {
    await app.run(
      `mutation ($c: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "送药上门 ${i}", description: "", placeId: $c, requesterId: $r }) { request { id } } }`,
      { c: ids['DEMO-CYL-CTY-3'], r: ids['苍爷爷'] },
    );
  }
  const q = `query ($n: Int!) { requests(first: $n) { edges { node { title place { name ancestors { name } } requester { name phone careProfile { livesAlone } } timeline { nodes { actor { name } } } } } } }`;
  const caller = person('刘社工');
  const one = await app.countStatements(() => app.run(q, { n: 1 }, { caller }));
  const five = await app.countStatements(() => app.run(q, { n: 5 }, { caller }));
  expect(five).toBe(one);
});

test('an API key with no permissions is a read-only key: it reads its places and changes nothing', async () => {
  const { createApiKey: made } = await app.run(
    `mutation ($c: ID!) { createApiKey(input: { name: "成仪路社区大屏", placeIds: [$c], permissions: [] }) { created { secret apiKey { permissions } } errors { code message } } }`,
    { c: ids['DEMO-CYL'] },
  );
  expect(made.errors).toEqual([]);
  expect(made.created.apiKey.permissions).toEqual([]);
  const caller = await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${made.created.secret}`);
  const seen = await app.run(
    '{ viewer { kind places { name } permissions } requests(filter: { text: "断网" }) { edges { node { title } } } }',
    {},
    { caller },
  );
  expect(seen.viewer).toEqual({ kind: 'api-key', places: [{ name: '成仪路社区' }], permissions: [] });
  expect(seen.requests.edges).toEqual([{ node: { title: '独居老人家中断网，无法线上买菜' } }]);
  const write = await app.run(
    `mutation ($c: ID!) { submitRequest(input: { kind: REPORT, channel: PHONE, title: "只读", placeId: $c, callbackPhone: "13700000000" }) { request { id } errors { code } } }`,
    { c: ids['DEMO-CYL'] },
    { caller },
  );
  expect(write.submitRequest).toEqual({ request: null, errors: [{ code: 'FORBIDDEN' }] });
  // Outside its places it sees nothing.
  const elsewhere = await app.run('{ requests(filter: { text: "门禁" }) { edges { node { title } } } }', {}, { caller });
  expect(elsewhere.requests.edges).toEqual([]);
});
