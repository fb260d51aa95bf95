import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GongzhiPlugin } from '@gongzhi/core';
import { composedMigrations, createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { type GatewayConfig, loadConfig, type RunningGateway, startGateway as start } from '@gongzhi/gateway';

/** The development admin key test gateways share (GONGZHI_DEV_ADMIN_KEY), so spawned processes agree. */
export const TEST_ADMIN_KEY = 'gz_testkey0_this-is-the-test-admin-key-of-gongzhi-0001';

// Every gateway a test file starts. The file's end stops them (stopping twice is harmless), also
// one whose start outlived a hook or test that timed out: its server and connections would
// otherwise hold the Jest worker open ("a worker process has failed to exit gracefully").
const gateways = new Set<Promise<RunningGateway>>();
afterAll(async () => {
  for (const gateway of gateways) await gateway.then((g) => g.stop()).catch(() => undefined);
  gateways.clear();
}, 120_000);

/** `startGateway` of `@gongzhi/gateway`, and the gateway is stopped when the test file ends. */
export const startGateway: typeof start = (...args) => {
  const gateway = start(...args);
  gateways.add(gateway);
  return gateway;
};

/**
 * A gateway configuration for tests: random HTTP port, quiet, the shared admin key, messages in
 * English unless a request asks otherwise (tests read English), every document run compiled from
 * its first run (graphql-jit: the suite proves the compiled path; `compiled-execution.test.ts`
 * covers the switch from graphql-js), `env` on top.
 */
export function testConfig(env: Record<string, string> = {}, cwd = process.cwd()): GatewayConfig {
  return loadConfig(
    {
      PORT: '0',
      LOG_LEVEL: 'silent',
      GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
      GONGZHI_DEFAULT_LOCALE: 'en',
      GONGZHI_COMPILE_AFTER: '1',
      ...env,
    },
    cwd,
  );
}

/**
 * A test database migrated as a gateway configured by `env` (the default four plugins unless
 * `GONGZHI_PLUGINS` says otherwise) migrates it on start, copied from the run's template: the
 * gateway finds nothing to apply.
 */
export async function gatewayDatabase(
  env: Record<string, string> = {},
  { coreBehind = 0 }: { coreBehind?: number } = {},
): Promise<TestDatabase> {
  const plugins = await Promise.all(
    testConfig(env).plugins.map(async (spec) => ((await import(spec.name)) as { default: GongzhiPlugin }).default),
  );
  const migrations = composedMigrations(plugins);
  if (!coreBehind || !migrations) return createTestDatabase({ migrations });
  // A database of an older version: core's last `coreBehind` migrations not applied yet.
  return createTestDatabase({
    migrations: migrations.map((source) =>
      source.owner === 'core' ? { ...source, migrations: source.migrations.slice(0, -coreBehind) } : source,
    ),
  });
}

/** POSTs a GraphQL operation to a running gateway (as the test admin unless another credential, or null for none, is given). */
export async function postGraphQL(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  credential: string | null = TEST_ADMIN_KEY,
): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** A temporary folder, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
