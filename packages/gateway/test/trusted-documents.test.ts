import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGatewayLogger, documentHash, type RunningGateway, startGateway } from '@gongzhi/gateway';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { boardClient, demoBoard } from './board-helpers.js';
import { runCli, until } from './cli-process.js';
import { postGraphQL, TEST_ADMIN_KEY, tempDir, testConfig } from './helpers.js';

/** The documents of a district app, as its build would emit them. */
const PLACES = 'query Places($type: PlaceType!) { places(type: $type) { nodes { id name } } }';
const SUBMIT = 'mutation Submit($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id title } errors { code message } } }';
const CHANGES = 'subscription Changes($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence card { title } } }';
const UNREGISTERED = '{ places(type: DISTRICT) { nodes { id } } }';

const logger = createGatewayLogger('silent', false);
/** The CLI composes the whole platform at each run: seconds each, far more on a loaded machine. */
const CLI_TIMEOUT = 300_000;
let db: TestDatabase;
let folder: { dir: string; remove: () => Promise<void> };
/** Two gateways on one database: one runs registered documents only, one also takes any text. */
let strict: RunningGateway;
let open: RunningGateway;

const manifest = (operations: { name: string; type: string; body: string; id?: string }[]) =>
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((op) => ({ id: op.id ?? documentHash(op.body), ...op })),
  });

function write(name: string, text: string): string {
  const file = path.join(folder.dir, name);
  writeFileSync(file, text);
  return file;
}

const cli = (...args: string[]) => runCli(args, { DATABASE_URL: db.url });

/** A GraphQL request over HTTP as the test admin; `params` go in the URL (GET) or the JSON body (POST). */
async function call(
  gateway: RunningGateway,
  method: 'GET' | 'POST',
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const url = new URL(`${gateway.server.url}/graphql`);
  if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${TEST_ADMIN_KEY}`,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: method === 'POST' ? JSON.stringify(params) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const id = (body: string) => `sha256:${documentHash(body)}`;

beforeAll(async () => {
  db = await createTestDatabase();
  folder = await tempDir('gongzhi-trusted-');
  strict = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_TRUSTED_DOCUMENTS: 'require' }), logger);
  open = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_TRUSTED_DOCUMENTS: 'allow' }), logger);
}, 120_000);
afterAll(async () => {
  await strict?.stop();
  await open?.stop();
  await db?.drop();
  await folder?.remove();
});

test(
  'a manifest with a document that does not validate, or an id that is not its sha256, registers nothing and says why',
  async () => {
    const invalid = await cli(
      'documents',
      'register',
      write(
        'broken.json',
        manifest([
          { name: 'Places', type: 'query', body: PLACES },
          { name: 'Nope', type: 'query', body: 'query Nope { placez { id } }' },
        ]),
      ),
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('1 of 2 documents do not validate against this server');
    expect(invalid.stderr).toContain('Nope: Cannot query field "placez" on type "Query".');
    const relayMd5 = await cli(
      'documents',
      'register',
      write('relay.json', JSON.stringify({ '0cc175b9c0f1b6a831c399e269772661': PLACES })),
    );
    expect(relayMd5.code).toBe(1);
    expect(relayMd5.stderr).toContain('is not the sha256 of its text');
    const [row] = await strict.platform.orm.em.getConnection().execute<{ n: number }[]>('SELECT count(*)::int AS n FROM trusted_document');
    expect(row?.n).toBe(0);
  },
  CLI_TIMEOUT,
);

test(
  'registered documents run by id over POST and GET on every gateway; GET answers carry validators',
  async () => {
    const registered = await cli(
      'documents',
      'register',
      write(
        'district-app.json',
        manifest([
          { name: 'Places', type: 'query', body: PLACES },
          { name: 'Submit', type: 'mutation', body: SUBMIT },
          { name: 'Changes', type: 'subscription', body: CHANGES },
        ]),
      ),
    );
    expect(registered.stderr).toBe('');
    expect(registered.stdout).toContain('district-app: 3 registered, 0 already registered.');
    expect((await cli('documents', 'list')).stdout).toContain(`${id(PLACES)}  district-app  Places  registered`);

    // Both gateways read the one registry: by documentId, and by the APQ extension.
    const variables = { type: 'COMMUNITY' };
    const byId = await call(strict, 'POST', { documentId: id(PLACES), variables });
    expect(byId.status).toBe(200);
    expect(byId.body.data.places.nodes.length).toBeGreaterThan(0);
    const apq = await call(open, 'POST', { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(PLACES) } }, variables });
    expect(apq.body).toEqual(byId.body);

    const get = await call(strict, 'GET', { documentId: id(PLACES), variables });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(byId.body);
    expect(get.headers.get('cache-control')).toBe('private, no-cache');
    expect(get.headers.get('vary')).toBe('Authorization, Accept-Language');
    const etag = get.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await call(strict, 'GET', { documentId: id(PLACES), variables }, { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    // Once a process has seen a document, using it again costs no registry statement (and no parse or validation).
    const pool = await strict.platform.orm.em.getConnection().getNativeClient();
    const query = pool.query.bind(pool);
    let lookups = 0;
    pool.query = ((...args: Parameters<typeof query>) => {
      if (String(args[0]).includes('FROM trusted_document')) lookups++;
      return query(...args);
    }) as typeof pool.query;
    try {
      for (let i = 0; i < 3; i++) {
        expect((await call(strict, 'POST', { documentId: id(PLACES), variables })).body).toEqual(byId.body);
        expect((await call(strict, 'GET', { documentId: id(PLACES), variables })).status).toBe(200);
      }
      // …while an id it has not seen is looked up (unknown ids are not cached).
      await call(strict, 'POST', { documentId: id('{ __typename }') });
    } finally {
      pool.query = query;
    }
    expect(lookups).toBe(1);
    // The registered text itself may be sent over GET too (no id needed); any other text may not.
    expect((await call(open, 'GET', { query: PLACES, variables })).body).toEqual(byId.body);
    const text = await call(open, 'GET', { query: UNREGISTERED });
    expect([text.status, text.headers.get('allow'), text.body.errors[0].extensions.code]).toEqual([405, 'POST', 'METHOD_NOT_ALLOWED']);
  },
  CLI_TIMEOUT,
);

test('a registered mutation is refused over GET (405) and runs over POST', async () => {
  const { communityId } = await demoBoard(open.server.url);
  const input = { i: { kind: 'NEED', channel: 'PHONE', title: '楼道灯坏了', placeId: communityId, callbackPhone: '13800000000' } };
  const get = await call(strict, 'GET', { documentId: id(SUBMIT), variables: input });
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
  expect(get.body.errors[0]).toMatchObject({
    message: expect.stringContaining('GET runs queries only'),
    extensions: { code: 'METHOD_NOT_ALLOWED' },
  });
  const post = await call(strict, 'POST', { documentId: id(SUBMIT), variables: input });
  expect(post.body.data.submitRequest).toMatchObject({ request: { title: '楼道灯坏了' }, errors: [] });
});

test('require refuses arbitrary documents and unknown ids with a clear top-level error; allow runs text and says "not found" for ids', async () => {
  const text = await call(strict, 'POST', { query: UNREGISTERED });
  expect(text.status).toBe(400);
  expect(text.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  expect(text.body.errors[0].message).toContain('runs only registered documents');
  // The exact text of a registered document is that document.
  expect((await call(strict, 'POST', { query: PLACES, variables: { type: 'DISTRICT' } })).body.data.places.nodes).toHaveLength(1);

  const unknown = id('{ __typename }');
  const strictUnknown = await call(strict, 'POST', { documentId: unknown });
  expect([strictUnknown.status, strictUnknown.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_NOT_IN_LIST']);
  const openUnknown = await call(open, 'POST', { documentId: unknown });
  expect([openUnknown.status, openUnknown.body.errors[0].extensions.code]).toEqual([200, 'PERSISTED_QUERY_NOT_FOUND']);
  expect((await call(open, 'POST', { query: UNREGISTERED })).body.data.places.nodes).toHaveLength(1);
  // An APQ client retrying with the text runs it, unregistered (nothing is registered by use).
  const retried = await call(open, 'POST', {
    query: '{ __typename }',
    extensions: { persistedQuery: { version: 1, sha256Hash: documentHash('{ __typename }') } },
  });
  expect(retried.body).toEqual({ data: { __typename: 'Query' } });
  expect((await call(open, 'POST', { documentId: unknown })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

  const mismatch = await call(open, 'POST', { query: UNREGISTERED, documentId: id(PLACES) });
  expect([mismatch.status, mismatch.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_HASH_MISMATCH']);
});

test(
  'WebSocket subscriptions obey the same rule: by id they run, as unregistered text they are refused',
  async () => {
    const { communityId, sequence } = await demoBoard(open.server.url);
    const client = boardClient(strict.server.url);
    try {
      const refused = await new Promise<any>((resolve) => {
        client.subscribe(
          { query: `subscription { taskBoardChanges(placeId: "${communityId}") { sequence } }` },
          { next: resolve, error: resolve, complete: () => {} },
        );
      });
      expect(refused[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');

      const changes: any[] = [];
      const stop = client.subscribe({ query: '', documentId: id(CHANGES), variables: { p: communityId, a: sequence } } as never, {
        next: (value: any) => changes.push(value),
        error: (err) => changes.push({ error: err }),
        complete: () => {},
      });
      await new Promise((r) => setTimeout(r, 300));
      const input = { i: { kind: 'NEED', channel: 'PHONE', title: '电梯停了', placeId: communityId, callbackPhone: '13800000000' } };
      await call(strict, 'POST', { documentId: id(SUBMIT), variables: input });
      await until('the change', 20_000, () => Promise.resolve(changes.length ? true : undefined));
      stop();
      expect(changes[0]).toEqual({ data: { taskBoardChanges: { sequence: sequence + 1, card: { title: '电梯停了' } } } });
    } finally {
      await client.dispose();
    }
  },
  CLI_TIMEOUT,
);

test(
  'a revoked document stops running on every gateway at once (their caches hear the revocation)',
  async () => {
    const variables = { type: 'DISTRICT' };
    // Both processes have it cached by now.
    expect((await call(strict, 'POST', { documentId: id(PLACES), variables })).body.data.places.nodes).toHaveLength(1);
    expect((await call(open, 'GET', { documentId: id(PLACES), variables })).status).toBe(200);
    const revoked = await cli('documents', 'revoke', documentHash(PLACES).slice(0, 12));
    expect(revoked.stdout.trim()).toBe(`revoked: ${id(PLACES)}`);
    const codes = async () => [
      (await call(strict, 'POST', { documentId: id(PLACES), variables })).body.errors?.[0].extensions.code,
      (await call(open, 'POST', { documentId: id(PLACES), variables })).body.errors?.[0].extensions.code,
    ];
    await until('revoked everywhere', 5_000, async () => ((await codes())[0] ? true : undefined));
    expect(await codes()).toEqual(['PERSISTED_QUERY_NOT_IN_LIST', 'PERSISTED_QUERY_NOT_FOUND']);
    expect((await cli('documents', 'list')).stdout).toMatch(new RegExp(`${id(PLACES)}  district-app  Places  registered \\S+  REVOKED`));
    // Registering the manifest again brings it back.
    const back = await cli('documents', 'register', path.join(folder.dir, 'district-app.json'));
    expect(back.stdout).toContain('district-app: 1 registered, 2 already registered.');
    expect((await call(strict, 'POST', { documentId: id(PLACES), variables })).body.data.places.nodes).toHaveLength(1);
  },
  CLI_TIMEOUT,
);

test(
  'off: ids are not served (clients fall back to text)',
  async () => {
    const off = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_TRUSTED_DOCUMENTS: 'off' }), logger);
    try {
      const byId = await call(off, 'POST', { documentId: id(PLACES), variables: { type: 'DISTRICT' } });
      expect([byId.status, byId.body.errors[0].extensions.code]).toEqual([200, 'PERSISTED_QUERY_NOT_SUPPORTED']);
      expect((await postGraphQL(off.server.url, UNREGISTERED)).data.places.nodes).toHaveLength(1);
    } finally {
      await off.stop();
    }
  },
  CLI_TIMEOUT,
);
