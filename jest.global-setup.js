// Starts one throw-away PostgreSQL for the whole run (or uses DATABASE_URL); each test file
// creates and drops its own databases on it, copied from template databases the run migrates once.
import { startTestDatabaseServer } from './packages/core/dist/testing/test-database.js';

export default async function globalSetup() {
  const server = await startTestDatabaseServer();
  Object.assign(process.env, server.env);
  globalThis.__gongzhiTestServer = server;
}
