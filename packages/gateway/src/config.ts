import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDatabaseUrl, StartupError } from '@gongzhi/core';

/** A plugin as configured: its npm package name (or a path), and its options. */
export interface PluginSpec {
  name: string;
  options?: Record<string, unknown>;
}

/** Everything the gateway needs to start, from `gongzhi.config.json` and the environment. */
export interface GatewayConfig {
  /** Folder plugin names and the data folder resolve from (where the config file is). */
  baseDir: string;
  host: string;
  port: number;
  /** External PostgreSQL; when unset the embedded one runs. */
  databaseUrl?: string;
  /** Folder of the embedded database's files. */
  dataDir: string;
  embeddedPort: number;
  plugins: PluginSpec[];
  production: boolean;
  logLevel: string;
  /** Largest accepted HTTP request body, in bytes. */
  maxBodyBytes: number;
  introspection: boolean;
  /** How live-board notices travel between processes: PostgreSQL LISTEN/NOTIFY, or in-process only. */
  boardTransport: 'postgres' | 'in-process';
  /** Queries and mutations over WebSocket (default false: subscriptions only). */
  wsAllowOperations: boolean;
  /** Most operations open at once on one WebSocket connection. */
  wsMaxSubscriptions: number;
  /** Results a WebSocket subscriber may have waiting before it is closed as too slow. */
  wsQueueLimit: number;
  /** How often open WebSocket connections' credentials are checked again (a revoked key is cut off). */
  wsRecheckMs: number;
  /**
   * Outside production, the development admin key to (re)use, so several processes and
   * scripts share one; unset, each start issues a new one and revokes the previous.
   */
  devAdminKey: string | null;
  /** How person tokens are verified; production refuses to start without a secret or a JWKS URL. */
  auth: { jwtSecret: string | null; jwksUrl: string | null; issuer: string | null; audience: string | null };
  /** Abuse limits, the same on HTTP and WebSocket. */
  limits: Limits;
}

/** Abuse limits applied to every operation, whatever the transport. */
export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Tokens in one document (parsing stops past it). */
  maxTokens: number;
  /** Estimated cost of one operation (graphql-armor's cost model). */
  maxCost: number;
  /** PostgreSQL statement_timeout of every query, in milliseconds. */
  statementTimeoutMs: number;
  /** Operations per minute for one API key, person or (anonymous) address. */
  ratePerMinute: number;
}

/** The four plugins that ship with Gongzhi, loaded when nothing else is configured. */
export const DEFAULT_PLUGINS = [
  '@gongzhi/plugin-grid',
  '@gongzhi/plugin-volunteer',
  '@gongzhi/plugin-moral-bank',
  '@gongzhi/plugin-council',
];

interface ConfigFile {
  port?: number;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  embeddedPort?: number;
  plugins?: (string | PluginSpec)[];
  maxBodyBytes?: number;
  introspection?: boolean;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  limits?: Partial<Limits>;
  boardTransport?: string;
  wsAllowOperations?: boolean;
  wsMaxSubscriptions?: number;
  wsQueueLimit?: number;
  wsRecheckMs?: number;
}

function boardTransport(value: string | undefined): 'postgres' | 'in-process' {
  if (value === undefined || value === '' || value === 'postgres') return 'postgres';
  if (value === 'in-process') return 'in-process';
  throw new StartupError(
    `GONGZHI_BOARD_TRANSPORT must be "postgres" (several processes on one database) or "in-process" (one process alone), got ${JSON.stringify(value)}.`,
  );
}

function integer(name: string, value: string | number | undefined, fallback: number, min = 1, max = 65535): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new StartupError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return n;
}

/**
 * Reads the configuration: `gongzhi.config.json` in `cwd` (or the file named by
 * `GONGZHI_CONFIG`), then environment variables, which win.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GatewayConfig {
  const file = env.GONGZHI_CONFIG ? path.resolve(cwd, env.GONGZHI_CONFIG) : path.join(cwd, 'gongzhi.config.json');
  let fromFile: ConfigFile = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as ConfigFile;
    } catch (err) {
      throw new StartupError(`${file} is not valid JSON: ${(err as Error).message}. Fix the file or remove it.`);
    }
  } else if (env.GONGZHI_CONFIG) {
    throw new StartupError(`GONGZHI_CONFIG names ${file}, which does not exist.`);
  }
  const baseDir = path.dirname(file);
  const plugins: PluginSpec[] =
    env.GONGZHI_PLUGINS !== undefined
      ? env.GONGZHI_PLUGINS.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((name) => ({ name }))
      : (fromFile.plugins ?? DEFAULT_PLUGINS).map((p) => (typeof p === 'string' ? { name: p } : p));
  const databaseUrl = env.DATABASE_URL || fromFile.databaseUrl || undefined;
  if (databaseUrl) parseDatabaseUrl(databaseUrl);
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.GONGZHI_JWT_SECRET || null;
  const jwksUrl = env.GONGZHI_JWKS_URL || fromFile.jwksUrl || null;
  if (jwtSecret && jwtSecret.length < 32) {
    throw new StartupError('GONGZHI_JWT_SECRET must have at least 32 characters (e.g. the output of "openssl rand -base64 32").');
  }
  if (production && !jwtSecret && !jwksUrl) {
    throw new StartupError(
      'NODE_ENV is production but no GONGZHI_JWT_SECRET or GONGZHI_JWKS_URL is set: person tokens could not be verified. Set one of them.',
    );
  }
  const limit = (name: keyof Limits, envName: string, fallback: number, max: number) =>
    integer(envName, env[envName] ?? fromFile.limits?.[name], fallback, 1, max);
  return {
    baseDir,
    host: env.HOST ?? fromFile.host ?? '127.0.0.1',
    port: integer('PORT', env.PORT ?? fromFile.port, 4000, 0),
    databaseUrl,
    dataDir: path.resolve(baseDir, env.GONGZHI_DATA_DIR ?? fromFile.dataDir ?? '.data'),
    embeddedPort: integer('GONGZHI_PG_PORT', env.GONGZHI_PG_PORT ?? fromFile.embeddedPort, 54329),
    plugins,
    production,
    logLevel: env.LOG_LEVEL ?? 'info',
    maxBodyBytes: integer('GONGZHI_MAX_BODY_BYTES', env.GONGZHI_MAX_BODY_BYTES ?? fromFile.maxBodyBytes, 1_000_000, 1_000, 100_000_000),
    introspection: env.GONGZHI_INTROSPECTION !== undefined ? env.GONGZHI_INTROSPECTION === 'true' : (fromFile.introspection ?? !production),
    devAdminKey: production ? null : env.GONGZHI_DEV_ADMIN_KEY || null,
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: env.GONGZHI_JWT_ISSUER || fromFile.jwtIssuer || null,
      audience: env.GONGZHI_JWT_AUDIENCE || fromFile.jwtAudience || null,
    },
    limits: {
      maxDepth: limit('maxDepth', 'GONGZHI_MAX_DEPTH', 12, 100),
      maxAliases: limit('maxAliases', 'GONGZHI_MAX_ALIASES', 15, 1000),
      maxDirectives: limit('maxDirectives', 'GONGZHI_MAX_DIRECTIVES', 10, 1000),
      maxTokens: limit('maxTokens', 'GONGZHI_MAX_TOKENS', 4000, 1_000_000),
      maxCost: limit('maxCost', 'GONGZHI_MAX_COST', 20000, 10_000_000),
      statementTimeoutMs: limit('statementTimeoutMs', 'GONGZHI_STATEMENT_TIMEOUT_MS', 10_000, 3_600_000),
      ratePerMinute: limit('ratePerMinute', 'GONGZHI_RATE_LIMIT', 1200, 1_000_000),
    },
    boardTransport: boardTransport(env.GONGZHI_BOARD_TRANSPORT ?? fromFile.boardTransport),
    wsAllowOperations: (env.GONGZHI_WS_ALLOW_OPERATIONS ?? String(fromFile.wsAllowOperations ?? false)) === 'true',
    wsMaxSubscriptions: integer(
      'GONGZHI_WS_MAX_SUBSCRIPTIONS',
      env.GONGZHI_WS_MAX_SUBSCRIPTIONS ?? fromFile.wsMaxSubscriptions,
      20,
      1,
      10_000,
    ),
    wsQueueLimit: integer('GONGZHI_WS_QUEUE_LIMIT', env.GONGZHI_WS_QUEUE_LIMIT ?? fromFile.wsQueueLimit, 200, 1, 1_000_000),
    wsRecheckMs: integer('GONGZHI_WS_RECHECK_MS', env.GONGZHI_WS_RECHECK_MS ?? fromFile.wsRecheckMs, 30_000, 100, 86_400_000),
  };
}
