import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl, withDatabase } from '../database/database-url.js';
import { freePort, startEmbeddedPostgres } from '../database/embedded-postgres.js';

/** Environment variable through which a test run shares one database server between workers. */
export const TEST_SERVER_ENV = 'GONGZHI_TEST_SERVER_URL';

export interface TestDatabaseServer {
  /** URL of a maintenance database on the server, used to create and drop test databases. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away embedded PostgreSQL in a temporary folder on a free port (or, with
 * `DATABASE_URL` set, uses that server and starts nothing). Call it once per test run,
 * e.g. from Jest's globalSetup, and publish `url` in {@link TEST_SERVER_ENV}.
 */
export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  if (process.env.DATABASE_URL) {
    parseDatabaseUrl(process.env.DATABASE_URL);
    return { url: process.env.DATABASE_URL, stop: async () => {} };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gongzhi-test-pg-'));
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
    ephemeral: true,
  });
  return {
    url: db.url,
    stop: async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let ownServer: Promise<TestDatabaseServer> | undefined;

/** The server test databases go on: the run's shared one, `DATABASE_URL`, or one started here. */
async function testServerUrl(): Promise<string> {
  const shared = process.env[TEST_SERVER_ENV] ?? process.env.DATABASE_URL;
  if (shared) return shared;
  ownServer ??= startTestDatabaseServer().then((server) => {
    process.once('exit', () => void server.stop());
    return server;
  });
  return (await ownServer).url;
}

export interface TestDatabase {
  url: string;
  /** Drops the database (ending its connections first). */
  drop(): Promise<void>;
}

/** Creates an empty database with a random name; it touches nothing it did not create. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const name = `gongzhi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
