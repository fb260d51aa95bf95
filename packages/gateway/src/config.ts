import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TIME_ZONE, isTimeZone, LOCALES, type Locale, parseDatabaseUrl, StartupError } from '@gongzhi/core/startup';
import { z } from 'zod';

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
  /** How Linux schedules the embedded PostgreSQL's processes (see `EmbeddedDatabaseOptions.scheduling`). */
  embeddedScheduling: 'batch' | 'normal';
  /**
   * Folder of prepared embedded clusters (see `EmbeddedDatabaseOptions.clusterCache`): undefined
   * for core's default, null for none (initdb on every empty data folder).
   */
  embeddedClusterCache?: string | null;
  /** Longest wait for a database connection, in milliseconds; past it an operation answers 503. */
  dbAcquireTimeoutMs: number;
  /** Connections of the operations' pool (the rate limit and LISTEN have their own). */
  dbPoolSize: number;
  /** How long `/readyz` waits for its query through the pool, in milliseconds. */
  readyTimeoutMs: number;
  plugins: PluginSpec[];
  production: boolean;
  logLevel: string;
  /** Largest accepted HTTP request body, in bytes. */
  maxBodyBytes: number;
  /** Largest picture `POST /photos` keeps, in bytes. */
  maxPhotoBytes: number;
  introspection: boolean;
  /** The language of error messages for requests that send no `Accept-Language` (or only `*`). */
  defaultLocale: Locale;
  /** The district's time zone (IANA): the calendar days role dates are counted in. */
  timeZone: string;
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
  /** How long a board change that cannot be produced is retried before its subscribers are told to resume. */
  wsEventRetryMs: number;
  /** Runs of one document after which it runs compiled (graphql-jit); 0 never. */
  compileAfter: number;
  /**
   * Outside production, the development admin key to (re)use, so several processes and
   * scripts share one; unset, each start issues a new one and revokes the previous.
   */
  devAdminKey: string | null;
  /** How person tokens are verified; production refuses to start without a secret or a JWKS URL. */
  auth: { jwtSecret: string | null; jwksUrl: string | null; issuer: string | null; audience: string | null };
  /** Abuse limits, the same on HTTP and WebSocket. */
  limits: Limits;
  /** Which documents run: any (`off`: no ids), registered by id plus any as text (`allow`), registered only (`require`). */
  trustedDocuments: 'off' | 'allow' | 'require';
  /** Prometheus metrics at `/metrics`: off, or on (behind a bearer token when one is set). */
  metrics: { enabled: boolean; token: string | null };
  /** OpenTelemetry tracing over OTLP/HTTP: off (null) unless an endpoint is set. */
  tracing: {
    /** Base URL of the OTLP/HTTP receiver (`/v1/traces` is added). */
    endpoint: string;
    serviceName: string;
    /** Resolvers below the top level slower than this get a span, in milliseconds. */
    slowResolverMs: number;
  } | null;
  /** How this process delivers events to after-commit handlers from the event outbox. */
  outbox: {
    /** How often it sweeps for deliveries a stopped process left, or failed ones due again. */
    sweepIntervalMs: number;
    /** Holds back its deliveries this long (fault drills and tests); 0 in service. */
    deliveryDelayMs: number;
  };
  /** How often this process folds the kept request counts (the subtree reports' rows); 0: never. */
  requestCounts: { foldIntervalMs: number };
  /** Days the audit and sensitive-access logs are kept (180 at least); null: for ever. */
  logRetention: { auditLogDays: number | null; sensitiveAccessLogDays: number | null };
  /** Hours before a request's deadline it is reminded of (`request.due-soon`); 0: no reminders. */
  requestReminders: { dueSoonHours: number };
  /** How this process sends outbound webhook deliveries. */
  webhooks: {
    pollIntervalMs: number;
    timeoutMs: number;
    concurrency: number;
    retryBaseMs: number;
    retryWindowMs: number;
    privateNetworks: boolean;
    retentionMs: number;
  };
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

type Kind =
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'text'; minLength?: number }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'timeZone' }
  | { kind: 'plugins' };

/**
 * One setting: where it may be given (an environment variable, a key of gongzhi.config.json, or
 * both; the variable wins), what it may be, its default and what it means. This table is the one
 * schema both sources are validated against, and the README's configuration table lists it.
 */
export interface Setting {
  env?: string;
  /** Key in gongzhi.config.json; dots for nested objects (`limits.maxDepth`). Secrets have none. */
  file?: string;
  type: Kind;
  /** The default, as the README shows it. */
  defaultText: string;
  meaning: string;
  /** Never repeated in an error message (it may hold a password or a key). */
  secret?: boolean;
}

/** GONGZHI_ variables that are not settings of the gateway: the testing kit's own. */
const OTHER_VARIABLES = ['GONGZHI_TEST_SERVER_URL', 'GONGZHI_TEST_RUN'];

const int = (min: number, max: number): Kind => ({ kind: 'integer', min, max });

/** Every setting of the gateway. */
/** Runs of one document after which its HTTP operations run compiled, unless configured (`GONGZHI_COMPILE_AFTER`). */
export const DEFAULT_COMPILE_AFTER = 2;

export const SETTINGS: readonly Setting[] = [
  { env: 'PORT', file: 'port', type: int(0, 65535), defaultText: '4000', meaning: 'HTTP and WebSocket port' },
  {
    env: 'HOST',
    file: 'host',
    type: { kind: 'text', minLength: 1 },
    defaultText: '127.0.0.1',
    meaning: 'address to listen on (`0.0.0.0` to serve a network)',
  },
  {
    env: 'DATABASE_URL',
    file: 'databaseUrl',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning: 'external PostgreSQL (`postgres://user:pass@host:5432/db`); unset runs the embedded one',
    secret: true,
  },
  {
    env: 'GONGZHI_DATA_DIR',
    file: 'dataDir',
    type: { kind: 'text', minLength: 1 },
    defaultText: '.data',
    meaning: "folder of the embedded database's files",
  },
  {
    env: 'GONGZHI_PG_PORT',
    file: 'embeddedPort',
    type: int(1, 65535),
    defaultText: '25432',
    // Not 5432, where a system server may listen, and below every system's range of ports lent
    // to outgoing connections (Linux 32768–60999, Windows and macOS 49152–65535): one of those can
    // hold a port in that range for a while, and the start would then find it "in use".
    meaning:
      'port of the embedded PostgreSQL on 127.0.0.1 (not 5432, where a system server may listen; below the ports lent to outgoing connections)',
  },
  {
    env: 'GONGZHI_PG_SCHEDULING',
    file: 'embeddedScheduling',
    type: { kind: 'choice', values: ['batch', 'normal'] },
    defaultText: 'batch',
    meaning:
      "how Linux schedules the embedded PostgreSQL's processes: `batch` (`SCHED_BATCH`, where util-linux's `chrt` can set it: a backend woken by a statement does not preempt the gateway) or `normal`",
  },
  {
    env: 'GONGZHI_PG_CLUSTER_CACHE',
    file: 'embeddedClusterCache',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'node_modules/.cache/gongzhi/clusters',
    meaning:
      "folder of prepared clusters: an empty data folder starts as a copy of the one there (made by the first start that ran initdb, and kept per PostgreSQL version) instead of running initdb; `off` runs initdb every time. The default is in the installation's own `node_modules`",
  },
  {
    env: 'GONGZHI_DB_ACQUIRE_TIMEOUT_MS',
    file: 'dbAcquireTimeoutMs',
    type: int(100, 600_000),
    defaultText: '5000',
    meaning: 'longest wait for a database connection (new, or free in the pool); past it the operation answers 503 with `Retry-After`',
  },
  {
    env: 'GONGZHI_DB_POOL_SIZE',
    file: 'dbPoolSize',
    type: int(1, 1000),
    defaultText: '10',
    meaning:
      "connections of the operations' pool per process (the rate limit's two, the LISTEN connection and, while scheduled tasks run, their leases' one come on top)",
  },
  {
    env: 'GONGZHI_READY_TIMEOUT_MS',
    file: 'readyTimeoutMs',
    type: int(100, 600_000),
    defaultText: '2000',
    meaning: '`/readyz` answers 503 unless a query through the pool answers within this time',
  },
  {
    env: 'GONGZHI_PLUGINS',
    file: 'plugins',
    type: { kind: 'plugins' },
    defaultText: 'the four plugins',
    meaning: 'npm package names or paths (comma-separated in the variable); in the file, entries may be `{ "name": …, "options": {…} }`',
  },
  {
    env: 'GONGZHI_MAX_BODY_BYTES',
    file: 'maxBodyBytes',
    type: int(1_000, 100_000_000),
    defaultText: '1000000',
    meaning: 'largest request body / WebSocket message',
  },
  {
    env: 'GONGZHI_PHOTO_MAX_BYTES',
    file: 'maxPhotoBytes',
    type: int(1_000, 50_000_000),
    defaultText: '5000000',
    meaning: 'largest picture `POST /photos` keeps (kept in the database, backed up with it)',
  },
  {
    env: 'GONGZHI_INTROSPECTION',
    file: 'introspection',
    type: { kind: 'boolean' },
    defaultText: 'true unless production',
    meaning: 'schema introspection (and field suggestions in errors)',
  },
  {
    env: 'GONGZHI_DEFAULT_LOCALE',
    file: 'defaultLocale',
    type: { kind: 'choice', values: LOCALES },
    defaultText: 'zh-CN',
    meaning: 'language of error messages when a request sends no `Accept-Language` (or `connection_init` no `acceptLanguage`)',
  },
  {
    env: 'GONGZHI_TIME_ZONE',
    file: 'timeZone',
    type: { kind: 'timeZone' },
    defaultText: DEFAULT_TIME_ZONE,
    meaning:
      "the district's time zone: the calendar days role dates are counted in (a role ending on a day holds until that day's midnight there)",
  },
  {
    env: 'NODE_ENV',
    type: { kind: 'text' },
    defaultText: 'unset',
    meaning: '`production`: introspection off, development keys refused and revoked, a token secret or JWKS URL required',
  },
  {
    env: 'GONGZHI_JWT_SECRET',
    type: { kind: 'text', minLength: 32 },
    defaultText: 'unset',
    meaning:
      'secret (≥ 32 characters, e.g. `openssl rand -base64 32`) verifying HS256 person tokens; `gongzhi token` signs with it; never in the file',
    secret: true,
  },
  {
    env: 'GONGZHI_JWKS_URL',
    file: 'jwksUrl',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning: "an identity provider's key set for person tokens instead of a secret",
  },
  {
    env: 'GONGZHI_JWT_ISSUER',
    file: 'jwtIssuer',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning: 'required `iss` of person tokens',
  },
  {
    env: 'GONGZHI_JWT_AUDIENCE',
    file: 'jwtAudience',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning: 'required `aud` of person tokens',
  },
  {
    env: 'GONGZHI_DEV_ADMIN_KEY',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning:
      'outside production, the development admin key to use (`gz_xxxxxxxx_…`, 32+ characters after), shared by several processes; refused in production',
    secret: true,
  },
  { env: 'GONGZHI_MAX_DEPTH', file: 'limits.maxDepth', type: int(1, 100), defaultText: '12', meaning: 'deepest selection of one document' },
  {
    env: 'GONGZHI_MAX_ALIASES',
    file: 'limits.maxAliases',
    type: int(1, 1000),
    defaultText: '15',
    meaning: 'aliases in one document (`__typename` included)',
  },
  {
    env: 'GONGZHI_MAX_DIRECTIVES',
    file: 'limits.maxDirectives',
    type: int(1, 1000),
    defaultText: '10',
    meaning: 'directives in one document',
  },
  { env: 'GONGZHI_MAX_TOKENS', file: 'limits.maxTokens', type: int(1, 1_000_000), defaultText: '4000', meaning: 'tokens in one document' },
  {
    env: 'GONGZHI_MAX_COST',
    file: 'limits.maxCost',
    type: int(1, 10_000_000),
    defaultText: '20000',
    meaning: 'estimated cost of one operation',
  },
  {
    env: 'GONGZHI_STATEMENT_TIMEOUT_MS',
    file: 'limits.statementTimeoutMs',
    type: int(1, 3_600_000),
    defaultText: '10000',
    meaning: 'PostgreSQL `statement_timeout` of every query',
  },
  {
    env: 'GONGZHI_RATE_LIMIT',
    file: 'limits.ratePerMinute',
    type: int(1, 1_000_000),
    defaultText: '1200',
    meaning: 'operations per minute per API key, person or anonymous address, one budget for every gateway on the database (429 past it)',
  },
  {
    env: 'GONGZHI_TRUSTED_DOCUMENTS',
    file: 'trustedDocuments',
    type: { kind: 'choice', values: ['off', 'allow', 'require'] },
    defaultText: 'allow',
    meaning:
      'registered documents (`gongzhi documents register`) run by id over POST, GET and WebSocket; `allow` also runs any other document sent as text (POST, WebSocket), `require` refuses them, `off` refuses ids ([trusted documents](docs/trusted-documents.md))',
  },
  {
    env: 'GONGZHI_BOARD_TRANSPORT',
    file: 'boardTransport',
    type: { kind: 'choice', values: ['postgres', 'in-process'] },
    defaultText: 'postgres',
    meaning: 'how board changes reach other gateway processes (`in-process` for one process alone)',
  },
  {
    env: 'GONGZHI_WS_ALLOW_OPERATIONS',
    file: 'wsAllowOperations',
    type: { kind: 'boolean' },
    defaultText: 'false',
    meaning: 'allow queries and mutations over WebSocket (subscriptions only by default)',
  },
  {
    env: 'GONGZHI_WS_MAX_SUBSCRIPTIONS',
    file: 'wsMaxSubscriptions',
    type: int(1, 10_000),
    defaultText: '20',
    meaning: 'operations open at once on one WebSocket connection',
  },
  {
    env: 'GONGZHI_WS_QUEUE_LIMIT',
    file: 'wsQueueLimit',
    type: int(1, 1_000_000),
    defaultText: '200',
    meaning: 'results waiting for a slow socket before it is closed (4503)',
  },
  {
    env: 'GONGZHI_COMPILE_AFTER',
    file: 'compileAfter',
    type: int(0, 1_000_000),
    defaultText: String(DEFAULT_COMPILE_AFTER),
    meaning:
      'runs of one document in a process after which its HTTP operations run compiled to JavaScript (graphql-jit: about a fifth less CPU on large answers such as the board); 0 runs every operation with graphql-js',
  },
  {
    env: 'GONGZHI_WS_EVENT_RETRY_MS',
    file: 'wsEventRetryMs',
    type: int(0, 3_600_000),
    defaultText: '10000',
    meaning:
      'how long a board change that cannot be produced (the database restarting) is retried before the socket is closed with 1013 and the client resumes',
  },
  {
    env: 'GONGZHI_WS_RECHECK_MS',
    file: 'wsRecheckMs',
    type: int(100, 86_400_000),
    defaultText: '30000',
    meaning: "how often open WebSocket connections' credentials are checked again (revoked: closed with 4401)",
  },
  {
    env: 'GONGZHI_OUTBOX_SWEEP_MS',
    file: 'outboxSweepMs',
    type: int(10, 3_600_000),
    defaultText: '5000',
    meaning:
      'how often each process sweeps the event outbox for deliveries a stopped process left or failed ones due again (a process delivers its own commits at once)',
  },
  {
    env: 'GONGZHI_OUTBOX_DELIVERY_DELAY_MS',
    file: 'outboxDeliveryDelayMs',
    type: int(0, 86_400_000),
    defaultText: '0',
    meaning:
      "holds back this process's event deliveries, for fault drills and tests (the window in which a crash leaves committed events to the next sweep); keep 0 in service",
  },
  {
    env: 'GONGZHI_COUNT_FOLD_MS',
    file: 'countFoldMs',
    type: int(0, 86_400_000),
    defaultText: '300000',
    meaning:
      'how often each process folds the kept request counts of the places with the most rows back into one row per status and level (writers spread their changes over 16 rows so they do not wait on each other; a subtree report reads them all); 0 leaves it to other processes',
  },
  {
    env: 'GONGZHI_METRICS',
    file: 'metrics',
    type: { kind: 'choice', values: ['on', 'off'] },
    defaultText: 'on unless production',
    meaning:
      'Prometheus metrics at `GET /metrics` (operations, latency, errors, sockets, board lag, pool, outbox); in production `on` needs `GONGZHI_METRICS_TOKEN`',
  },
  {
    env: 'GONGZHI_METRICS_TOKEN',
    type: { kind: 'text', minLength: 16 },
    defaultText: 'unset',
    meaning: 'when set, a scrape of `/metrics` must send `Authorization: Bearer <token>` (401 otherwise); never in the file',
    secret: true,
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    file: 'otlpEndpoint',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'unset',
    meaning:
      'OpenTelemetry traces (HTTP request, GraphQL operation, top-level and slow resolvers, SQL) sent over OTLP/HTTP JSON to this base URL + `/v1/traces`; unset: tracing off, its SDK not even loaded',
  },
  {
    env: 'OTEL_SERVICE_NAME',
    type: { kind: 'text', minLength: 1 },
    defaultText: 'gongzhi',
    meaning: '`service.name` of the traces',
  },
  {
    env: 'GONGZHI_TRACE_RESOLVER_MS',
    file: 'traceResolverMs',
    type: int(0, 600_000),
    defaultText: '50',
    meaning: 'with tracing on, a resolver below the top level that takes longer than this gets a span (top-level fields always do)',
  },
  {
    env: 'GONGZHI_WEBHOOK_POLL_MS',
    file: 'webhookPollMs',
    type: int(10, 60_000),
    defaultText: '1000',
    meaning: 'how often each process looks for webhook deliveries that are due (first attempts and retries)',
  },
  {
    env: 'GONGZHI_WEBHOOK_TIMEOUT_MS',
    file: 'webhookTimeoutMs',
    type: int(100, 60_000),
    defaultText: '10000',
    meaning: "longest wait for a webhook receiver's answer; past it the attempt fails and is retried",
  },
  {
    env: 'GONGZHI_WEBHOOK_CONCURRENCY',
    file: 'webhookConcurrency',
    type: int(1, 256),
    defaultText: '8',
    meaning: 'most webhook requests one process has in flight at once (slow receivers never hold up the API)',
  },
  {
    env: 'GONGZHI_WEBHOOK_RETRY_BASE_MS',
    file: 'webhookRetryBaseMs',
    type: int(10, 3_600_000),
    defaultText: '5000',
    meaning: 'wait before the first retry of a failed webhook delivery; it doubles with each failure, up to 1 h',
  },
  {
    env: 'GONGZHI_WEBHOOK_RETRY_WINDOW_MS',
    file: 'webhookRetryWindowMs',
    type: int(1_000, 604_800_000),
    defaultText: '86400000',
    meaning: 'how long a webhook delivery is retried before it fails and its webhook is disabled, with the reason',
  },
  {
    env: 'GONGZHI_WEBHOOK_PRIVATE_NETWORKS',
    file: 'webhookPrivateNetworks',
    type: { kind: 'choice', values: ['allow', 'deny'] },
    defaultText: 'deny',
    meaning:
      "whether webhooks may POST to https receivers on private, loopback or link-local addresses (`allow` for an intranet receiver); denied deliveries fail with the reason, so a webhook cannot reach into the server's own network",
  },
  {
    env: 'GONGZHI_WEBHOOK_RETENTION_DAYS',
    file: 'webhookRetentionDays',
    type: int(1, 3_650),
    defaultText: '30',
    meaning:
      'how many days finished webhook deliveries (succeeded or failed) and their attempts stay in the delivery log before they are deleted',
  },
  {
    env: 'GONGZHI_DUE_SOON_HOURS',
    file: 'dueSoonHours',
    type: int(0, 720),
    defaultText: '24',
    meaning:
      "how many hours before an open request's deadline the event `request.due-soon` announces it, once per deadline (催办: webhooks tell the holder's app); looked for every ten minutes by one process; 0 turns the reminders off",
  },
  {
    env: 'GONGZHI_AUDIT_LOG_RETENTION_DAYS',
    file: 'auditLogRetentionDays',
    type: int(180, 36_500),
    defaultText: 'unset',
    meaning:
      'how many days audit log entries are kept before they are deleted (hourly, by every process); at least 180, the six months of the Cybersecurity Law, which the database enforces too; unset keeps them for ever',
  },
  {
    env: 'GONGZHI_ACCESS_LOG_RETENTION_DAYS',
    file: 'accessLogRetentionDays',
    type: int(180, 36_500),
    defaultText: 'unset',
    meaning:
      'how many days the sensitive-access log (who read whose phone number or care profile) is kept before its entries are deleted; at least 180; unset keeps it for ever',
  },
  {
    env: 'LOG_LEVEL',
    file: 'logLevel',
    type: { kind: 'choice', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    defaultText: 'info',
    meaning: 'pino level; logs are JSON lines, readable when run in a terminal',
  },
  {
    env: 'GONGZHI_CONFIG',
    type: { kind: 'text', minLength: 1 },
    defaultText: './gongzhi.config.json',
    meaning: 'the configuration file to read',
  },
  {
    // Read by the CLI before the configuration loads (server-bundle.ts); listed here to be checked and documented.
    env: 'GONGZHI_BUNDLE',
    type: { kind: 'choice', values: ['on', 'off'] },
    defaultText: 'on',
    meaning:
      "`start` runs from the server bundle (the compiled modules as a few dozen files, made by `pnpm start` and `pnpm build`) while every file it was made from is unchanged and it holds every configured plugin; `off` loads the modules themselves (a debugger's breakpoints, stack traces with the modules' file names)",
  },
];

/** The zod schema of a setting's value as JSON in the file (typed) and as text in the environment. */
function schemaOf(type: Kind, from: 'file' | 'env'): z.ZodType {
  switch (type.kind) {
    case 'integer': {
      const n = z.number().int().min(type.min).max(type.max);
      return from === 'file'
        ? n
        : z
            .string()
            .regex(/^-?\d+$/)
            .transform(Number)
            .pipe(n);
    }
    case 'boolean':
      return from === 'file' ? z.boolean() : z.enum(['true', 'false']).transform((v) => v === 'true');
    case 'text':
      return z.string().min(type.minLength ?? 0);
    case 'choice':
      return z.enum(type.values as [string, ...string[]]);
    case 'timeZone':
      return z.string().refine(isTimeZone);
    case 'plugins':
      return from === 'file'
        ? z.array(
            z.union([
              z.string().min(1),
              z.strictObject({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }),
            ]),
          )
        : z.string().transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
  }
}

/** What a setting allows, in words. */
function allowed(type: Kind, from: 'file' | 'env'): string {
  switch (type.kind) {
    case 'integer':
      return `a whole number from ${type.min} to ${type.max}`;
    case 'boolean':
      return from === 'file' ? 'true or false (a JSON boolean, without quotes)' : '"true" or "false"';
    case 'text':
      return type.minLength ? `text of at least ${type.minLength} characters` : 'text';
    case 'choice':
      return `one of ${type.values.map((v) => `"${v}"`).join(', ')}`;
    case 'timeZone':
      return 'an IANA time zone, such as "Asia/Shanghai" or "Asia/Urumqi"';
    case 'plugins':
      return from === 'file' ? 'a list of package names or { "name": …, "options": {…} }' : 'comma-separated package names';
  }
}

/** Edit distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(given: string, known: readonly string[]): string {
  const best = known.map((k) => [k, distance(given, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(given.length / 3)) ? `; did you mean "${best[0]}"?` : `; known: ${known.join(', ')}`;
}

/** Keys of a JSON object, dotted below `limits`. */
function fileKeys(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    prefix === '' && k === 'limits' && v && typeof v === 'object' && !Array.isArray(v)
      ? fileKeys(v as Record<string, unknown>, 'limits.')
      : [`${prefix}${k}`],
  );
}

function fileValue(file: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((v, part) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined), file);
}

/** Reads the file named by GONGZHI_CONFIG, or gongzhi.config.json in `cwd` when there is one. */
function readFile(env: NodeJS.ProcessEnv, cwd: string): { path: string; values: Record<string, unknown> } {
  const file = env.GONGZHI_CONFIG ? path.resolve(cwd, env.GONGZHI_CONFIG) : path.join(cwd, 'gongzhi.config.json');
  if (!existsSync(file)) {
    if (env.GONGZHI_CONFIG) throw new StartupError(`GONGZHI_CONFIG names ${file}, which does not exist.`);
    return { path: file, values: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`${file} is not valid JSON: ${(err as Error).message}. Fix the file or remove it.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new StartupError(`${file} must hold a JSON object of settings.`);
  return { path: file, values: parsed as Record<string, unknown> };
}

/**
 * Validates the file and the environment against {@link SETTINGS}: every value of the right type
 * and range, no unknown key in the file or GONGZHI_ variable in the environment. Returns the
 * values by setting (environment over file) and every problem found.
 */
function validate(env: NodeJS.ProcessEnv, file: { path: string; values: Record<string, unknown> }) {
  const problems: string[] = [];
  const values = new Map<Setting, unknown>();
  const fileName = path.basename(file.path);
  const knownFileKeys = SETTINGS.flatMap((s) => (s.file ? [s.file] : []));
  for (const key of fileKeys(file.values)) {
    if (!knownFileKeys.includes(key)) problems.push(`${fileName}: "${key}" is not a setting${suggestion(key, knownFileKeys)}`);
  }
  const knownEnv = SETTINGS.flatMap((s) => (s.env ? [s.env] : []));
  for (const name of Object.keys(env)) {
    if (name.startsWith('GONGZHI_') && !knownEnv.includes(name) && !OTHER_VARIABLES.includes(name))
      problems.push(`${name} is not a setting${suggestion(name, knownEnv)}`);
  }
  for (const setting of SETTINGS) {
    const raw = setting.env !== undefined && env[setting.env] !== undefined && env[setting.env] !== '' ? env[setting.env] : undefined;
    const from: 'env' | 'file' = raw !== undefined ? 'env' : 'file';
    const given = raw ?? (setting.file ? fileValue(file.values, setting.file) : undefined);
    if (given === undefined) continue;
    const parsed = schemaOf(setting.type, from).safeParse(given);
    if (parsed.success) values.set(setting, parsed.data);
    else {
      const where = from === 'env' ? setting.env! : `${fileName}: "${setting.file!}"`;
      const got = typeof given === 'string' && from === 'file' ? `the string ${JSON.stringify(given)}` : JSON.stringify(given);
      problems.push(`${where} must be ${allowed(setting.type, from)}${setting.secret ? '' : `, got ${got}`}.`);
    }
  }
  return { values, problems };
}

function valueOf<T>(values: Map<Setting, unknown>, env: string, fallback: T): T {
  const setting = SETTINGS.find((s) => s.env === env)!;
  return values.has(setting) ? (values.get(setting) as T) : fallback;
}

/**
 * Reads the configuration: `gongzhi.config.json` in `cwd` (or the file named by `GONGZHI_CONFIG`),
 * then environment variables, which win; both are validated against one schema ({@link SETTINGS}).
 * Every problem is reported at once, before anything starts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GatewayConfig {
  const file = readFile(env, cwd);
  const { values, problems } = validate(env, file);
  const get = <T>(name: string, fallback: T) => valueOf(values, name, fallback);
  const production = env.NODE_ENV === 'production';
  const jwtSecret = get<string | null>('GONGZHI_JWT_SECRET', null);
  const jwksUrl = get<string | null>('GONGZHI_JWKS_URL', null);
  const databaseUrl = get<string | undefined>('DATABASE_URL', undefined);
  if (production && !jwtSecret && !jwksUrl) {
    problems.push(
      'NODE_ENV is production but no GONGZHI_JWT_SECRET or GONGZHI_JWKS_URL is set: person tokens could not be verified. Set one of them.',
    );
  }
  const devAdminKey = get<string | null>('GONGZHI_DEV_ADMIN_KEY', null);
  if (devAdminKey && production) {
    problems.push(
      'GONGZHI_DEV_ADMIN_KEY is set but NODE_ENV is production: development keys are refused (and revoked) in production. Unset it and create a scoped key with "gongzhi api-key create".',
    );
  } else if (devAdminKey && !/^gz_[a-z0-9]{8}_[A-Za-z0-9_-]{32,}$/.test(devAdminKey)) {
    problems.push(
      'GONGZHI_DEV_ADMIN_KEY must have the form gz_<8 lowercase letters or digits>_<32 or more letters, digits, - or _>; leave it unset to get a fresh key at each start.',
    );
  }
  const metrics = get<'on' | 'off'>('GONGZHI_METRICS', production ? 'off' : 'on') === 'on';
  const metricsToken = get<string | null>('GONGZHI_METRICS_TOKEN', null);
  if (production && metrics && !metricsToken) {
    problems.push(
      'GONGZHI_METRICS is on in production but GONGZHI_METRICS_TOKEN is not set: anyone could read the metrics. Set a token (e.g. `openssl rand -base64 24`) for the scraper, or GONGZHI_METRICS=off.',
    );
  }
  const otlpEndpoint = get<string | null>('OTEL_EXPORTER_OTLP_ENDPOINT', null);
  if (otlpEndpoint && !/^https?:\/\/[^\s/]+/.test(otlpEndpoint)) {
    problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318, got ${JSON.stringify(otlpEndpoint)}.`);
  }
  if (problems.length === 1) throw new StartupError(problems[0]!);
  if (problems.length > 1) throw new StartupError(`The configuration has ${problems.length} problems:\n  - ${problems.join('\n  - ')}`);
  if (databaseUrl) parseDatabaseUrl(databaseUrl);
  const baseDir = path.dirname(file.path);
  const pluginList = get<(string | PluginSpec)[]>('GONGZHI_PLUGINS', DEFAULT_PLUGINS);
  const limit = (name: string, fallback: number) => get(name, fallback);
  const clusterCache = get<string | undefined>('GONGZHI_PG_CLUSTER_CACHE', undefined);
  return {
    baseDir,
    host: get('HOST', '127.0.0.1'),
    port: get('PORT', 4000),
    databaseUrl,
    dataDir: path.resolve(baseDir, get('GONGZHI_DATA_DIR', '.data')),
    embeddedPort: get('GONGZHI_PG_PORT', 25432),
    embeddedScheduling: get<'batch' | 'normal'>('GONGZHI_PG_SCHEDULING', 'batch'),
    embeddedClusterCache: clusterCache === 'off' ? null : clusterCache && path.resolve(baseDir, clusterCache),
    dbAcquireTimeoutMs: get('GONGZHI_DB_ACQUIRE_TIMEOUT_MS', 5000),
    dbPoolSize: get('GONGZHI_DB_POOL_SIZE', 10),
    readyTimeoutMs: get('GONGZHI_READY_TIMEOUT_MS', 2000),
    plugins: pluginList.map((p) => (typeof p === 'string' ? { name: p } : p)),
    production,
    logLevel: get('LOG_LEVEL', 'info'),
    maxBodyBytes: get('GONGZHI_MAX_BODY_BYTES', 1_000_000),
    maxPhotoBytes: get('GONGZHI_PHOTO_MAX_BYTES', 5_000_000),
    introspection: get('GONGZHI_INTROSPECTION', !production),
    defaultLocale: get('GONGZHI_DEFAULT_LOCALE', 'zh-CN'),
    timeZone: get('GONGZHI_TIME_ZONE', DEFAULT_TIME_ZONE),
    devAdminKey: production ? null : devAdminKey,
    auth: { jwtSecret, jwksUrl, issuer: get('GONGZHI_JWT_ISSUER', null), audience: get('GONGZHI_JWT_AUDIENCE', null) },
    limits: {
      maxDepth: limit('GONGZHI_MAX_DEPTH', 12),
      maxAliases: limit('GONGZHI_MAX_ALIASES', 15),
      maxDirectives: limit('GONGZHI_MAX_DIRECTIVES', 10),
      maxTokens: limit('GONGZHI_MAX_TOKENS', 4000),
      maxCost: limit('GONGZHI_MAX_COST', 20000),
      statementTimeoutMs: limit('GONGZHI_STATEMENT_TIMEOUT_MS', 10_000),
      ratePerMinute: limit('GONGZHI_RATE_LIMIT', 1200),
    },
    boardTransport: get('GONGZHI_BOARD_TRANSPORT', 'postgres'),
    trustedDocuments: get('GONGZHI_TRUSTED_DOCUMENTS', 'allow'),
    wsAllowOperations: get('GONGZHI_WS_ALLOW_OPERATIONS', false),
    wsMaxSubscriptions: get('GONGZHI_WS_MAX_SUBSCRIPTIONS', 20),
    wsQueueLimit: get('GONGZHI_WS_QUEUE_LIMIT', 200),
    wsRecheckMs: get('GONGZHI_WS_RECHECK_MS', 30_000),
    metrics: { enabled: metrics, token: metricsToken },
    tracing: otlpEndpoint
      ? {
          endpoint: otlpEndpoint.replace(/\/+$/, ''),
          serviceName: get('OTEL_SERVICE_NAME', 'gongzhi'),
          slowResolverMs: get('GONGZHI_TRACE_RESOLVER_MS', 50),
        }
      : null,
    outbox: {
      sweepIntervalMs: get('GONGZHI_OUTBOX_SWEEP_MS', 5_000),
      deliveryDelayMs: get('GONGZHI_OUTBOX_DELIVERY_DELAY_MS', 0),
    },
    requestCounts: { foldIntervalMs: get('GONGZHI_COUNT_FOLD_MS', 300_000) },
    requestReminders: { dueSoonHours: get('GONGZHI_DUE_SOON_HOURS', 24) },
    logRetention: {
      auditLogDays: get<number | null>('GONGZHI_AUDIT_LOG_RETENTION_DAYS', null),
      sensitiveAccessLogDays: get<number | null>('GONGZHI_ACCESS_LOG_RETENTION_DAYS', null),
    },
    webhooks: {
      pollIntervalMs: get('GONGZHI_WEBHOOK_POLL_MS', 1_000),
      timeoutMs: get('GONGZHI_WEBHOOK_TIMEOUT_MS', 10_000),
      concurrency: get('GONGZHI_WEBHOOK_CONCURRENCY', 8),
      retryBaseMs: get('GONGZHI_WEBHOOK_RETRY_BASE_MS', 5_000),
      retryWindowMs: get('GONGZHI_WEBHOOK_RETRY_WINDOW_MS', 86_400_000),
      privateNetworks: get<'allow' | 'deny'>('GONGZHI_WEBHOOK_PRIVATE_NETWORKS', 'deny') === 'allow',
      retentionMs: get('GONGZHI_WEBHOOK_RETENTION_DAYS', 30) * 86_400_000,
    },
    wsEventRetryMs: get('GONGZHI_WS_EVENT_RETRY_MS', 10_000),
    compileAfter: get('GONGZHI_COMPILE_AFTER', DEFAULT_COMPILE_AFTER),
  };
}
