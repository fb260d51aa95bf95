import { createTestApp, type TestApp } from '@gongzhi/core/testing';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

test('answers coreVersion and plugins', async () => {
  const data = await app.run('{ coreVersion plugins { id } }');
  expect(data.coreVersion).toBe('0.4.0');
  expect(data.plugins).toEqual([]);
});
