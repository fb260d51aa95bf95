import { createApiKey, fromGlobalId, toGlobalId } from '@gongzhi/core';
import type { TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import { gatewayDatabase, postGraphQL, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * The Open311 GeoReport v2 façade through the real server, with a real HTTP client, in JSON and
 * XML, against the shapes of the spec's examples (https://wiki.open311.org/GeoReport_v2).
 */
const logger = createGatewayLogger('silent', false);
let db: TestDatabase;
let gateway: RunningGateway;
let base: string;
/** Place uuids and paths by code. */
let places: Map<string, { id: string; path: string }>;
/** A key of 芳星园三区社区 that may submit requests (and not read personal data). */
let fxyKey: string;
/** A key of 芳星园三区社区 that may also read personal data. */
let fxySensitiveKey: string;
/** A key of another community, 成仪路社区. */
let cylKey: string;

const SPEC_REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];

async function newKey(name: string, codes: string[], permissions: string[]): Promise<string> {
  const placeIds = codes.map((code) => places.get(code)!.id);
  const { secret } = await gateway.platform.orm.em.fork().transactional((em) => createApiKey(em as never, { name, placeIds, permissions }));
  return secret;
}

beforeAll(async () => {
  db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', GONGZHI_MAX_BODY_BYTES: '20000', GONGZHI_RATE_LIMIT: '300' }),
    logger,
  );
  base = `${gateway.server.url}/open311/v2`;
  const rows = await gateway.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string; code: string; path: string }[]>('SELECT id, code, path FROM place');
  places = new Map(rows.map((r) => [r.code, { id: r.id, path: r.path }]));
  fxyKey = await newKey('芳星园三区小程序', ['DEMO-FXY3'], ['request.submit']);
  fxySensitiveKey = await newKey('芳星园三区工作台', ['DEMO-FXY3'], ['request.submit', 'sensitive.read']);
  cylKey = await newKey('成仪路小程序', ['DEMO-CYL'], ['request.submit']);
  // A rest station of 芳星园三区 with coordinates, for requests located by lat/long.
  const created = await postGraphQL(
    gateway.server.url,
    `mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id } errors { message } } }`,
    {
      input: {
        type: 'STATION',
        code: 'DEMO-FXY3-STATION',
        name: '小蜜蜂驿站',
        address: '芳星园三区南门',
        latitude: 39.8601,
        longitude: 116.4302,
        venueKind: 'REST_STATION',
        parentId: toGlobalId('Place', places.get('DEMO-FXY3')!.id),
      },
    },
  );
  expect(created.data.createPlace.errors).toEqual([]);
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

const get = (path: string) => fetch(`${base}/${path}`);
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${base}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A new complaint at a household of building 20, posted as `fxyKey`. */
async function postComplaint(extra: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await post('requests.json', {
    api_key: fxyKey,
    service_code: 'complaint',
    address_id: 'DEMO-FXY3-20-1-101',
    phone: '13912345678',
    first_name: '李',
    last_name: '华',
    description: '楼道灯坏了一个星期\n晚上上下楼看不见，老人容易摔倒。',
    'attribute[priority]': 'high',
    'attribute[category]': '设施维修',
    ...extra,
  });
  return { status: res.status, body: await res.json() };
}

describe('discovery and services', () => {
  test('discovery lists this endpoint with both formats', async () => {
    const res = await get('discovery.json');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = await res.json();
    expect(body).toMatchObject({ changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String) });
    expect(body.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: base,
        changeset: body.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ]);
    const xml = await (await get('discovery.xml')).text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><discovery><changeset>/);
    expect(xml).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(xml).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });

  test('services are the request kinds, in JSON and XML', async () => {
    const services = await (await get('services.json')).json();
    expect(services.map((s: { service_code: string }) => s.service_code)).toEqual(['need', 'complaint', 'report', 'praise', 'wish']);
    for (const service of services) {
      expect(Object.keys(service).sort()).toEqual(
        ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort(),
      );
      expect(service).toMatchObject({ metadata: true, type: 'realtime' });
    }
    const res = await get('services.xml');
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>need<\/service_code><service_name>/);
    expect(xml.match(/<service>/g)).toHaveLength(5);
    expect(xml).toContain('<metadata>true</metadata><type>realtime</type>');
  });

  test('a service definition lists its attributes; praise names the person praised', async () => {
    const praise = await (await get('services/praise.json')).json();
    expect(praise.service_code).toBe('praise');
    expect(praise.attributes.map((a: { code: string }) => a.code)).toEqual(['category', 'priority', 'praised_person_id']);
    expect(praise.attributes[1]).toMatchObject({
      variable: true,
      code: 'priority',
      datatype: 'singlevaluelist',
      required: false,
      order: 2,
      values: expect.arrayContaining([{ key: 'urgent', name: '紧急 urgent' }]),
    });
    const complaint = await (await get('services/complaint.json')).json();
    expect(complaint.attributes.map((a: { code: string }) => a.code)).toEqual(['category', 'priority']);
    const xml = await (await get('services/praise.xml')).text();
    expect(xml).toContain('<service_definition><service_code>praise</service_code><attributes><attribute><variable>true</variable>');
    expect(xml).toContain('<values><value><key>low</key><name>低 low</name></value>');
  });

  test('an unknown service or jurisdiction is a 404 in the error format', async () => {
    const res = await get('services/pothole.json');
    expect(res.status).toBe(404);
    const [error, ...more] = await res.json();
    expect(more).toEqual([]);
    expect(error).toEqual({ code: 404, description: expect.stringMatching(/no service "pothole".*need, complaint/) });
    const xml = await get(`services.xml?${query({ jurisdiction_id: 'NOWHERE' })}`);
    expect(xml.status).toBe(404);
    expect(await xml.text()).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><errors><error><code>404<\/code><description>jurisdiction_id "NOWHERE" is not/,
    );
    expect((await get(`services.json?${query({ jurisdiction_id: 'DEMO-FT' })}`)).status).toBe(200);
  });
});

describe('posting a request', () => {
  test('creates a core request through submitRequest, once per client token', async () => {
    const first = await postComplaint({ client_token: 'app-0001' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual([{ service_request_id: expect.any(String), token: 'app-0001', service_notice: null, account_id: null }]);
    const id = first.body[0].service_request_id;
    expect(fromGlobalId(id)?.type).toBe('Request');
    const again = await postComplaint({ client_token: 'app-0001' });
    expect(again.status).toBe(200);
    expect(again.body[0].service_request_id).toBe(id);
    // The same token from another key is that key's own token.
    const other = await post('requests.json', {
      api_key: fxySensitiveKey,
      service_code: 'need',
      address_id: 'DEMO-FXY3-20',
      phone: '13900000000',
      client_token: 'app-0001',
    });
    expect(other.status).toBe(201);
    expect((await other.json())[0].service_request_id).not.toBe(id);

    const { data } = await postGraphQL(
      gateway.server.url,
      `query ($id: ID!) { request(id: $id) { kind channel status title description category priority callbackPhone place { code } timeline { nodes { action actorLabel } } } }`,
      { id },
    );
    expect(data.request).toMatchObject({
      kind: 'COMPLAINT',
      channel: 'MOBILE_REPORT',
      title: '楼道灯坏了一个星期',
      description: '楼道灯坏了一个星期\n晚上上下楼看不见，老人容易摔倒。',
      category: '设施维修',
      priority: 'HIGH',
      callbackPhone: '13912345678',
      place: { code: 'DEMO-FXY3-20-1-101' },
    });
    // The plugins may route it on; its first entry is the key's.
    expect(data.request.timeline.nodes[0]).toEqual({ action: 'created', actorLabel: 'API key' });
  });

  test('the token may come as an Idempotency-Key header', async () => {
    const form = { api_key: fxyKey, service_code: 'need', address_id: 'DEMO-FXY3-20', phone: '13900000003', description: '想借梯子' };
    const first = await post('requests.json', form, { 'idempotency-key': 'header-0001' });
    const second = await post('requests.json', form, { 'idempotency-key': 'header-0001' });
    expect([first.status, second.status]).toEqual([201, 200]);
    const [a] = await first.json();
    const [b] = await second.json();
    expect(b).toMatchObject({ service_request_id: a.service_request_id, token: 'header-0001' });
  });

  test('concurrent POSTs with one token make one request', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => postComplaint({ client_token: 'app-race' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body[0].service_request_id)).size).toBe(1);
    const [row] = await gateway.platform.orm.em
      .fork()
      .getConnection()
      .execute<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM request r JOIN request_client_token t ON t.request_id = r.id WHERE t.token = 'app-race'`,
      );
    expect(row.n).toBe(1);
  });

  test('without a client token each POST is new, and its answer carries a token to look it up', async () => {
    const a = await postComplaint();
    const b = await postComplaint();
    expect(a.body[0].service_request_id).not.toBe(b.body[0].service_request_id);
    const token = a.body[0].token;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const found = await get(`tokens/${token}.json?${query({ api_key: fxyKey })}`);
    expect(await found.json()).toEqual([{ service_request_id: a.body[0].service_request_id, token }]);
    const xml = await (await get(`tokens/${token}.xml?${query({ api_key: fxyKey })}`)).text();
    expect(xml).toBe(
      `<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>${a.body[0].service_request_id}</service_request_id><token>${token}</token></request></service_requests>`,
    );
    const missing = await get(`tokens/no-such-token.xml?${query({ api_key: fxyKey })}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<errors><error><code>404</code><description>There is no token "no-such-token" of this key.');
  });

  test('lat/long finds the nearest place with coordinates in the key’s places', async () => {
    const res = await post('requests.xml', {
      api_key: fxyKey,
      service_code: 'report',
      lat: '39.8603',
      long: '116.4300',
      address_string: '驿站门口',
      phone: '13900000001',
      description: '驿站门口的井盖松动',
    });
    expect(res.status).toBe(201);
    const xml = await res.text();
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><service_requests><request><service_request_id>[^<]+<\/service_request_id><token>[^<]+<\/token><service_notice\/><account_id\/><\/request><\/service_requests>$/,
    );
    const id = /<service_request_id>([^<]+)</.exec(xml)![1];
    const [request] = await (await get(`requests/${id}.json?${query({ api_key: fxyKey })}`)).json();
    expect(request).toMatchObject({
      address_id: 'DEMO-FXY3-STATION',
      address: '芳星园三区南门',
      lat: 39.8601,
      long: 116.4302,
      service_code: 'report',
    });
    expect(request.description).toBe('驿站门口的井盖松动\n地址：驿站门口');
    // Far away (or outside the key's places) there is no place to take it.
    const far = await post('requests.json', { api_key: cylKey, service_code: 'report', lat: '39.8603', long: '116.4300', phone: '1' });
    expect(far.status).toBe(400);
    expect((await far.json())[0].description).toMatch(/No place with coordinates that you may use lies within 1000 m/);
  });

  test('praise names the person praised, who must be one the key may see', async () => {
    const em = gateway.platform.orm.em.fork();
    const personIn = async (code: string) => {
      const [row] = await em
        .getConnection()
        .execute<{ id: string }[]>(`SELECT p.id FROM person p JOIN place h ON h.id = p.household_id WHERE h.path LIKE ? LIMIT 1`, [
          `${places.get(code)!.path}%`,
        ]);
      return toGlobalId('Person', row.id);
    };
    const neighbour = await personIn('DEMO-FXY3');
    const praise = {
      api_key: fxyKey,
      service_code: 'praise',
      address_id: 'DEMO-FXY3-20',
      phone: '13900000002',
      description: '感谢邻居帮忙取药',
    };
    const res = await post('requests.json', { ...praise, 'attribute[praised_person_id]': neighbour });
    expect(res.status).toBe(201);
    const [{ service_request_id: id }] = await res.json();
    const { data } = await postGraphQL(gateway.server.url, `query ($id: ID!) { request(id: $id) { kind praisedPerson { id } } }`, { id });
    expect(data.request).toEqual({ kind: 'PRAISE', praisedPerson: { id: neighbour } });
    for (const other of [await personIn('DEMO-CYL'), toGlobalId('Person', 'not-a-uuid'), 'nonsense']) {
      const refused = await post('requests.json', { ...praise, 'attribute[praised_person_id]': other });
      expect(refused.status).toBe(400);
      expect((await refused.json())[0].description).toMatch(/praised_person_id/);
    }
  });

  test.each([
    ['no api_key', { api_key: '' }, 403, /Give api_key/],
    ['a wrong api_key', { api_key: 'gz_nosuchk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, 403, /unknown or revoked/],
    ['a person token as api_key', { api_key: 'eyJhbGciOi' }, 403, /must be a Gongzhi API key/],
    ['no service_code', { service_code: '' }, 400, /service_code is required/],
    ['an unknown service_code', { service_code: 'pothole' }, 400, /"pothole" is not a service/],
    ['no location', { address_id: '' }, 400, /Give the location/],
    ['no phone', { phone: '' }, 400, /phone is required/],
    ['an unknown attribute', { 'attribute[colour]': 'red' }, 400, /attribute\[colour\] is not an attribute of service "complaint"/],
    ['a value off the list', { 'attribute[priority]': 'asap' }, 400, /must be one of low, normal, high, urgent/],
    ['an unknown jurisdiction', { jurisdiction_id: 'NOWHERE' }, 404, /jurisdiction_id "NOWHERE" is not the place code of a district/],
  ])('%s is refused with %s', async (_what, change, status, message) => {
    const res = await postComplaint(change);
    expect(res.status).toBe(status);
    expect(res.body).toEqual([{ code: status, description: expect.stringMatching(message) }]);
  });

  test('a place of another community answers as one that does not exist', async () => {
    const unseen = await postComplaint({ address_id: 'DEMO-CYL-CTY-3-502' });
    const madeUp = await postComplaint({ address_id: 'NO-SUCH-PLACE' });
    expect(unseen.status).toBe(400);
    expect(unseen.body[0].description.replace('DEMO-CYL-CTY-3-502', 'X')).toBe(madeUp.body[0].description.replace('NO-SUCH-PLACE', 'X'));
  });

  test('jurisdiction_id keeps posts and lists inside one district', async () => {
    const created = await postGraphQL(
      gateway.server.url,
      `mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { errors { message } } }`,
      { input: { type: 'DISTRICT', code: 'OTHER-DISTRICT', name: '另一个区' } },
    );
    expect(created.data.createPlace.errors).toEqual([]);
    const outside = await postComplaint({ api_key: TEST_ADMIN_KEY, jurisdiction_id: 'OTHER-DISTRICT' });
    expect(outside.status).toBe(400);
    expect(outside.body[0].description).toBe('The place is not in jurisdiction_id "OTHER-DISTRICT".');
    const inside = await postComplaint({ api_key: TEST_ADMIN_KEY, jurisdiction_id: 'DEMO-FT' });
    expect(inside.status).toBe(201);
    const listed = async (jurisdiction: string) =>
      (await (await get(`requests.json?${query({ api_key: TEST_ADMIN_KEY, jurisdiction_id: jurisdiction })}`)).json()).map(
        (r: { service_request_id: string }) => r.service_request_id,
      );
    expect(await listed('DEMO-FT')).toContain(inside.body[0].service_request_id);
    expect(await listed('OTHER-DISTRICT')).toEqual([]);
  });

  test('a key without request.submit there is refused with 403', async () => {
    const reader = await newKey('只读', ['DEMO-FXY3'], ['sensitive.read']);
    const res = await postComplaint({ api_key: reader });
    expect(res.status).toBe(403);
    expect(res.body[0].description).toMatch(/permission "request.submit"/);
  });

  test('the body limit and the form encoding of /graphql hold', async () => {
    const big = await postComplaint({ description: '长'.repeat(8000) });
    expect(big.status).toBe(413);
    expect(big.body[0]).toEqual({ code: 413, description: 'Request body is larger than 20000 bytes.' });
    const json = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: fxyKey, service_code: 'need' }),
    });
    expect(json.status).toBe(400);
    expect((await json.json())[0].description).toMatch(/application\/x-www-form-urlencoded/);
  });
});

describe('reading requests', () => {
  let id: string;
  beforeAll(async () => {
    id = (await postComplaint({ client_token: 'app-read' })).body[0].service_request_id;
  });

  test('one request has the fields of the spec; a household shows its building without sensitive.read', async () => {
    const res = await get(`requests/${id}.json?${query({ api_key: fxyKey })}`);
    const [request, ...more] = await res.json();
    expect(more).toEqual([]);
    expect(Object.keys(request)).toEqual(SPEC_REQUEST_FIELDS);
    expect(request).toMatchObject({
      service_request_id: id,
      status: 'open',
      status_notes: expect.stringMatching(/^Gongzhi status: (submitted|accepted|assigned)$/),
      service_name: '投诉 Complaint',
      service_code: 'complaint',
      agency_responsible: '网格 grid',
      address: '芳星园三区20号楼',
      address_id: 'DEMO-FXY3-20',
      expected_datetime: null,
      zipcode: null,
      lat: null,
      long: null,
      media_url: null,
    });
    expect(request.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(JSON.stringify(request)).not.toMatch(/13912345678|1-101/);
  });

  test('a duplicate merged into another is closed, and its notes say so without naming the other', async () => {
    const first = (await postComplaint({ client_token: 'dup-first' })).body[0].service_request_id;
    const again = (await postComplaint({ client_token: 'dup-again' })).body[0].service_request_id;
    const merged = await postGraphQL(
      gateway.server.url,
      'mutation($id: ID!, $into: ID!) { mergeDuplicateRequest(id: $id, intoId: $into) { errors { code message } } }',
      { id: again, into: first },
    );
    expect(merged.data.mergeDuplicateRequest.errors).toEqual([]);
    const [request] = await (await get(`requests/${again}.json?${query({ api_key: fxyKey })}`)).json();
    expect(request).toMatchObject({
      status: 'closed',
      status_notes: 'Gongzhi status: closed as a duplicate (重复件), merged into another request and handled there',
    });
  });

  test('a posted media_url is the request’s photo, shown as its media_url; an address that is no https URL is refused', async () => {
    const posted = await postComplaint({ client_token: 'with-photo', media_url: 'https://oss.example.org/fx3/door.jpg' });
    expect(posted.status).toBe(201);
    const withPhoto = posted.body[0].service_request_id;
    const [request] = await (await get(`requests/${withPhoto}.json?${query({ api_key: fxyKey })}`)).json();
    expect(request.media_url).toBe('https://oss.example.org/fx3/door.jpg');
    const photos = await postGraphQL(gateway.server.url, 'query($id: ID!) { request(id: $id) { photos { nodes { url addedByLabel } } } }', {
      id: withPhoto,
    });
    expect(photos.data.request.photos.nodes).toEqual([{ url: 'https://oss.example.org/fx3/door.jpg', addedByLabel: 'API key' }]);
    const refused = await postComplaint({ client_token: 'bad-photo', media_url: 'file:///C:/photos/door.jpg' });
    expect(refused).toEqual({
      status: 400,
      body: [
        {
          code: 400,
          description:
            'media_url must be the https address of the picture (e.g. https://oss.example.org/fangzhuang/lamp.jpg), got "file:///C:/photos/door.jpg".',
        },
      ],
    });
  });

  test('the key may come in the Authorization header instead of api_key', async () => {
    const res = await fetch(`${base}/requests/${id}.json`, { headers: { authorization: `Bearer ${fxyKey}` } });
    expect(res.status).toBe(200);
    expect((await res.json())[0].service_request_id).toBe(id);
  });

  test('with sensitive.read the household and the phone are shown, and the read is logged', async () => {
    const before = await logCount();
    const [request] = await (await get(`requests/${id}.json?${query({ api_key: fxySensitiveKey })}`)).json();
    expect(request).toMatchObject({ address_id: 'DEMO-FXY3-20-1-101', phone: '13912345678' });
    expect(await logCount()).toBe(before + 1);
    const xml = await (await get(`requests/${id}.xml?${query({ api_key: fxySensitiveKey })}`)).text();
    expect(xml).toContain('<phone>13912345678</phone>');
  });

  test('in XML a request has the spec’s elements, empty ones as empty elements', async () => {
    const xml = await (await get(`requests/${id}.xml?${query({ api_key: fxyKey })}`)).text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><service_requests><request><service_request_id>/);
    const elements = [...xml.matchAll(/<([a-z_]+)(?:\/>|>)/g)].map((m) => m[1]).filter((n) => n !== 'service_requests' && n !== 'request');
    expect(elements).toEqual(SPEC_REQUEST_FIELDS);
    expect(xml).toContain('<status>open</status>');
    expect(xml).toContain('<zipcode/>');
  });

  test('a request outside the key’s places answers like a made-up one', async () => {
    const unseen = await get(`requests/${id}.json?${query({ api_key: cylKey })}`);
    const madeUp = await get(
      `requests/${toGlobalId('Request', '00000000-0000-4000-8000-000000000000')}.json?${query({ api_key: cylKey })}`,
    );
    expect(unseen.status).toBe(404);
    expect(madeUp.status).toBe(404);
    const strip = (body: { description: string }[]) => body[0].description.replace(/"[^"]+"/, '"X"');
    expect(strip(await unseen.json())).toBe(strip(await madeUp.json()));
    expect((await get(`tokens/app-read.json?${query({ api_key: cylKey })}`)).status).toBe(404);
  });

  test('the list filters by service, status and dates, within the key’s places', async () => {
    const list = async (params: Record<string, string>) => {
      const res = await get(`requests.json?${query(params)}`);
      expect(res.status).toBe(200);
      return (await res.json()).map((r: { service_request_id: string }) => r.service_request_id) as string[];
    };
    expect(await list({ api_key: fxyKey })).toContain(id);
    expect(await list({ api_key: fxyKey, service_code: 'complaint', status: 'open' })).toContain(id);
    expect(await list({ api_key: fxyKey, service_code: 'need,praise' })).not.toContain(id);
    expect(await list({ api_key: fxyKey, status: 'closed' })).not.toContain(id);
    expect(await list({ api_key: fxyKey, jurisdiction_id: 'DEMO-FT' })).toContain(id);
    expect(await list({ api_key: cylKey })).not.toContain(id);
    // Nobody: nothing (the demo district's own requests are not public).
    expect(await list({})).toEqual([]);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await list({ api_key: fxyKey, start_date: iso(now - 60_000), end_date: iso(now + 60_000) })).toContain(id);
    expect(await list({ api_key: fxyKey, end_date: iso(now - 3_600_000) })).not.toContain(id);
    // service_request_id: a list of ids, every other filter ignored.
    expect(await list({ api_key: fxyKey, service_request_id: `${id},nonsense`, status: 'closed' })).toEqual([id]);

    // Resolved is closed (the grid plugin may have assigned it already; then it is worked on first).
    for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) {
      await postGraphQL(
        gateway.server.url,
        `mutation ($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { errors { message } } }`,
        {
          id,
          to,
        },
      );
    }
    const { data } = await postGraphQL(gateway.server.url, `query ($id: ID!) { request(id: $id) { status } }`, { id });
    expect(data.request.status).toBe('RESOLVED');
    expect(await list({ api_key: fxyKey, status: 'closed' })).toContain(id);
    expect(await list({ api_key: fxyKey, status: 'open' })).not.toContain(id);
    expect(await list({ api_key: fxyKey, status: 'open,closed' })).toContain(id);
  });

  test.each([
    [{ start_date: '2026-01-01T00:00:00Z', end_date: '2026-06-01T00:00:00Z' }, /may span at most 90 days/],
    [{ start_date: '2026-06-01T00:00:00Z', end_date: '2026-01-01T00:00:00Z' }, /end_date must not be before start_date/],
    [{ start_date: 'yesterday' }, /start_date must be a W3C date-time/],
    [{ start_date: '2026-01-01' }, /start_date must be a W3C date-time/],
    [{ status: 'pending' }, /status must be open or closed/],
    [{ service_code: 'pothole' }, /"pothole" is not a service/],
  ])('a bad filter %j is a 400', async (params, message) => {
    const res = await get(`requests.xml?${query({ api_key: fxyKey, ...params })}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(new RegExp(`<errors><error><code>400</code><description>[^<]*${message.source}`));
  });

  test('at most 1000 requests, newest first', async () => {
    const em = gateway.platform.orm.em.fork();
    const at = places.get('DEMO-FXY3-20')!;
    await em.getConnection().execute(
      `INSERT INTO request (id, kind, channel, title, description, place_id, place_path, callback_phone, created_at, updated_at)
       SELECT gen_random_uuid(), 'report', 'mobile_report', '批量 ' || i, '', ?, ?, '1', now() - i * interval '1 minute', now()
         FROM generate_series(1, 1010) AS i`,
      [at.id, at.path],
    );
    let rows: { requested_datetime: string }[];
    const connection = gateway.platform.orm.em.getConnection();
    const execute = connection.execute.bind(connection);
    let statements = 0;
    connection.execute = ((...args: Parameters<typeof execute>) => {
      statements++;
      return execute(...args);
    }) as typeof execute;
    try {
      rows = await (await get(`requests.json?${query({ api_key: fxySensitiveKey, service_code: 'report' })}`)).json();
    } finally {
      connection.execute = execute;
    }
    // No statement per row: the key, its access, the page with its places, one batched access-log write.
    expect(statements).toBeLessThanOrEqual(6);
    expect(rows).toHaveLength(1000);
    const times = rows.map((r) => Date.parse(r.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});

describe('the language of errors', () => {
  const HAN = /[\u4e00-\u9fff]/;
  const inLanguage = (language: string) => ({ 'accept-language': language });

  test('a description follows Accept-Language, with the same status and code', async () => {
    const answers = await Promise.all(
      ['zh-CN', 'en'].map(async (language) => {
        const res = await fetch(`${base}/services/pothole.json`, { headers: inLanguage(language) });
        return { status: res.status, body: await res.json() };
      }),
    );
    expect(answers).toEqual([
      { status: 404, body: [{ code: 404, description: '没有服务 "pothole"；可用的服务有：need, complaint, report, praise, wish。' }] },
      {
        status: 404,
        body: [{ code: 404, description: 'There is no service "pothole"; the services are: need, complaint, report, praise, wish.' }],
      },
    ]);
    const xml = await fetch(`${base}/requests.xml?${query({ api_key: fxyKey, status: 'pending' })}`, { headers: inLanguage('zh') });
    expect(xml.status).toBe(400);
    expect(await xml.text()).toContain('<error><code>400</code><description>status 必须是 open 或 closed');
    const put = await fetch(`${base}/requests.json`, { method: 'PUT', headers: inLanguage('zh-CN') });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(await put.json()).toEqual([{ code: 405, description: '此处不允许 PUT；允许的方法为 GET, POST。' }]);
  });

  test('credential and command errors passed through are told in the same language', async () => {
    const form = (change: Record<string, string>) => ({
      service_code: 'complaint',
      address_id: 'DEMO-FXY3-20',
      phone: '13900000004',
      description: '路灯不亮',
      ...change,
    });
    const reader = await newKey('只读（中文）', ['DEMO-FXY3'], ['sensitive.read']);
    for (const api_key of ['gz_nosuchk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', reader]) {
      const zh = await post('requests.json', form({ api_key }), inLanguage('zh-CN'));
      const en = await post('requests.json', form({ api_key }), inLanguage('en'));
      expect([zh.status, en.status]).toEqual([403, 403]);
      const [[zhError], [enError]] = [await zh.json(), await en.json()];
      expect(zhError).toEqual({ code: 403, description: expect.stringMatching(HAN) });
      expect(enError).toEqual({ code: 403, description: expect.not.stringMatching(HAN) });
    }
  });
});

test('the rate limit of /graphql applies, answered in the error format', async () => {
  const key = await newKey('急躁的应用', ['DEMO-FXY3'], ['request.submit']);
  let limited: Response | undefined;
  for (let i = 0; i < 400 && !limited; i++) {
    const res = await get(`services.json?${query({ api_key: key })}`);
    if (res.status === 429) limited = res;
    else await res.body?.cancel();
  }
  expect(limited).toBeDefined();
  expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await limited!.json()).toEqual([{ code: 429, description: expect.stringMatching(/Too many requests/) }]);
});

async function logCount(): Promise<number> {
  const [row] = await gateway.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ n: number }[]>(`SELECT count(*)::int AS n FROM sensitive_access_log WHERE 'request.callbackPhone' = ANY (fields)`);
  return row.n;
}
