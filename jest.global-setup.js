// Starts one throw-away PostgreSQL for the whole run (or uses DATABASE_URL); each test
// file creates and drops its own database on it.
import { startTestDatabaseServer, TEST_SERVER_ENV } from './packages/core/dist/testing/index.js';

export default async function globalSetup() {
  const server = await startTestDatabaseServer();
  process.env[TEST_SERVER_ENV] = server.url;
  globalThis.__gongzhiTestServer = server;
}
