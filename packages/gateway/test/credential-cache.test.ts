import pg from 'pg';
import { fromGlobalId, signPersonToken } from '@gongzhi/core';
import { freePort, type TestDatabase } from '@gongzhi/core/testing';
import { type CliRun, startReady, stop } from './cli-process.js';
import { gatewayDatabase, postGraphQL, TEST_ADMIN_KEY } from './helpers.js';

// Gateways keep a checked API key (and its grants), and a signed-in person's grants, for a few
// seconds; a revocation or a change of roles made on any process reaches every other one through
// the board channel's NOTIFY and drops them at once.
const SECRET = 'credential-cache-test-secret-0123456789abcdef';
const startProcess = async (databaseUrl: string) =>
  startReady({
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
    GONGZHI_PLUGINS: '',
    GONGZHI_JWT_SECRET: SECRET,
  });

let db: TestDatabase;
let a: CliRun | undefined;
let b: CliRun | undefined;

beforeAll(async () => {
  db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
  a = await startProcess(db.url);
  b = await startProcess(db.url);
}, 250_000); // two starts, each up to 120 s on a busy machine
afterAll(async () => {
  await stop(a);
  await stop(b);
  await db?.drop();
});

async function createKey(name: string): Promise<{ id: string; secret: string }> {
  const res = await postGraphQL(
    a!.url,
    'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { created { secret apiKey { id } } errors { code message } } }',
    { i: { name, placeIds: [], permissions: ['request.submit'] } },
    TEST_ADMIN_KEY,
  );
  const created = res.data.createApiKey.created;
  return { id: created.apiKey.id, secret: created.secret };
}

/** HTTP status of `{ viewer { kind } }` asked of `gateway` with `secret`. */
async function statusWith(gateway: CliRun, secret: string): Promise<number> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  await res.text();
  return res.status;
}

/** Asks `gateway` with `secret` until it answers 401 (or `ms` passed): the status it answered last. */
async function refusedWithin(ms: number, gateway: CliRun, secret: string): Promise<number> {
  const since = Date.now();
  let status = await statusWith(gateway, secret);
  while (status !== 401 && Date.now() - since < ms) {
    await new Promise((r) => setTimeout(r, 50));
    status = await statusWith(gateway, secret);
  }
  return status;
}

test('a revoked key is refused at once by another process that has it cached', async () => {
  // The cache is real: a revocation that announces nothing (its notice trigger off) goes unseen
  // by B while B's entry lasts (5 s). On a machine too busy to ask twice within 4 s, try again.
  for (let attempt = 1; ; attempt++) {
    const name = `不通知${attempt}`;
    const unseen = await createKey(name);
    const warmedAt = Date.now();
    expect(await statusWith(b!, unseen.secret)).toBe(200);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE api_key DISABLE TRIGGER api_key_revoked');
      await client.query(`UPDATE api_key SET revoked_at = now() WHERE name = $1`, [name]);
      await client.query('ALTER TABLE api_key ENABLE TRIGGER api_key_revoked');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const status = await statusWith(b!, unseen.secret);
    if (Date.now() - warmedAt < 4000 || attempt === 3) {
      expect(status).toBe(200);
      break;
    }
  }

  // Revoked through the API on A: B refuses it as soon as the notice arrives, well before its
  // cached entry (5 s) would lapse. The notice travels through PostgreSQL to B's LISTEN
  // connection, so B may answer one request that raced it; it must refuse within a second.
  for (let attempt = 1; ; attempt++) {
    const key = await createKey(`看板应用${attempt}`);
    const warmedAt = Date.now();
    expect(await statusWith(b!, key.secret)).toBe(200);
    expect(await statusWith(b!, key.secret)).toBe(200);
    const revoked = await postGraphQL(
      a!.url,
      'mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } errors { code } } }',
      { id: key.id },
      TEST_ADMIN_KEY,
    );
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).toBeTruthy();
    const status = await refusedWithin(1000, b!, key.secret);
    // Past 4 s the entry may have lapsed on its own, which would prove nothing: try again.
    if (Date.now() - warmedAt < 4000 || attempt === 3) {
      expect(status).toBe(401);
      expect(await statusWith(a!, key.secret)).toBe(401);
      break;
    }
  }
}, 60_000);

test('a rotated key: the old secret is refused at once by another process that had it cached, the new one works on both', async () => {
  const key = await createKey('轮换应用');
  expect(await statusWith(b!, key.secret)).toBe(200);
  const rotated = await postGraphQL(
    a!.url,
    'mutation($id: ID!) { rotateApiKey(id: $id) { created { secret apiKey { id prefix permissions } } errors { code message } } }',
    { id: key.id },
    TEST_ADMIN_KEY,
  );
  const created = rotated.data.rotateApiKey.created;
  // The same key (its id, and so its webhooks), with a new secret.
  expect(created.apiKey).toMatchObject({ id: key.id, permissions: ['request.submit'] });
  expect(created.secret).not.toBe(key.secret);
  expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);
  expect(await refusedWithin(1000, b!, key.secret)).toBe(401);
  expect(await statusWith(a!, key.secret)).toBe(401);
  expect(await statusWith(a!, created.secret)).toBe(200);
  expect(await statusWith(b!, created.secret)).toBe(200);
  // A revoked key is not given a new secret.
  await postGraphQL(a!.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }', { id: key.id }, TEST_ADMIN_KEY);
  const again = await postGraphQL(
    a!.url,
    'mutation($id: ID!) { rotateApiKey(id: $id) { created { secret } errors { code message } } }',
    { id: key.id },
    TEST_ADMIN_KEY,
  );
  expect(again.data.rotateApiKey).toEqual({ created: null, errors: [expect.objectContaining({ code: 'CONFLICT' })] });
}, 60_000);

test('a key rotated with a grace: the old secret works on every process until the grace ends, then on none; a second rotation ends it at once', async () => {
  const key = await createKey('按期轮换应用');
  expect(await statusWith(b!, key.secret)).toBe(200); // B holds it cached
  const ROTATE = `mutation($id: ID!, $grace: Int!) { rotateApiKey(id: $id, graceSeconds: $grace) {
    created { secret apiKey { id previousSecretExpiresAt } } errors { code message field } } }`;
  const rotate = async (grace: number) => (await postGraphQL(a!.url, ROTATE, { id: key.id, grace }, TEST_ADMIN_KEY)).data.rotateApiKey;
  // A week at most, as a webhook's secret; a refusal changes nothing.
  for (const grace of [-1, 7 * 86_400 + 1]) {
    expect(await rotate(grace)).toEqual({
      created: null,
      errors: [
        {
          code: 'BAD_USER_INPUT',
          message: `"graceSeconds" must be a whole number from 0 to 604800 (7 days), got ${grace}.`,
          field: 'graceSeconds',
        },
      ],
    });
  }
  expect(await statusWith(a!, key.secret)).toBe(200);

  const first = (await rotate(6)).created;
  const ends = new Date(first.apiKey.previousSecretExpiresAt).getTime();
  expect(ends).toBeGreaterThan(Date.now() + 4000);
  for (const gateway of [a!, b!]) {
    expect(await statusWith(gateway, key.secret)).toBe(200);
    expect(await statusWith(gateway, first.secret)).toBe(200);
  }
  // The grace over, the old secret is refused everywhere, whatever was cached; the new one works.
  await new Promise((r) => setTimeout(r, Math.max(0, ends - Date.now()) + 100));
  for (const gateway of [a!, b!]) {
    expect(await statusWith(gateway, key.secret)).toBe(401);
    expect(await statusWith(gateway, first.secret)).toBe(200);
  }

  // Rotated again in a grace: the secret before stops at once (only the last one replaced has a grace).
  const second = (await rotate(600)).created;
  const third = (await rotate(600)).created;
  expect(await statusWith(b!, third.secret)).toBe(200);
  expect(await statusWith(b!, second.secret)).toBe(200);
  expect(await refusedWithin(1000, b!, first.secret)).toBe(401);
  // A revocation ends every secret of the key at once, the one in its grace too.
  await postGraphQL(a!.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }', { id: key.id }, TEST_ADMIN_KEY);
  expect(await statusWith(a!, second.secret)).toBe(401);
  expect(await statusWith(a!, third.secret)).toBe(401);
}, 60_000);

/** What `{ viewer { permissions } }` answers `gateway` for a person signed in with `token`. */
async function permissionsOn(gateway: CliRun, token: string): Promise<string[]> {
  const res = await postGraphQL(gateway.url, '{ viewer { permissions } }', {}, token);
  return (res.data as { viewer: { permissions: string[] } }).viewer.permissions;
}

/** Asks until `gateway` answers `wanted` (or `ms` passed); what it answered last. */
async function permissionsWithin(ms: number, gateway: CliRun, token: string, wanted: (p: string[]) => boolean): Promise<string[]> {
  const since = Date.now();
  let seen = await permissionsOn(gateway, token);
  while (!wanted(seen) && Date.now() - since < ms) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await permissionsOn(gateway, token);
  }
  return seen;
}

test("a person's grants are kept like a key's, and a role given or removed on any process reaches every other at once", async () => {
  const places = await postGraphQL(a!.url, '{ places(first: 1) { nodes { id } } }', {});
  const [place] = (places.data as { places: { nodes: { id: string }[] } }).places.nodes;
  if (!place) throw new Error('the test database holds no place');
  const placeId = place.id;
  const none = (p: string[]) => p.length === 0;
  const some = (p: string[]) => p.length > 0;
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      const created = await postGraphQL(a!.url, 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }', {
        i: { name: `网格员${attempt}` },
      });
      const personId = (created.data as { createPerson: { person: { id: string } } }).createPerson.person.id;
      const uuid = fromGlobalId(personId)!.id;
      const token = await signPersonToken(uuid, { secret: SECRET });
      const assign = async (): Promise<string> => {
        const res = await postGraphQL(
          a!.url,
          'mutation($p: ID!, $at: ID!) { assignRole(personId: $p, placeId: $at, role: GRID_WORKER, startsOn: "2020-01-01") { role { id } errors { code } } }',
          { p: personId, at: placeId },
        );
        expect(res.data.assignRole.errors).toEqual([]);
        return res.data.assignRole.role.id;
      };
      expect(await permissionsOn(b!, token)).toEqual([]);

      // Given on A: B, which holds the person's (empty) grants, sees the role within a second.
      await assign();
      expect(some(await permissionsWithin(1000, b!, token, some))).toBe(true);
      const warmedAt = Date.now();
      // The cache is real: removed by SQL that announces nothing (its trigger off), the role stays
      // on B while B's entry lasts (5 s).
      await sql.query('BEGIN');
      await sql.query('ALTER TABLE person_role DISABLE TRIGGER person_role_removed');
      await sql.query('DELETE FROM person_role WHERE person_id = $1', [uuid]);
      await sql.query('ALTER TABLE person_role ENABLE TRIGGER person_role_removed');
      await sql.query('COMMIT');
      const stale = await permissionsOn(b!, token);
      if (Date.now() - warmedAt >= 4000 && attempt < 3) continue; // too busy to prove anything: again
      expect(some(stale)).toBe(true);

      // Given again on A, then ended there (`endRole`, its last day long past): B drops it within a second.
      const role = await assign();
      expect(some(await permissionsWithin(1000, b!, token, some))).toBe(true);
      const ended = await postGraphQL(a!.url, 'mutation($id: ID!) { endRole(id: $id, endsOn: "2020-12-31") { errors { code } } }', {
        id: role,
      });
      expect(ended.data).toEqual({ endRole: { errors: [] } });
      expect(await permissionsWithin(1000, b!, token, none)).toEqual([]);

      // Given again on A, then removed by plain SQL that announces it: B drops it within a second.
      await assign();
      expect(some(await permissionsWithin(1000, b!, token, some))).toBe(true);
      await sql.query('DELETE FROM person_role WHERE person_id = $1', [uuid]);
      expect(await permissionsWithin(1000, b!, token, none)).toEqual([]);
      expect(await permissionsOn(a!, token)).toEqual([]);
      break;
    }
  } finally {
    await sql.end();
  }
}, 60_000);

test("an erased person's sign-in is refused at once by every process, the one that kept their grants too", async () => {
  for (let attempt = 1; ; attempt++) {
    // No role, no household: nothing but the erasure itself can tell B to drop what it keeps.
    const created = await postGraphQL(a!.url, 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }', {
      i: { name: `申请删除者${attempt}` },
    });
    const personId = (created.data as { createPerson: { person: { id: string } } }).createPerson.person.id;
    const token = await signPersonToken(fromGlobalId(personId)!.id, { secret: SECRET });
    const warmedAt = Date.now();
    expect(await statusWith(b!, token)).toBe(200);
    const erased = await postGraphQL(
      a!.url,
      'mutation($p: ID!) { erasePersonalData(input: { personId: $p, reason: "本人申请" }) { errors { code } } }',
      { p: personId },
      TEST_ADMIN_KEY,
    );
    expect(erased.data).toEqual({ erasePersonalData: { errors: [] } });
    const status = await refusedWithin(1000, b!, token);
    // Past 4 s B's entry (5 s) may have lapsed on its own, which would prove nothing: try again.
    if (Date.now() - warmedAt < 4000 || attempt === 3) {
      expect(status).toBe(401);
      expect(await statusWith(a!, token)).toBe(401);
      break;
    }
  }
}, 60_000);
