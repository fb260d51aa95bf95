import { createApiKey, createAuthenticator } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const lastUsed = async (id: string) =>
  (
    await app.platform.orm.em
      .fork()
      .getConnection()
      .execute<{ t: Date | null }[]>('SELECT last_used_at AS t FROM api_key WHERE id = ?', [id])
  )[0].t;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met within 2 s');
}

test('an API key records when it was used, without a write on every request (once a minute at most)', async () => {
  const { apiKey, secret } = await app.platform.orm.em
    .fork()
    .transactional((em) => createApiKey(em as never, { name: '压测', placeIds: [], permissions: ['*'] }));
  expect(await lastUsed(apiKey.uuid)).toBeNull();
  const authenticate = createAuthenticator(() => app.platform.orm.em.fork(), {});

  const first = await authenticate(`Bearer ${secret}`);
  expect(first).toEqual({ id: apiKey.uuid, kind: 'api-key' });
  const recorded = await until(
    () => lastUsed(apiKey.uuid),
    (t) => t !== null,
  );

  // Later uses within the minute: the lookup only (revocation still takes effect at once).
  const statements = await app.countStatements(async () => {
    for (let i = 0; i < 5; i++) expect(await authenticate(`Bearer ${secret}`)).toEqual({ id: apiKey.uuid, kind: 'api-key' });
  });
  expect(statements).toBe(5);
  expect(await lastUsed(apiKey.uuid)).toEqual(recorded);

  await app.platform.orm.em.fork().getConnection().execute('UPDATE api_key SET revoked_at = now() WHERE id = ?', [apiKey.uuid]);
  await expect(authenticate(`Bearer ${secret}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('checking a key is a prepared statement: the same text for every key, planned once per connection', async () => {
  const secrets: string[] = [];
  for (const name of ['甲', '乙', '丙'])
    secrets.push(
      (await app.platform.orm.em.fork().transactional((em) => createApiKey(em as never, { name, placeIds: [], permissions: ['*'] })))
        .secret,
    );
  const authenticate = createAuthenticator(() => app.platform.orm.em.fork(), {});
  const prepared = await app.preparedStatements(async () => {
    for (let i = 0; i < 7; i++) expect(await authenticate(`Bearer ${secrets[i % 3]}`)).toMatchObject({ kind: 'api-key' });
  });
  const checks = prepared.filter((s) => s.statement.includes('k.secret_hash'));
  expect(checks).toHaveLength(1);
  expect(checks[0].genericPlans + checks[0].customPlans).toBe(7);
});
