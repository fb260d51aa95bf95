import path from 'node:path';
import { launchEmbeddedPostgres, type Logger, redact, StartupError } from '@gongzhi/core/startup';
import pg from 'pg';
import type { GatewayConfig } from './config.js';

// Apart from gateway.ts: the CLI opens the database while it loads the platform.

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Opens the configured database and loads `modules` (a dynamic import of the platform). The
 * embedded server's processes (initdb on a first start, then the server) run while the
 * modules load, on the other core: an `import()` of the platform holds the event loop for a
 * second or two, which a child process does not mind. An external server is checked before
 * the modules load (a connection's timeout would fire while the import holds the loop), so a
 * wrong `DATABASE_URL` ends the command at once. On failure nothing is left running.
 */
export async function openDatabaseWhileLoading<M>(
  config: GatewayConfig,
  logger: Logger,
  modules: () => Promise<M>,
): Promise<{ database: DatabaseHandle; modules: M }> {
  if (config.databaseUrl) {
    const database = await checkExternalDatabase(config.databaseUrl);
    return { database, modules: await modules() };
  }
  const starting = await launchEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPort,
    database: 'gongzhi',
    logger,
  });
  let loaded: M;
  try {
    loaded = await modules();
  } catch (err) {
    await starting.abort();
    throw err;
  }
  const db = await starting.ready();
  return { database: { url: db.url, embedded: true, stop: db.stop }, modules: loaded };
}

/** The configured external database (checked reachable), or the embedded one, started. */
export async function openDatabase(config: GatewayConfig, logger: Logger): Promise<DatabaseHandle> {
  return (await openDatabaseWhileLoading(config, logger, () => Promise.resolve())).database;
}

/** The external database at `url`, checked reachable. */
async function checkExternalDatabase(url: string): Promise<DatabaseHandle> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(
      `Cannot reach the database at ${redact(url)}: ${(err as Error).message}. Check DATABASE_URL and that the server runs, or unset it to use the embedded database.`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return { url, embedded: false, stop: async () => {} };
}
