import { readFileSync } from 'node:fs';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';

/** Core's version as its package.json says (a release changes it there). */
const coreVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

test('answers coreVersion and plugins', async () => {
  const data = await app.run('{ coreVersion plugins { id } }');
  expect(data.coreVersion).toBe(coreVersion);
  expect(data.plugins).toEqual([]);
});
