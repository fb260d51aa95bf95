import path from 'node:path';
import { type Logger, redact, startEmbeddedPostgres, StartupError } from '@gongzhi/core/startup';
import pg from 'pg';
import type { GatewayConfig } from './config.js';

// Apart from gateway.ts: the CLI opens the database before it loads the platform.

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The configured external database (checked reachable), or the embedded one, started. */
export async function openDatabase(config: GatewayConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      throw new StartupError(
        `Cannot reach the database at ${redact(config.databaseUrl)}: ${(err as Error).message}. Check DATABASE_URL and that the server runs, or unset it to use the embedded database.`,
        { cause: err },
      );
    } finally {
      await client.end().catch(() => undefined);
    }
    return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  }
  const db = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPort,
    database: 'gongzhi',
    logger,
  });
  return { url: db.url, embedded: true, stop: db.stop };
}
