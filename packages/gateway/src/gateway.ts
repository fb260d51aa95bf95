import {
  ALL_PERMISSIONS,
  createApiKey,
  findApiKey,
  registerApiKey,
  createAuthenticator,
  PostgresRevocationFeed,
  type RevocationFeed,
  NotificationListener,
  type Logger,
  migrate,
  migrationSources,
  type Platform,
} from '@gongzhi/core';
import { composePlatform } from './compose.js';
import type { GatewayConfig } from './config.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import { type GatewayServer, GRAPHQL_PATH, startGatewayServer } from './http-server.js';
import type { RateLimiterOptions } from './security.js';
import { serverBundle } from './server-bundle.js';
import type { ResolveCaller } from './websocket.js';

export { composePlatform } from './compose.js';
export { type DatabaseHandle, openDatabase } from './database.js';

/** The name of the development admin key; a new start revokes the previous one. */
export const DEV_ADMIN_KEY_NAME = '演示管理员 demo admin (development only)';

/**
 * Development admin keys (they see everywhere and may do everything): outside production, the
 * configured one (GONGZHI_DEV_ADMIN_KEY, shared by several processes) or a fresh one, every other
 * development key revoked so only the one in use works; in production, every development key
 * revoked, so none printed before still answers. Returns the key to print, or null.
 */
async function settleDevAdminKeys(platform: Platform, production: boolean, configured: string | null): Promise<string | null> {
  const em = platform.orm.em.fork();
  return em.transactional(async (tx) => {
    const keep = configured && !production ? await findApiKey(tx, configured) : null;
    await tx.execute(`UPDATE api_key SET revoked_at = now() WHERE name LIKE ? AND revoked_at IS NULL AND id IS DISTINCT FROM ?`, [
      `${DEV_ADMIN_KEY_NAME}%`,
      keep?.uuid ?? null,
    ]);
    if (production) return null;
    if (configured) {
      // The same key revoked earlier (by a production start, say) comes back rather than clashing with its own row.
      if (!keep)
        await tx.execute(`DELETE FROM api_key WHERE prefix = ? AND name LIKE ?`, [configured.slice(0, 11), `${DEV_ADMIN_KEY_NAME}%`]);
      if (!keep) {
        await registerApiKey(tx, configured, {
          name: `${DEV_ADMIN_KEY_NAME} (GONGZHI_DEV_ADMIN_KEY)`,
          placeIds: [],
          permissions: [ALL_PERMISSIONS],
        });
      }
      return configured;
    }
    return (await createApiKey(tx, { name: DEV_ADMIN_KEY_NAME, placeIds: [], permissions: [ALL_PERMISSIONS] })).secret;
  });
}

/**
 * Who is calling, for HTTP and WebSocket alike: the bearer credential of the Authorization
 * header, or of the `authorization` field of a WebSocket's connection_init payload.
 */
function callerResolver(platform: Platform, config: GatewayConfig, revocations: RevocationFeed): ResolveCaller {
  const authenticate = createAuthenticator(
    () => platform.orm.em.fork(),
    {
      secret: config.auth.jwtSecret,
      jwksUrl: config.auth.jwksUrl,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    },
    // Checked API keys and people's grants are reused for a few seconds; every process drops a
    // revoked key, or a person whose roles or household changed, at once.
    { revocations, personAccess: (id) => platform.createContext({ id, kind: 'person' }).access() },
  );
  return ({ transport, headers, connectionParams }) => {
    const credential = transport === 'http' ? headers.authorization : connectionParams?.authorization;
    return authenticate(typeof credential === 'string' ? credential : undefined);
  };
}

export interface RunningGateway {
  platform: Platform;
  /** Outside production: the development admin key printed at start. */
  devAdminKey: string | null;
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
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: {
    seedWhenEmpty?: boolean;
    /** How the rate limit uses its database count (its timeouts); the defaults suit production. */
    rateLimiter?: RateLimiterOptions;
    /** The database, opened already (the CLI opens it while loading the platform); stopped with the gateway. */
    database?: DatabaseHandle;
  } = {},
): Promise<RunningGateway> {
  const database = options.database ?? (await openDatabase(config, logger));
  let platform: Platform | undefined;
  // One LISTEN connection for the process: board notices and key revocations share it.
  const listener = new NotificationListener(database.url, logger);
  try {
    platform = await composePlatform(config, database.url, logger, { listener, databaseReady: database.ready });
    if ((options.seedWhenEmpty ?? true) && (await isEmpty(platform))) {
      logger.info('empty database: loading the demo district');
      await platform.seed();
    }
    const ready = platform;
    const sources = migrationSources(ready.plugins);
    const revocations = new PostgresRevocationFeed(listener);
    await revocations.start();
    let migrationsApplied = false;
    // Not ready until the development keys are settled: a client told "ready" may send its key at once.
    let keysSettled = false;
    const server = await startGatewayServer(ready, {
      host: config.host,
      port: config.port,
      maxBodyBytes: config.maxBodyBytes,
      maxPhotoBytes: config.maxPhotoBytes,
      introspection: config.introspection,
      defaultLocale: config.defaultLocale,
      resolveCaller: callerResolver(ready, config, revocations),
      limits: config.limits,
      rateLimiter: options.rateLimiter,
      webSocket: {
        allowOperations: config.wsAllowOperations,
        maxSubscriptionsPerConnection: config.wsMaxSubscriptions,
        queueLimit: config.wsQueueLimit,
        recheckMs: config.wsRecheckMs,
        eventRetryMs: config.wsEventRetryMs,
      },
      readyTimeoutMs: config.readyTimeoutMs,
      metrics: config.metrics.enabled ? { token: config.metrics.token } : null,
      tracing: config.tracing,
      compileAfter: config.compileAfter,
      trustedDocuments: { mode: config.trustedDocuments, revocations },
      ready: async (timeoutMs) => {
        if (!keysSettled) return false;
        // Through the pool operations use: a process whose pool cannot serve is not ready.
        await ready.checkDatabase(timeoutMs);
        // Migrations ran at start; checked once, then only the pool is.
        migrationsApplied ||= (await migrate(database.url, sources, { dryRun: true })).applied.length === 0;
        return migrationsApplied;
      },
    });
    const devAdminKey = await settleDevAdminKeys(ready, config.production, config.devAdminKey);
    keysSettled = true;
    if (devAdminKey) {
      logger.warn(
        { key: devAdminKey },
        `development admin key (sees everything; never use in production): send "Authorization: Bearer ${devAdminKey}"`,
      );
    }
    logger.info(
      {
        url: `${server.url}${GRAPHQL_PATH}`,
        plugins: ready.plugins.map((p) => `${p.id}@${p.version}`),
        timeZone: ready.info.timeZone,
        bundle: serverBundle.active,
      },
      'Gongzhi is ready',
    );
    let stopping: Promise<void> | undefined;
    return {
      platform: ready,
      devAdminKey,
      server,
      database,
      stop: () =>
        (stopping ??= (async () => {
          await server.stop().catch((err) => logger.error({ err }, 'stopping the server failed'));
          await revocations.close();
          await ready.close().catch((err) => logger.error({ err }, 'closing the platform failed'));
          await listener.close();
          await database.stop();
        })()),
    };
  } catch (err) {
    await platform?.close().catch(() => undefined);
    await listener.close();
    await database.stop().catch(() => undefined);
    throw err;
  }
}
