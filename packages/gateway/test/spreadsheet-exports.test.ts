import { createApiKey, signPersonToken, toGlobalId } from '@gongzhi/core';
import type { TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import { gatewayDatabase, postGraphQL, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * `GET /export/<name>.csv` (台账导出) through the real server, core's `requests` and the volunteer
 * plugin's `volunteer-service`: the rows are exactly what the
 * caller's `requests(filter:)` lists, every page of them; the file opens in a spreadsheet (BOM,
 * quoted cells, no formulas out of residents' text); bad input is refused as /graphql refuses it.
 */
const logger = createGatewayLogger('silent', false);
const SECRET = 'spreadsheet-exports-test-secret-0123456789abcdef';
let db: TestDatabase;
let gateway: RunningGateway;
let community: { id: string; uuid: string };
let communityKey: string;

beforeAll(async () => {
  db = await gatewayDatabase();
  gateway = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_RATE_LIMIT: '1000', GONGZHI_JWT_SECRET: SECRET }), logger);
  const [row] = await sql<{ id: string }[]>(`SELECT id FROM place WHERE code = 'DEMO-JKL'`);
  community = { uuid: row.id, id: toGlobalId('Place', row.id) };
  ({ secret: communityKey } = await gateway.platform.orm.em
    .fork()
    .transactional((em) => createApiKey(em as never, { name: '敬口路社区工作台', placeIds: [row.id], permissions: ['request.submit'] })));
  // More than a page of 100 in the district: the demo's 62 and 45 reports of broken lamps.
  for (let batch = 0; batch < 3; batch++) {
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        postGraphQL(gateway.server.url, SUBMIT, {
          input: {
            kind: 'REPORT',
            channel: 'MOBILE_REPORT',
            title: `${batch * 15 + i + 1}号楼道灯不亮`,
            placeId: community.id,
            callbackPhone: '13800000001',
          },
        }),
      ),
    );
  }
}, 120_000);

const SUBMIT = 'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { message } } }';
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

/** Rows of a statement on the test's database (finding the demo's rows by code or name). */
const sql = <T extends object[]>(text: string, params: unknown[] = []) =>
  gateway.platform.orm.em.fork().getConnection().execute<T>(text, params);
/** The global id of the demo's district, the root of its place tree. */
const districtId = async () =>
  toGlobalId('Place', (await sql<{ id: string }[]>(`SELECT id FROM place WHERE parent_id IS NULL ORDER BY code LIMIT 1`))[0].id);

const exportUrl = (params: Record<string, string> = {}, name = 'requests') =>
  `${gateway.server.url}/export/${name}.csv?${new URLSearchParams(params)}`;
const download = (
  params: Record<string, string> = {},
  key: string | null = TEST_ADMIN_KEY,
  headers: Record<string, string> = {},
  name = 'requests',
) => fetch(exportUrl(params, name), { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

/** RFC 4180: rows of cells, quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\r')) {
      cell += c;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell || row.length) throw new Error(`the file does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/** Every id `requests(filter:)` lists to a key, page by page, newest first. */
async function idsListed(filter: Record<string, unknown>, key: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { data, errors } = await postGraphQL(
      gateway.server.url,
      'query($filter: RequestFilter, $after: String) { requests(filter: $filter, first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
      { filter, after },
      key,
    );
    expect(errors).toBeUndefined();
    ids.push(...data.requests.nodes.map((n: { id: string }) => n.id));
    if (!data.requests.pageInfo.hasNextPage) return ids;
    after = data.requests.pageInfo.endCursor;
  }
}

test('the export is every page the caller’s requests(filter:) lists, in its order, as a spreadsheet opens it', async () => {
  const res = await download({}, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="requests-\d{4}-\d{2}-\d{2}\.csv"$/);
  const bytes = Buffer.from(await res.arrayBuffer());
  // UTF-8 with a byte order mark: what Excel needs to read Chinese.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  expect(header).toEqual([
    '编号',
    '12345工单号',
    '类型',
    '来源渠道',
    '分类',
    '标题',
    '内容',
    '状态',
    '层级',
    '紧急程度',
    '地点',
    '派往单位',
    '承办人',
    '办理时限',
    '评价',
    '提交时间',
    '最后更新',
  ]);
  const listed = await idsListed({}, TEST_ADMIN_KEY);
  expect(listed.length).toBeGreaterThan(100); // more than one page
  expect(rows.map((r) => r[0])).toEqual(listed);
  for (const r of rows) expect(r).toHaveLength(header.length);
  // Values in words and on the district's clock (Asia/Shanghai).
  expect(new Set(rows.map((r) => r[7]))).toContain('已办结');
  expect(rows.every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[15]))).toBe(true);
});

test('a community’s key exports its community only; filters are RequestFilter’s fields as parameters', async () => {
  const res = await download({ under: community.id, status: 'ACCEPTED,RESOLVED,CLOSED', duplicate: 'false' }, communityKey);
  expect(res.status).toBe(200);
  const [, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  const listed = await idsListed({ under: community.id, status: ['ACCEPTED', 'RESOLVED', 'CLOSED'], duplicate: false }, communityKey);
  expect(listed.length).toBeGreaterThan(0);
  expect(rows.map((r) => r[0])).toEqual(listed);
  expect(rows.every((r) => ['accepted', 'resolved', 'closed'].includes(r[7]))).toBe(true);
  // The whole district through the community's key: the community's rows, no one else's.
  const all = parseCsv((await (await download({}, communityKey)).text()).replace(/^\uFEFF/, '')).slice(1);
  expect(all.map((r) => r[0])).toEqual(await idsListed({}, communityKey));
  expect(all.length).toBeLessThan((await idsListed({}, TEST_ADMIN_KEY)).length);
});

test('a resident’s text stays text: commas, quotes, line breaks and formulas; English on request (the tests’ default language)', async () => {
  const title = '=HYPERLINK("http://x.example","点我"), 楼道灯坏了';
  const description = '第一行\n第二行，"引号"';
  const submitted = await postGraphQL(gateway.server.url, SUBMIT, {
    input: {
      kind: 'REPORT',
      channel: 'PHONE',
      title,
      description,
      placeId: community.id,
      category: '-设施维修',
      callbackPhone: '13912345678',
    },
  });
  const id = submitted.data.submitRequest.request.id as string;
  // A title that reads like an enum value stays as written: only enum columns are said in words.
  const shouting = await postGraphQL(gateway.server.url, SUBMIT, {
    input: { kind: 'REPORT', channel: 'PHONE', title: 'URGENT', placeId: community.id, category: 'CLOSED', callbackPhone: '13912345679' },
  });
  const res = await download({ under: community.id, status: 'SUBMITTED' });
  const text = await res.text();
  // The work, not the people who asked: no callback phone.
  expect(text).not.toContain('13912345678');
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  expect(header.slice(0, 3)).toEqual(['ID', '12345 order no.', 'Kind']);
  const row = rows.find((r) => r[0] === id)!;
  expect(row[2]).toBe('report');
  expect(row[4]).toBe("'-设施维修");
  expect(row[5]).toBe(`'${title}`);
  expect(row[6]).toBe(description);
  expect(row[7]).toBe('submitted');
  const loud = rows.find((r) => r[0] === shouting.data.submitRequest.request.id)!;
  expect([loud[4], loud[5], loud[9]]).toEqual(['CLOSED', 'URGENT', 'normal']);
});

test('bad input is refused before any row, as /graphql refuses it; an unseen place answers like a made-up one', async () => {
  const refused = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { errors: unknown[] }).errors[0] });
  expect(await refused(await download({ place: community.id }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }))).toMatchObject({
    status: 400,
    error: {
      message: expect.stringContaining('"place" 不是此导出的参数；可用的参数为：under, status'),
      extensions: { code: 'BAD_USER_INPUT' },
    },
  });
  expect((await refused(await download({ status: 'accepted' }))).status).toBe(400);
  expect(await refused(await download({}, null))).toMatchObject({ status: 401, error: { extensions: { code: 'UNAUTHENTICATED' } } });
  expect((await download({}, 'gz_nottherightkey_0000000000000000000000000000000')).status).toBe(401);
  const post = await fetch(exportUrl(), { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET');
  await post.body?.cancel();
  // A place outside the key's district, and a made-up one: the same answer.
  const [canary] = await sql<{ id: string }[]>(`SELECT id FROM place WHERE code = 'DEMO-CYL'`);
  const outside = await refused(await download({ under: toGlobalId('Place', canary.id) }, communityKey));
  const madeUp = await refused(await download({ under: toGlobalId('Place', '00000000-0000-4000-8000-000000000000') }, communityKey));
  expect(madeUp.status).toBe(404);
  expect(outside.status).toBe(madeUp.status);
  expect((outside.error as { extensions: unknown }).extensions).toEqual((madeUp.error as { extensions: unknown }).extensions);
});

test('a download past the caller’s rate limit waits for the next window to fetch its next page, and comes whole', async () => {
  // One operation a window, and a window of three seconds: the second page has to wait for the next one.
  const strict = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_RATE_LIMIT: '1', GONGZHI_JWT_SECRET: SECRET }), logger, {
    rateLimiter: { windowMs: 3000 },
  });
  try {
    const started = Date.now();
    const res = await fetch(`${strict.server.url}/export/requests.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const [, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.map((r) => r[0])).toEqual(await idsListed({}, TEST_ADMIN_KEY));
  } finally {
    await strict.stop();
  }
}, 60_000);

test('a plugin’s export: the volunteers’ service hours, as volunteerServiceEntries lists them, its parameters its variables', async () => {
  // A resident of the community reports two services; staff approve one.
  // A resident of a community with a social worker, who verifies service there.
  const [resident] = await sql<{ id: string; community: string; staff: string }[]>(
    `SELECT p.id, c.id AS community, r.person_id AS staff FROM person p JOIN place h ON h.id = p.household_id
         JOIN place c ON c.type = 'community' AND h.path LIKE c.path || '%'
         JOIN person_role r ON r.place_id = c.id AND r.role = 'social_worker' AND r.ends_on IS NULL AND r.person_id <> p.id
        ORDER BY p.name, r.person_id LIMIT 1`,
  );
  const token = await signPersonToken(resident.id, { secret: SECRET });
  const REPORT = `mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { id } errors { code message } } }`;
  const report = async (servedOn: string, minutes: number, description: string) => {
    const { data } = await postGraphQL(
      gateway.server.url,
      REPORT,
      { input: { communityId: toGlobalId('Place', resident.community), servedOn, minutes, description } },
      token,
    );
    expect(data.reportVolunteerHours.errors).toEqual([]);
    return data.reportVolunteerHours.entry.id as string;
  };
  const approved = await report('2026-05-30', 120, '帮独居老人取药，"顺路"买菜');
  await report('2026-05-31', 60, '楼道清理');
  const verified = await postGraphQL(
    gateway.server.url,
    `mutation($id: ID!) { verifyVolunteerHours(entryId: $id) { errors { code message } } }`,
    { id: approved },
    await signPersonToken(resident.staff, { secret: SECRET }),
  );
  expect(verified.errors ?? verified.data.verifyVolunteerHours.errors).toEqual([]);

  const res = await download({ status: 'APPROVED' }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'volunteer-service');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="volunteer-service-\d{4}-\d{2}-\d{2}\.csv"$/);
  const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  expect(header).toEqual([
    '编号',
    '志愿者',
    '队伍',
    '社区',
    '来源',
    '服务日期',
    '时长（分钟）',
    '服务内容',
    '状态',
    '审核人',
    '审核时间',
    '登记时间',
  ]);
  const { data } = await postGraphQL(
    gateway.server.url,
    'query { volunteerServiceEntries(status: APPROVED, first: 100) { nodes { id person { name } minutes } pageInfo { hasNextPage } } }',
  );
  expect(data.volunteerServiceEntries.pageInfo.hasNextPage).toBe(false);
  expect(rows.map((r) => [r[0], r[1], r[6]])).toEqual(
    data.volunteerServiceEntries.nodes.map((n: { id: string; person: { name: string }; minutes: number }) => [
      n.id,
      n.person.name,
      String(n.minutes),
    ]),
  );
  expect(rows.map((r) => [r[0], r[6], r[7], r[8]])).toEqual([[approved, '120', '帮独居老人取药，"顺路"买菜', '已审核']]);
  // Its parameters are its query's variables; a request filter is not one of them.
  const wrong = await download({ kind: 'NEED' }, TEST_ADMIN_KEY, {}, 'volunteer-service');
  expect(wrong.status).toBe(400);
  expect(((await wrong.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
    '"kind" is not a parameter of this export; its parameters are: under, personId, status.',
  );
  // A name no export has: the answer lists those there are.
  const none = await download({}, TEST_ADMIN_KEY, {}, 'people');
  expect(none.status).toBe(404);
  expect(((await none.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
    'No export at /export/people.csv; the exports are: /export/requests.csv, /export/request-performance.csv, /export/grid-visits.csv, /export/grid-attention.csv, /export/volunteer-service.csv, /export/volunteer-shifts.csv, /export/moral-bank-accounts.csv, /export/moral-bank-statement.csv, /export/moral-bank-bookings.csv, /export/council-action-items.csv.',
  );
});

test('spreadsheetExports lists every download with its parameters and headings, as the downloads take and write them', async () => {
  const { data } = await postGraphQL(
    gateway.server.url,
    'query { spreadsheetExports { name description path parameters { name type required description } columns } }',
  );
  const listed = data.spreadsheetExports as {
    name: string;
    path: string;
    parameters: { name: string; type: string; required: boolean; description: string | null }[];
    columns: string[];
  }[];
  expect(listed.map((e) => e.path)).toEqual([
    '/export/requests.csv',
    '/export/request-performance.csv',
    '/export/grid-visits.csv',
    '/export/grid-attention.csv',
    '/export/volunteer-service.csv',
    '/export/volunteer-shifts.csv',
    '/export/moral-bank-accounts.csv',
    '/export/moral-bank-statement.csv',
    '/export/moral-bank-bookings.csv',
    '/export/council-action-items.csv',
  ]);
  const performance = listed.find((e) => e.name === 'request-performance')!;
  expect(performance.parameters).toEqual([
    { name: 'under', type: 'ID!', required: true, description: null },
    { name: 'from', type: 'DateTimeISO!', required: true, description: null },
    { name: 'to', type: 'DateTimeISO!', required: true, description: null },
  ]);
  expect(listed.find((e) => e.name === 'requests')!.parameters).toContainEqual({
    name: 'under',
    type: 'ID',
    required: false,
    description: 'Only requests at this place or anywhere under it.',
  });
  // The headings are those of the file, in the request's language; the parameters those the download takes.
  for (const spreadsheet of listed.filter((e) => e.parameters.every((p) => !p.required))) {
    const res = await download({}, TEST_ADMIN_KEY, {}, spreadsheet.name);
    expect(res.status).toBe(200);
    expect(parseCsv((await res.text()).replace(/^\uFEFF/, ''))[0]).toEqual(spreadsheet.columns);
  }
  const refused = await download({ nothing: '1' }, TEST_ADMIN_KEY, {}, 'request-performance');
  expect(((await refused.json()) as { errors: { message: string }[] }).errors[0].message).toContain(
    `its parameters are: ${performance.parameters.map((p) => p.name).join(', ')}.`,
  );
});

test('the councils’ action items: what each party owes, as councilActionItems lists them, booleans in words', async () => {
  const under = await districtId();
  const res = await download({ under }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'council-action-items');
  expect(res.status).toBe(200);
  const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  expect(header).toEqual(['编号', '分工事项', '议定事项', '责任单位', '责任人', '完成时限', '进度', '是否超期', '最后更新']);
  const { data } = await postGraphQL(
    gateway.server.url,
    'query($u: ID!) { councilActionItems(under: $u, first: 100) { nodes { id title overdue } } }',
    {
      u: under,
    },
  );
  expect(rows.map((r) => [r[0], r[1], r[7]])).toEqual(
    data.councilActionItems.nodes.map((n: { id: string; title: string; overdue: boolean }) => [n.id, n.title, n.overdue ? '是' : '否']),
  );
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => ['未开始', '进行中', '已完成'].includes(r[6]))).toBe(true);
});

test('a venue’s bookings (场地使用登记): as moralBankBookings lists them for the time asked, moments on Beijing’s clock', async () => {
  const [hall] = await sql<{ id: string }[]>(`SELECT id FROM place WHERE code = 'DEMO-XCQ-HALL'`);
  const venueId = toGlobalId('Place', hall.id);
  const span = { from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date(Date.now() + 30 * 86_400_000).toISOString() };
  const res = await download({ venueId, ...span }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'moral-bank-bookings');
  expect(res.status).toBe(200);
  const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  expect(header).toEqual(['编号', '场地', '开始时间', '结束时间', '时长（分钟）', '使用账户', '用途', '状态', '优先时段', '预约时间']);
  const { data } = await postGraphQL(
    gateway.server.url,
    'query($v: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { moralBankBookings(venueId: $v, from: $from, to: $to, first: 100) { nodes { id purpose } } }',
    { v: venueId, ...span },
  );
  expect(rows.map((r) => [r[0], r[6]])).toEqual(
    data.moralBankBookings.nodes.map((n: { id: string; purpose: string }) => [n.id, n.purpose]),
  );
  // The demo's rehearsal: 14:00–16:00 in Beijing, confirmed, outside priority windows.
  expect(rows.find((r) => r[6] === '京剧票友队排练')).toEqual([
    expect.any(String),
    '排练厅',
    expect.stringMatching(/ 14:00$/),
    expect.stringMatching(/ 16:00$/),
    '120',
    expect.any(String),
    '京剧票友队排练',
    '已确认',
    '否',
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
  ]);
  // A required parameter missing is refused as GraphQL refuses it.
  expect((await download({ venueId }, TEST_ADMIN_KEY, {}, 'moral-bank-bookings')).status).toBe(400);
});

test('a grid’s people’s-conditions ledger (民情走访台账): as gridVisits lists it, each visit’s checks and findings in its cells', async () => {
  const ledger = async (params: Record<string, string>, language: string) => {
    const res = await download(params, TEST_ADMIN_KEY, { 'accept-language': language }, 'grid-visits');
    expect(res.status).toBe(200);
    return parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  };
  const [header, ...rows] = await ledger({}, 'zh-CN');
  expect(header).toEqual([
    '编号',
    '走访日期',
    '住户',
    '网格',
    '网格员',
    '走访对象',
    '检查项目',
    '检查结果',
    '检查说明',
    '走访情况',
    '发现问题',
    '问题类别',
    '登记时间',
  ]);
  const { data } = await postGraphQL(gateway.server.url, 'query { gridVisits(first: 100) { nodes { id visitedOn } } }');
  expect(rows.map((r) => [r[0], r[1]])).toEqual(data.gridVisits.nodes.map((n: { id: string; visitedOn: string }) => [n.id, n.visitedOn]));
  // The demo's first visit to 苍爷爷: the network out, the heating in order; each check's result
  // and note in its place (the heating's note is empty).
  const first = rows.find((r) => r[9] === '独居老人，疫情期间无法线上买菜。');
  expect(first?.slice(2)).toEqual([
    '3号楼502',
    '翠庭园网格',
    '赵女士',
    '苍爷爷',
    '网络；供暖',
    '异常；正常',
    '家中断网多日；',
    '独居老人，疫情期间无法线上买菜。',
    '家中网络中断，需联系运营商上门维修',
    '生活服务',
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
  ]);
  const [, ...english] = await ledger({}, 'en');
  expect(english.find((r) => r[0] === first?.[0])?.slice(6, 9)).toEqual(['network; heating', 'not in order; in order', '家中断网多日; ']);
  // The filter's fields are the parameters: 翠庭园网格's visits since its first one's day.
  const [grid] = await sql<{ id: string }[]>(`SELECT id FROM grid.grid WHERE name = '翠庭园网格'`);
  const [, ...cty] = await ledger({ gridId: toGlobalId('Grid', grid.id), from: first![1] }, 'zh-CN');
  expect(cty.map((r) => r[0])).toEqual(rows.filter((r) => r[3] === '翠庭园网格').map((r) => r[0]));
  expect(cty).toHaveLength(2);
  const [, ...later] = await ledger({ gridId: toGlobalId('Grid', grid.id), from: cty[0][1] }, 'zh-CN');
  expect(later.map((r) => r[0])).toEqual([cty[0][0]]);
});

test('the moral bank’s depositors and an account’s statement (储户台账, 存折明细): a list under a row, as its fields list it', async () => {
  const [community] = await sql<{ id: string }[]>(`SELECT id FROM place WHERE code = 'DEMO-XCQ'`);
  const communityId = toGlobalId('Place', community.id);
  const sheet = async (name: string, params: Record<string, string>) => {
    const res = await download(params, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, name);
    expect(res.status).toBe(200);
    return parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  };
  const [accountsHeader, ...accounts] = await sheet('moral-bank-accounts', { communityId });
  expect(accountsHeader).toEqual(['编号', '户名', '储户类型', '余额（分钟）', '积分', '开户时间']);
  const { data } = await postGraphQL(
    gateway.server.url,
    'query($c: ID!) { place(id: $c) { moralBankAccounts(first: 100) { nodes { id name balance } } } }',
    { c: communityId },
  );
  expect(accounts.map((r) => [r[0], r[1], r[3]])).toEqual(
    data.place.moralBankAccounts.nodes.map((n: { id: string; name: string; balance: number }) => [n.id, n.name, String(n.balance)]),
  );
  // The bank's issuance account stands below zero: a number, not text guarded as a formula.
  expect(accounts.find((r) => r[2] === '银行')?.[3]).toMatch(/^-\d+$/);

  // The busiest account's statement: its lines newest first, each with the balance after it.
  const busiest = accounts.find((r) => r[2] !== '银行' && Number(r[3]) > 0)!;
  const [header, ...lines] = await sheet('moral-bank-statement', { accountId: busiest[0] });
  expect(header).toEqual(['时间', '业务类型', '存入(+)/支出(−)（分钟）', '余额（分钟）', '对方账户', '摘要', '交易编号']);
  const statement = await postGraphQL(
    gateway.server.url,
    'query($a: ID!) { node(id: $a) { ... on MoralBankAccount { statement(first: 100) { nodes { amount balanceAfter transaction { id } } } } } }',
    { a: busiest[0] },
  );
  expect(lines.map((r) => [r[2], r[3], r[6]])).toEqual(
    statement.data.node.statement.nodes.map((n: { amount: number; balanceAfter: number; transaction: { id: string } }) => [
      String(n.amount),
      String(n.balanceAfter),
      n.transaction.id,
    ]),
  );
  expect(lines[0][3]).toBe(busiest[3]);
  expect(lines.every((r) => ['服务存入', '转账', '赠与', '场地预约', '退还', '冲正'].includes(r[1]))).toBe(true);

  // An id that names no account, or one of another type, finds nothing to export: 404, as a made-up id.
  for (const accountId of [toGlobalId('MoralBankAccount', '00000000-0000-4000-8000-000000000000'), communityId]) {
    const none = await download({ accountId }, TEST_ADMIN_KEY, {}, 'moral-bank-statement');
    expect(none.status).toBe(404);
    expect(((await none.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      `Nothing to export for accountId=${encodeURIComponent(accountId)}: no row you may see has that id.`,
    );
  }
  // A community's key sees nothing of another community's bank.
  const elsewhere = await download({ accountId: busiest[0] }, communityKey, {}, 'moral-bank-statement');
  expect(elsewhere.status).toBe(404);
});

test('how each community’s requests were handled (诉求办理情况统计表): as requestPerformanceByPlace lists it, rates to four places', async () => {
  const under = await districtId();
  // A year to tomorrow: the demo's requests, the longest period the report takes.
  const period = { from: new Date(Date.now() - 364 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
  const res = await download({ under, ...period }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'request-performance');
  expect(res.status).toBe(200);
  const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  expect(header).toEqual([
    '地点',
    '编码',
    '诉求总数',
    '已响应',
    '响应率',
    '平均响应时长（分钟）',
    '已办结',
    '解决率',
    '有办理时限',
    '按时办结',
    '按时办结率',
    '已评价',
    '平均评分',
    '满意',
    '满意率',
  ]);
  const { data } = await postGraphQL(
    gateway.server.url,
    `query($u: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { requestPerformanceByPlace(under: $u, from: $from, to: $to, first: 100) {
      nodes { place { name } total resolved responseRate } } }`,
    { u: under, ...period },
  );
  const four = (rate: number | null) => (rate === null ? '' : String(Math.round(rate * 10_000) / 10_000));
  expect(rows.map((r) => [r[0], r[2], r[6], r[4]])).toEqual(
    data.requestPerformanceByPlace.nodes.map(
      (n: { place: { name: string }; total: number; resolved: number; responseRate: number | null }) => [
        n.place.name,
        String(n.total),
        String(n.resolved),
        four(n.responseRate),
      ],
    ),
  );
  // The demo's districts had requests: at least one place, every rate a fraction of at most four places.
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) for (const rate of [row[4], row[7], row[10], row[14]]) expect(rate).toMatch(/^(|0|1|0\.\d{1,4})$/);
});

test('the people’s-conditions map (民情图台账): the marked places under one, red first, as gridAttentionMap lists them', async () => {
  const underId = await districtId();
  const sheet = async (params: Record<string, string>) => {
    const res = await download({ underId, ...params }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'grid-attention');
    expect(res.status).toBe(200);
    return parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  };
  const [header, ...rows] = await sheet({});
  expect(header).toEqual(['地点', '所属', '关注等级', '原等级', '原因', '标记人', '标记时间']);
  const { data } = await postGraphQL(
    gateway.server.url,
    'query($u: ID!) { gridAttentionMap(underId: $u) { marks(first: 100) { nodes { place { name } level reason } } } }',
    { u: underId },
  );
  const words: Record<string, string> = { RED: '红色', ORANGE: '橙色', GREEN: '绿色' };
  expect(rows.map((r) => [r[0], r[2], r[4]])).toEqual(
    data.gridAttentionMap.marks.nodes.map((n: { place: { name: string }; level: string; reason: string }) => [
      n.place.name,
      words[n.level],
      n.reason,
    ]),
  );
  expect(rows.length).toBeGreaterThan(1);
  // Its parameters are the query's: the orange ones alone (the demo's old man living alone, now reconnected).
  const [, ...orange] = await sheet({ levels: 'ORANGE' });
  expect(orange.length).toBeGreaterThan(0);
  expect(orange.map((r) => r[0])).toEqual(rows.filter((r) => r[2] === '橙色').map((r) => r[0]));
  expect(orange.length).toBeLessThan(rows.length);
});

test('a team’s rota (排班表): its shifts as volunteerShifts lists them, with who is on each', async () => {
  // The demo's candle-light team (烛光) and two of its members.
  const members = await sql<{ team: string; person: string }[]>(
    `SELECT m.team_id AS team, m.person_id AS person FROM volunteer.team_member m JOIN volunteer.team t ON t.id = m.team_id
        WHERE t.name LIKE '%烛光%' ORDER BY m.person_id LIMIT 2`,
  );
  const teamId = toGlobalId('VolunteerTeam', members[0].team);
  const span = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 8 * 86_400_000).toISOString() };
  const { data } = await postGraphQL(
    gateway.server.url,
    'query($t: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { volunteerShifts(teamId: $t, from: $from, to: $to, first: 100) { nodes { id title startsAt } } }',
    { t: teamId, ...span },
  );
  const shifts = data.volunteerShifts.nodes as { id: string; title: string; startsAt: string }[];
  expect(shifts.length).toBeGreaterThan(1);
  // Both sign up for the next shift to start.
  const next = shifts.findIndex((shift) => Date.parse(shift.startsAt) > Date.now());
  const tokens = await Promise.all(members.map((m) => signPersonToken(m.person, { secret: SECRET })));
  const signups: string[] = [];
  for (const token of tokens) {
    const signed = await postGraphQL(
      gateway.server.url,
      'mutation($s: ID!) { signUpForVolunteerShift(shiftId: $s) { signup { id person { name } } errors { code message } } }',
      { s: shifts[next].id },
      token,
    );
    expect(signed.data.signUpForVolunteerShift.errors).toEqual([]);
    signups.push(signed.data.signUpForVolunteerShift.signup.person.name);
  }
  const res = await download({ teamId, ...span }, TEST_ADMIN_KEY, { 'accept-language': 'zh-CN' }, 'volunteer-shifts');
  expect(res.status).toBe(200);
  const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  expect(header).toEqual(['班次', '地点', '开始时间', '结束时间', '名额', '已报名', '在岗志愿者', '签到时间', '取消时间', '取消原因']);
  expect(rows.map((r) => r[0])).toEqual(shifts.map((s) => s.title));
  expect(rows[next].slice(4, 7)).toEqual(['2', '2', signups.join('；')]);
  expect(rows[next + 1].slice(4, 7)).toEqual(['2', '0', '']);
});
