import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type GatewayConfig, loadConfig } from '@gongzhi/gateway';

/** The development admin key test gateways share (GONGZHI_DEV_ADMIN_KEY), so spawned processes agree. */
export const TEST_ADMIN_KEY = 'gz_testkey0_this-is-the-test-admin-key-of-gongzhi-0001';

/**
 * A gateway configuration for tests: random HTTP port, quiet, the shared admin key, messages in
 * English unless a request asks otherwise (tests read English), `env` on top.
 */
export function testConfig(env: Record<string, string> = {}, cwd = process.cwd()): GatewayConfig {
  return loadConfig({ PORT: '0', LOG_LEVEL: 'silent', GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY, GONGZHI_DEFAULT_LOCALE: 'en', ...env }, cwd);
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
