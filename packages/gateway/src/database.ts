import path from 'node:path';
import { launchEmbeddedPostgres, type Logger, oneOffClient, redact, StartupError } from '@gongzhi/core/startup';
import type { GatewayConfig } from './config.js';

// Apart from gateway.ts: the CLI opens the database while it loads the platform.

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /**
   * Resolves when `url` accepts connections: at once for an external server; an embedded one
   * may still be starting (see {@link openDatabaseWhileLoading}). Rejects if it fails to start.
   */
  ready: Promise<void>;
  /** Stops an embedded server (once its start has settled); nothing for an external one. */
  stop(): Promise<void>;
}

/**
 * Opens the configured database and loads `modules` (a dynamic import of the platform). The
 * embedded server's processes (initdb on a first start, then the server) run while the
 * modules load, on the other core: an `import()` of the platform holds the event loop for a
 * second or two, which a child process does not mind. The handle comes back before the server
 * is ready, so the caller can prepare more meanwhile (`createPlatform`'s `databaseReady`);
 * whatever uses `url` itself awaits `ready` first. An external server is checked before the
 * modules load (a connection's timeout would fire while the import holds the loop), so a wrong
 * `DATABASE_URL` ends the command at once. On failure nothing is left running.
 * `embedded.ownProcessGroup`: see core's `EmbeddedDatabaseOptions` (the CLI's choice).
 */
export async function openDatabaseWhileLoading<M>(
  config: GatewayConfig,
  logger: Logger,
  modules: () => Promise<M>,
  embedded: { ownProcessGroup?: boolean } = {},
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
    scheduling: config.embeddedScheduling,
    clusterCache: config.embeddedClusterCache,
    ownProcessGroup: embedded.ownProcessGroup,
  });
  const running = starting.ready();
  const ready = running.then(() => undefined);
  // A failed start reaches the caller through `ready`; until it awaits it, the rejection is not unhandled.
  ready.catch(() => undefined);
  const database: DatabaseHandle = {
    url: starting.url,
    embedded: true,
    ready,
    stop: async () => {
      const db = await running.catch(() => null);
      await (db ? db.stop() : starting.abort());
    },
  };
  try {
    return { database, modules: await modules() };
  } catch (err) {
    await database.stop();
    throw err;
  }
}

/** The configured database, ready: the external one (checked reachable) or the embedded one, started. */
export async function openDatabase(config: GatewayConfig, logger: Logger): Promise<DatabaseHandle> {
  const { database } = await openDatabaseWhileLoading(config, logger, () => Promise.resolve());
  await database.ready;
  return database;
}

/** The external database at `url`, checked reachable. */
async function checkExternalDatabase(url: string): Promise<DatabaseHandle> {
  const client = oneOffClient({ connectionString: url, connectionTimeoutMillis: 5000 });
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
  return { url, embedded: false, ready: Promise.resolve(), stop: async () => {} };
}
