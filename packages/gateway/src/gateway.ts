import {
  createPlatform,
  type Logger,
  migrate,
  migrationSources,
  type Platform,
  redact,
  startEmbeddedPostgres,
  StartupError,
} from '@gongzhi/core';
import path from 'node:path';
import pg from 'pg';
import type { GatewayConfig } from './config.js';
import { type GatewayServer, GRAPHQL_PATH, startGatewayServer } from './http-server.js';
import { loadPlugins, pluginOptionsById } from './plugin-loader.js';

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

/** Loads the configured plugins and composes the platform on an open database. */
export async function composePlatform(config: GatewayConfig, databaseUrl: string, logger: Logger, options: { migrate?: boolean } = {}): Promise<Platform> {
  const plugins = await loadPlugins(config.plugins, config.baseDir);
  return createPlatform({
    databaseUrl,
    plugins,
    pluginOptions: pluginOptionsById(config.plugins, plugins),
    logger,
    migrate: options.migrate,
    boards: { transport: config.boardTransport },
  });
}

export interface RunningGateway {
  platform: Platform;
  server: GatewayServer;
  database: DatabaseHandle;
  /** Drains HTTP, closes sockets, runs plugin `destroy`, stops the embedded database. */
  stop(): Promise<void>;
}

/** Whether the database holds no place yet (then the demo data is loaded). */
async function isEmpty(platform: Platform): Promise<boolean> {
  const [row] = await platform.orm.em.fork().getConnection().execute<{ n: string }[]>('SELECT count(*) AS n FROM place');
  return Number(row?.n ?? 0) === 0;
}

/**
 * Starts everything `gongzhi start` runs: the database, migrations, the composed platform,
 * the demo data on an empty database, and the HTTP + WebSocket server.
 */
export async function startGateway(config: GatewayConfig, logger: Logger, options: { seedWhenEmpty?: boolean } = {}): Promise<RunningGateway> {
  const database = await openDatabase(config, logger);
  let platform: Platform | undefined;
  try {
    platform = await composePlatform(config, database.url, logger);
    if ((options.seedWhenEmpty ?? true) && (await isEmpty(platform))) {
      logger.info('empty database: loading the demo district');
      await platform.seed();
    }
    const ready = platform;
    const sources = migrationSources(ready.plugins);
    const server = await startGatewayServer(ready, {
      host: config.host,
      port: config.port,
      maxBodyBytes: config.maxBodyBytes,
      introspection: config.introspection,
      webSocket: {
        allowOperations: config.wsAllowOperations,
        maxSubscriptionsPerConnection: config.wsMaxSubscriptions,
        queueLimit: config.wsQueueLimit,
      },
      ready: async () => {
        const pending = await migrate(database.url, sources, { dryRun: true });
        return pending.applied.length === 0;
      },
    });
    logger.info({ url: `${server.url}${GRAPHQL_PATH}`, plugins: ready.plugins.map((p) => `${p.id}@${p.version}`) }, 'Gongzhi is ready');
    let stopping: Promise<void> | undefined;
    return {
      platform: ready,
      server,
      database,
      stop: () =>
        (stopping ??= (async () => {
          await server.stop().catch((err) => logger.error({ err }, 'stopping the server failed'));
          await ready.close().catch((err) => logger.error({ err }, 'closing the platform failed'));
          await database.stop();
        })()),
    };
  } catch (err) {
    await platform?.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    throw err;
  }
}
