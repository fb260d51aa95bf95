import { randomUUID } from 'node:crypto';
import {
  checkMessageCatalogs,
  coreMessages,
  defineMessages,
  DomainError,
  type GongzhiPlugin,
  LOCALES,
  Message,
  type MessageCatalog,
  resolveLocale,
  toGlobalId,
} from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import {
  createGatewayLogger,
  DEFAULT_PLUGINS,
  gatewayMessages,
  open311Messages,
  type RunningGateway,
  startGateway,
} from '@gongzhi/gateway';
import WebSocket from 'ws';
import { APOLLO_BAD_REQUESTS, closeReason } from '../src/messages.js';
import { TEST_ADMIN_KEY, testConfig } from './helpers.js';

/** Error messages in the caller's language (Accept-Language, zh-CN by default), with the same code. */

const HAN = /[\u4e00-\u9fff]/;

// ---- The completeness test, generated from what core, the gateway and the default plugins declare.

const plugins = await Promise.all(
  DEFAULT_PLUGINS.map(async (name) => {
    const mod = (await import(name)) as { plugin?: GongzhiPlugin; default?: GongzhiPlugin };
    return (mod.plugin ?? mod.default)!;
  }),
);
const catalogs: [string, MessageCatalog][] = [
  ['core', coreMessages],
  ['gateway', gatewayMessages],
  ['open311', open311Messages],
  ...plugins.map((p): [string, MessageCatalog] => [p.id, p.messages ?? {}]),
];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(catalogs)('the messages of %s', (owner, catalog) => {
  test('are declared', () => {
    expect(Object.keys(catalog).length).toBeGreaterThan(0);
  });
  test.each(Object.values(catalog).map((m) => [`${m.key} (${m.code})`, m] as const))(
    '%s: en and zh-CN, same parameters',
    (_name, message) => {
      expect(message.catalog).toBe(['core', 'gateway', 'open311'].includes(owner) ? owner : message.catalog);
      expect(message.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      for (const locale of LOCALES) expect(message.text[locale].trim()).not.toBe('');
      expect(message.text['zh-CN']).toMatch(HAN);
      expect(placeholders(message.text['zh-CN'])).toEqual(placeholders(message.text.en));
    },
  );
});

test('every code a constraint reports comes from a declared catalog', () => {
  const declared = new Set(catalogs.flatMap(([, c]) => Object.values(c)));
  for (const plugin of plugins)
    for (const [name, constraint] of Object.entries(plugin.constraintErrors ?? {}))
      expect([name, declared.has(constraint.message)]).toEqual([name, true]);
});

test('a catalog missing a language or a parameter is refused, and domain errors come only from catalogs', () => {
  expect(() => defineMessages('broken', { oops: { code: 'OOPS', en: 'Shift {shift} is full.', 'zh-CN': '班次已满。' } })).toThrow(
    /broken\.oops: the parameters differ: en has \{shift\}, zh-CN has \{\}/,
  );
  expect(() => defineMessages('copied', { oops: { code: 'OOPS', en: 'Full.', 'zh-CN': 'Full.' } })).toThrow(/no Chinese/);
  const untranslated = new Message('third-party', 'full', 'SLOT_FULL', { en: 'Full.' } as never);
  expect(() => checkMessageCatalogs([{ owner: 'third-party', catalog: { full: untranslated } }])).toThrow(
    /third-party\.full: no zh-CN text/,
  );
  const undeclared = defineMessages('elsewhere', { taken: { code: 'TAKEN', en: 'Taken.', 'zh-CN': '已被占用。' } });
  expect(() => checkMessageCatalogs([], [undeclared.taken])).toThrow(/elsewhere\.taken is used but its catalog is not declared/);
  expect(() => new (DomainError as unknown as new (...a: unknown[]) => unknown)('BAD_USER_INPUT', 'English only')).toThrow(
    /message catalog/,
  );
});

test.each([
  [undefined, 'zh-CN', 'zh-CN'],
  ['', 'en', 'en'],
  ['zh', 'en', 'zh-CN'],
  ['zh-CN,zh;q=0.9,en;q=0.8', 'en', 'zh-CN'],
  ['zh-Hans', 'en', 'zh-CN'],
  ['en-US,en;q=0.9', 'zh-CN', 'en'],
  ['fr-FR, de;q=0.8', 'zh-CN', 'en'],
  ['en;q=0.5, zh-CN;q=0.9', 'en', 'zh-CN'],
  ['zh;q=0, en', 'zh-CN', 'en'],
  ['fr, *;q=0.5', 'zh-CN', 'zh-CN'],
  [['en', 'zh'], 'zh-CN', 'en'],
] as const)('Accept-Language %j with default %s is %s', (header, fallback, expected) => {
  expect(resolveLocale(header as string | string[] | undefined, fallback)).toBe(expected);
});

// ---- Through the real server: HTTP and WebSocket, the default locale being zh-CN as in the demo.

const logger = createGatewayLogger('silent', false);
let db: TestDatabase;
let gateway: RunningGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_DEFAULT_LOCALE: 'zh-CN', GONGZHI_WS_ALLOW_OPERATIONS: 'true' }),
    logger,
    { seedWhenEmpty: false },
  );
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

async function post(query: string, language: string | null, credential: string | null = TEST_ADMIN_KEY) {
  const res = await fetch(`${gateway.server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(language === null ? {} : { 'accept-language': language }),
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

const EMPTY_CODE = `mutation { createPlace(input: { type: DISTRICT, code: " ", name: "测试区" }) { place { id } errors { code message field } } }`;

test('the same failing core mutation answers in Chinese by default, in English when asked, with the same code', async () => {
  const zh = (await post(EMPTY_CODE, null)).body.data.createPlace.errors;
  const en = (await post(EMPTY_CODE, 'en-US,en;q=0.9')).body.data.createPlace.errors;
  const asked = (await post(EMPTY_CODE, 'zh-CN,zh;q=0.9')).body.data.createPlace.errors;
  expect(en).toEqual([{ code: 'BAD_USER_INPUT', message: '"input.code" must not be empty.', field: 'input.code' }]);
  expect(zh).toEqual([{ code: 'BAD_USER_INPUT', message: '"input.code" 不能为空。', field: 'input.code' }]);
  expect(asked).toEqual(zh);
});

test("a plugin's payload error follows the language too", async () => {
  const district = (
    await post(`mutation { createPlace(input: { type: DISTRICT, code: "I18N-D", name: "双语区" }) { place { id } } }`, 'en')
  ).body.data.createPlace.place.id as string;
  const grid = `mutation { createGrid(communityId: "${district}", name: " ") { grid { id } errors { code message field } } }`;
  expect((await post(grid, 'zh')).body.data.createGrid.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '"name" 不能为空：请为网格命名，如“第一网格”。', field: 'name' },
  ]);
  expect((await post(grid, 'en')).body.data.createGrid.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '"name" must not be empty: give the grid a name such as "第一网格".', field: 'name' },
  ]);
  const again = `mutation { createPlace(input: { type: DISTRICT, code: "I18N-D", name: "重复" }) { place { id } errors { code message } } }`;
  expect((await post(again, 'zh')).body.data.createPlace.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '编码为 "I18N-D" 的地点已存在，地点编码在全服务器内唯一。' },
  ]);
});

test('top-level errors follow the language: credentials, validation, a person-only query', async () => {
  const badKey = 'gz_abcdefgh_notarealkeynotarealkeynotarealkey';
  const zh = await post('{ coreVersion }', 'zh-CN', badKey);
  const en = await post('{ coreVersion }', 'en', badKey);
  expect([zh.status, en.status]).toEqual([401, 401]);
  expect(zh.body.errors[0]).toEqual({ message: coreMessages.apiKeyUnknownRevoked.text['zh-CN'], extensions: { code: 'UNAUTHENTICATED' } });
  expect(en.body.errors[0].message).toMatch(/unknown or revoked/);

  const invalidZh = (await post('{ nosuchfield }', null)).body.errors[0];
  const invalidEn = (await post('{ nosuchfield }', 'en')).body.errors[0];
  expect(invalidEn.message).toBe('Cannot query field "nosuchfield" on type "Query".');
  expect(invalidZh.message).toBe('查询语句未通过校验：Cannot query field "nosuchfield" on type "Query".');
  expect(invalidZh.extensions.code).toBe(invalidEn.extensions.code);

  // Personal data is exported to a signed-in person only: a top-level UNAUTHENTICATED for an API key.
  const [personZh] = (await post('{ myData { __typename } }', null)).body.errors;
  const [personEn] = (await post('{ myData { __typename } }', 'en')).body.errors;
  expect(personZh.extensions.code).toBe('UNAUTHENTICATED');
  expect(personEn.extensions.code).toBe('UNAUTHENTICATED');
  expect(personZh.message).toBe('导出本人数据请以个人身份登录（使用个人令牌）。');
  expect(personEn.message).toBe('Sign in as a person (a person token) to export your own data.');
});

/** A raw HTTP request to the gateway as the admin, in `language`: its status and its first error. */
async function send(language: string, init: { method?: string; path?: string; contentType?: string; body?: string }) {
  const res = await fetch(`${gateway.server.url}${init.path ?? '/graphql'}`, {
    method: init.method ?? 'POST',
    headers: {
      'content-type': init.contentType ?? 'application/json',
      'accept-language': language,
      authorization: `Bearer ${TEST_ADMIN_KEY}`,
    },
    body: init.body,
  });
  const [error] = ((await res.json()) as { errors: { message: string; extensions?: { code?: string } }[] }).errors;
  return { status: res.status, error };
}

test('a malformed request is refused in the caller’s language, with its code and what to send instead', async () => {
  // Apollo Server's refusals, told with the gateway's messages: every one it knows is sent here.
  const told = new Set<unknown>();
  const refusals: [Parameters<typeof send>[1], number, Message<object>, object][] = [
    [{ body: '[{"query":"{ batched: coreVersion }"}]' }, 400, gatewayMessages.batchingOff, {}],
    [{ body: '{}' }, 400, gatewayMessages.operationMissing, {}],
    [{ body: '' }, 400, gatewayMessages.bodyMissing, {}],
    [{ body: '{"query":"{ v: coreVersion }","variables":"{}"}' }, 400, gatewayMessages.bodyFieldNotObject, { field: 'variables' }],
    [{ body: '{"query":"{ o: coreVersion }","operationName":3}' }, 400, gatewayMessages.operationNameNotString, {}],
    [{ method: 'PUT', body: '{"query":"{ p: coreVersion }"}' }, 405, gatewayMessages.methodNotServed, {}],
    [{ contentType: 'text/plain', body: '{"query":"{ c: coreVersion }"}' }, 400, gatewayMessages.csrfRefused, {}],
  ];
  for (const [init, status, message, params] of refusals) {
    for (const language of ['zh-CN', 'en'] as const) {
      expect(await send(language, init)).toEqual({
        status,
        error: { message: message.render(language, params), extensions: { code: 'BAD_REQUEST' } },
      });
    }
    told.add(message);
  }
  expect(APOLLO_BAD_REQUESTS.filter((known) => !told.has(known.message)).map((known) => String(known.words))).toEqual([]);

  // The gateway's own refusals before Apollo (the body, trusted documents, the path) carry their code too.
  expect(await send('zh-CN', { body: '{"query": ' })).toEqual({
    status: 400,
    error: { message: '请求体不是有效的 JSON。', extensions: { code: 'BAD_REQUEST' } },
  });
  expect(await send('zh-CN', { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ g: coreVersion }')}` })).toEqual({
    status: 405,
    error: { message: gatewayMessages.getRegisteredOnly.render('zh-CN', {}), extensions: { code: 'METHOD_NOT_ALLOWED' } },
  });
  expect(await send('en', { path: '/graph', body: '{}' })).toEqual({
    status: 404,
    error: { message: 'Not found. The GraphQL API is at /graphql.', extensions: { code: 'NOT_FOUND' } },
  });
});

/** Opens a graphql-transport-ws socket (upgrade headers, connection_init payload) and runs one operation to its first answer. */
async function overWebSocket(query: string, options: { headers?: Record<string, string>; payload?: Record<string, unknown> }) {
  const socket = new WebSocket(`${gateway.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: options.headers });
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const next = () => new Promise<any>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...options.payload } }));
    expect((await next()).type).toBe('connection_ack');
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    return await next();
  } finally {
    socket.close();
  }
}

test('a WebSocket handshake with a wrong key is closed with 4403 and says why, in the connection’s language', async () => {
  const refusal = (payload: Record<string, unknown>) =>
    new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const socket = new WebSocket(`${gateway.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
      socket.once('error', reject);
      socket.once('close', (code, reason: Buffer) => resolve({ code, reason: reason.toString() }));
    });
  const wrong = 'Bearer gz_abcdefgh_notarealkeynotarealkeynotarealkey';
  const zh = await refusal({ authorization: wrong });
  const en = await refusal({ authorization: wrong, acceptLanguage: 'en' });
  expect(zh.code).toBe(4403);
  expect(zh.reason).toMatch(/^UNAUTHENTICATED: 该 API 密钥不存在或已被吊销。/);
  expect(Buffer.byteLength(zh.reason)).toBeLessThanOrEqual(123);
  expect(en).toEqual({ code: 4403, reason: expect.stringMatching(/^UNAUTHENTICATED: This API key is unknown or revoked\./) });
  expect(Buffer.byteLength(en.reason)).toBeLessThanOrEqual(123);
  // A close reason holds 123 bytes of UTF-8: a longer message is cut at a character, with "…".
  const long = closeReason(`UNAUTHENTICATED: ${'密钥'.repeat(60)}`);
  expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
  expect(long).toMatch(/^UNAUTHENTICATED: (密钥)+密?…$/);
});

test('over WebSocket: connection_init or the upgrade header chooses the language, for payload and top-level errors', async () => {
  const board = `subscription { taskBoardChanges(placeId: "${toGlobalId('Place', randomUUID())}") { sequence } }`;
  const zh = await overWebSocket(board, { payload: { acceptLanguage: 'zh-CN' } });
  const en = await overWebSocket(board, { headers: { 'accept-language': 'en' } });
  const byDefault = await overWebSocket(board, {});
  const zhErrors = zh.type === 'error' ? zh.payload : zh.payload.errors;
  const enErrors = en.type === 'error' ? en.payload : en.payload.errors;
  expect(zhErrors[0].extensions.code).toBe(enErrors[0].extensions.code);
  expect(enErrors[0].message).not.toMatch(HAN);
  expect(zhErrors[0].message).toMatch(HAN);
  expect(byDefault).toEqual(zh);
  // connection_init wins over the header.
  expect(await overWebSocket(board, { headers: { 'accept-language': 'zh' }, payload: { acceptLanguage: 'en' } })).toEqual(en);

  const mutation = await overWebSocket(EMPTY_CODE, { payload: { acceptLanguage: 'zh' } });
  expect(mutation.payload.data.createPlace.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '"input.code" 不能为空。', field: 'input.code' },
  ]);
  const invalid = await overWebSocket('subscription { nosuchfield }', { headers: { 'accept-language': 'zh-CN' } });
  expect(invalid.payload[0].message).toMatch(/^查询语句未通过校验：/);
});
