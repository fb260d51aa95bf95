import { createPlatform, type Logger, type NotificationListener, type Platform, PostgresBoardTransport } from '@gongzhi/core';
import type { GatewayConfig } from './config.js';
import { loadPlugins, pluginOptionsById } from './plugin-loader.js';

// Apart from gateway.ts: commands that work on the platform (seed, api-key, request import…) load
// this, not the HTTP and WebSocket server.

/** Loads the configured plugins and composes the platform on an open database. */
export async function composePlatform(
  config: GatewayConfig,
  databaseUrl: string,
  logger: Logger,
  options: {
    /** The process's LISTEN connection, shared with the revocation feed and the webhook interest; boards make their own without it. */
    listener?: NotificationListener;
    /** Resolves when the database accepts connections (an embedded server still starting). */
    databaseReady?: Promise<unknown>;
  } = {},
): Promise<Platform> {
  const plugins = await loadPlugins(config.plugins, config.baseDir);
  return createPlatform({
    databaseUrl,
    databaseReady: options.databaseReady,
    plugins,
    pluginOptions: pluginOptionsById(config.plugins, plugins),
    logger,
    timeZone: config.timeZone,
    statementTimeoutMs: config.limits.statementTimeoutMs,
    acquireTimeoutMs: config.dbAcquireTimeoutMs,
    poolSize: config.dbPoolSize,
    boards: {
      transport:
        config.boardTransport === 'postgres' && options.listener ? new PostgresBoardTransport(options.listener) : config.boardTransport,
    },
    outbox: config.outbox,
    webhooks: config.webhooks,
    requestCounts: config.requestCounts,
    logRetention: config.logRetention,
    requestReminders: config.requestReminders,
    notifications: options.listener,
  });
}
