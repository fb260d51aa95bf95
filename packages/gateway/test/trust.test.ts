import { createGatewayLogger, loadConfig, startGateway } from '@gongzhi/gateway';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { postGraphQL, testConfig } from './helpers.js';

/**
 * Trust under faults, bad configuration and hostile input: each case through the real server
 * (HTTP on a random port, the gateway as `gongzhi start` composes it).
 */
const logger = createGatewayLogger('silent', false);
const SECRET = 'a-production-secret-that-is-long-enough-0123456789';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('development keys', () => {
  test('a production start revokes every development key: the one printed last and a fixed one answer 401', async () => {
    const fixed = 'gz_fixedkey_a-fixed-development-key-of-this-test-0001';
    const dev = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_DEV_ADMIN_KEY: '' }), logger, { seedWhenEmpty: false });
    const printed = dev.devAdminKey!;
    await dev.stop();
    const shared = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_DEV_ADMIN_KEY: fixed }), logger, { seedWhenEmpty: false });
    // The fixed key replaced the printed one.
    expect((await postGraphQL(shared.server.url, '{ viewer { permissions } }', {}, fixed)).data.viewer.permissions).toEqual(['*']);
    expect((await postGraphQL(shared.server.url, '{ viewer { kind } }', {}, printed)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await shared.stop();

    const production = await startGateway(
      loadConfig({ PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'production', GONGZHI_JWT_SECRET: SECRET, DATABASE_URL: db.url }),
      logger,
      { seedWhenEmpty: false },
    );
    try {
      expect(production.devAdminKey).toBeNull();
      for (const key of [printed, fixed]) {
        const res = await fetch(`${production.server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: '{ viewer { permissions } }' }),
        });
        expect(res.status).toBe(401);
      }
    } finally {
      await production.stop();
    }
  });

  test('production refuses to start with GONGZHI_DEV_ADMIN_KEY set', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        GONGZHI_JWT_SECRET: SECRET,
        GONGZHI_DEV_ADMIN_KEY: 'gz_fixedkey_a-fixed-development-key-of-this-test-0001',
      }),
    ).toThrow(/GONGZHI_DEV_ADMIN_KEY is set but NODE_ENV is production: development keys are refused/);
  });
});

test('an empty bearer is told its credential is missing', async () => {
  const gateway = await startGateway(testConfig({ DATABASE_URL: db.url }), logger, { seedWhenEmpty: false });
  try {
    const res = await fetch(`${gateway.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
      body: JSON.stringify({ query: '{ coreVersion }' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0].message).toBe(
      'The credential is missing after "Bearer": send "Authorization: Bearer <API key or person token>".',
    );
  } finally {
    await gateway.stop();
  }
});
