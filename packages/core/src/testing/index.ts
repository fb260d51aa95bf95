import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { type ExecutionResult, graphql, parse, subscribe } from 'graphql';
import { type Caller, SYSTEM_CALLER } from '../context.js';
import { silentLogger, type Logger } from '../logger.js';
import { createPlatform, migrationSources, type Platform, type PlatformOptions } from '../platform.js';
import { NotificationListener } from '../database/notification-listener.js';
import type { MigrationSource } from '../migrations/migration.js';
import { composePlugins } from '../plugin/composition.js';
import { readBatchChannel, watchSendContext } from '../graphql/loaders.js';
import { preparedStatementChannel, unnamedStatementChannel } from '../database/prepared-statements.js';
import type { GongzhiPlugin } from '../plugin/plugin.js';
import { CORE_VERSION } from '../version.js';
import { createTestDatabase } from './test-database.js';

export * from './fixtures.js';
export * from './test-clock.js';
export * from './test-database.js';
export { freePort } from '../database/embedded-postgres.js';

export interface TestAppOptions {
  plugins?: GongzhiPlugin[];
  pluginOptions?: Record<string, unknown>;
  /** Load the demo data after migrating. */
  seed?: boolean;
  clock?: () => Date;
  /** The district's time zone (the platform's default, Asia/Shanghai, unless given). */
  timeZone?: string;
  logger?: Logger;
  /** Live board options (transport, limits, the `canWatch` scope hook). */
  boards?: PlatformOptions['boards'];
  /** Event outbox options (sweep interval, hand-over, delivery delay, back-off). */
  outbox?: PlatformOptions['outbox'];
  /** Webhook sending options (poll interval, timeout, concurrency, back-off, retry window). */
  webhooks?: PlatformOptions['webhooks'];
  /** How often the kept request counts are folded (`{ foldIntervalMs: 0 }` turns it off). */
  requestCounts?: PlatformOptions['requestCounts'];
  /** How long the audit and sensitive-access logs are kept, and how often they are pruned. */
  logRetention?: PlatformOptions['logRetention'];
  /** The reminder window of requests' deadlines (`request.due-soon`). */
  requestReminders?: PlatformOptions['requestReminders'];
  /** Give the platform a LISTEN connection of its own, as the gateway does (closed with the app). */
  listen?: boolean;
}

export interface TestApp {
  platform: Platform;
  databaseUrl: string;
  /**
   * Runs a GraphQL operation against the composed schema with a fresh context, as the
   * system (sees and may do everything) unless `caller` is given; `caller: null` is anonymous.
   */
  execute<TData = Record<string, any>>(
    source: string,
    variables?: Record<string, unknown>,
    options?: { caller?: Caller | null },
  ): Promise<ExecutionResult<TData>>;
  /** Like `execute`, but throws when the result has errors, and returns `data`. */
  run<TData = Record<string, any>>(
    source: string,
    variables?: Record<string, unknown>,
    options?: { caller?: Caller | null },
  ): Promise<TData>;
  /**
   * Opens a subscription the way graphql-ws does (graphql-js `subscribe`), as the system unless
   * `caller` is given. `errors` holds a refusal; `take(n)` waits (5 s at most) for the next `n`
   * events and returns the value of the subscription's field for each.
   */
  subscribe(source: string, variables?: Record<string, unknown>, options?: { caller?: Caller | null }): Promise<TestSubscription>;
  /**
   * Runs `work` and returns how many SQL statements it sent through the ORM (its own async
   * context: background work running meanwhile is not counted): the guard
   * against N+1 (a list field must cost the same for 2 rows as for 50).
   */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  /**
   * Runs `work` and returns the texts of the SQL statements it sent (as `countStatements` counts
   * them; `?` placeholders, so one loader's statement reads the same whatever its keys), in the
   * order sent: the generated N+1 check compares how often each runs for pages of different sizes.
   */
  recordStatements(work: () => Promise<unknown>): Promise<string[]>;
  /**
   * Runs `work` and returns the texts (as sent) of the statements it sent on the platform's pool
   * without a name (its own async context), transaction control and DEALLOCATEs left out: PostgreSQL parses and
   * plans each of them on every call, where a named one is parsed once per connection.
   */
  unnamedStatements(work: () => Promise<unknown>): Promise<string[]>;
  /** Runs `work` and returns how many round trips to PostgreSQL it made, on the wire: {@link countRoundTrips}. */
  countRoundTrips(work: () => Promise<unknown>): Promise<number>;
  /**
   * Runs `work` with all but one of the pool's connections held, so every statement it sends
   * through the pool goes over that one, and returns what that connection then holds prepared
   * (`pg_prepared_statements`): each text with its parameters' types and how often PostgreSQL
   * planned it for its values (`customPlans`) or ran its kept generic plan (`genericPlans`).
   * A statement of fixed shape is parsed once per connection; past five runs it should settle on
   * its generic plan rather than be planned every time.
   */
  preparedStatements(work: () => Promise<unknown>): Promise<PreparedStatement[]>;
  /** Closes the platform and drops its database. */
  close(): Promise<void>;
}

/** A statement a connection holds prepared, as {@link TestApp.preparedStatements} lists it. */
export interface PreparedStatement {
  statement: string;
  parameterTypes: string[];
  genericPlans: number;
  customPlans: number;
}

/** A subscription opened by {@link TestApp.subscribe}. */
export interface TestSubscription {
  /** Why the subscription was refused, if it was (then `take` must not be called). */
  errors: ExecutionResult['errors'];
  take(n: number): Promise<any[]>;
  stop(): Promise<void>;
}

/** Connections in a test app's pool. */
const POOL_SIZE = 4;

/**
 * A composed platform on a fresh, empty database of its own: core plus `plugins`, migrated,
 * with an executor for GraphQL operations. Every test file can run in parallel with others.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase({ migrations: composedMigrations(options.plugins ?? []) });
  let platform: Platform;
  const logger = options.logger ?? silentLogger();
  const notifications = options.listen ? new NotificationListener(database.url, logger) : undefined;
  try {
    platform = await createPlatform({
      databaseUrl: database.url,
      plugins: options.plugins ?? [],
      pluginOptions: options.pluginOptions,
      logger,
      clock: options.clock,
      timeZone: options.timeZone,
      poolSize: POOL_SIZE,
      strictEvents: true,
      boards: options.boards,
      outbox: options.outbox,
      webhooks: options.webhooks,
      requestCounts: options.requestCounts,
      logRetention: options.logRetention,
      requestReminders: options.requestReminders,
      notifications,
    });
    if (options.seed) await platform.seed();
  } catch (err) {
    await notifications?.close();
    await database.drop();
    throw err;
  }
  const execute: TestApp['execute'] = (source, variables, opts) =>
    graphql({
      schema: platform.schema,
      source,
      variableValues: variables,
      contextValue: contextFor(opts),
    }) as never;
  const contextFor = (opts?: { caller?: Caller | null }) =>
    platform.createContext(opts && 'caller' in opts ? (opts.caller ?? null) : SYSTEM_CALLER);
  /** The statements `work` sent in its own async context (background work running meanwhile is not counted). */
  const recordStatements = async (work: () => Promise<unknown>): Promise<string[]> => {
    const connection = platform.orm.em.getConnection();
    const original = connection.execute.bind(connection);
    const mine = {};
    const recording = new AsyncLocalStorage<object>();
    const sent: string[] = [];
    connection.execute = ((...args: Parameters<typeof original>) => {
      if (recording.getStore() === mine) sent.push(statementText(args[0]));
      return original(...args);
    }) as typeof original;
    // Reads of one turn sent together (executeRead) and prepared statements bypass connection.execute.
    const together = (message: unknown) => {
      if (recording.getStore() === mine) sent.push(...(message as { texts: string[] }).texts);
    };
    readBatchChannel.subscribe(together);
    preparedStatementChannel.subscribe(together);
    try {
      await recording.run(mine, work);
    } finally {
      connection.execute = original;
      readBatchChannel.unsubscribe(together);
      preparedStatementChannel.unsubscribe(together);
    }
    return sent;
  };
  return {
    platform,
    databaseUrl: database.url,
    execute,
    async subscribe(source, variables, opts) {
      const result = await subscribe({
        schema: platform.schema,
        document: parse(source),
        variableValues: variables,
        contextValue: contextFor(opts),
      });
      if (!(Symbol.asyncIterator in result))
        return { errors: result.errors, take: () => Promise.reject(new Error('the subscription was refused')), stop: async () => {} };
      const events = result as AsyncGenerator<ExecutionResult>;
      return {
        errors: undefined,
        async take(n) {
          const out: unknown[] = [];
          while (out.length < n) {
            let timer: NodeJS.Timeout | undefined;
            const next = await Promise.race([
              events.next(),
              new Promise<never>(
                (_, reject) => (timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} events arrived`)), 5000)),
              ),
            ]).finally(() => clearTimeout(timer));
            if (next.done) throw new Error('the subscription ended');
            if (next.value.errors?.length) throw new Error(`GraphQL errors: ${next.value.errors.map((e) => e.message).join('; ')}`);
            out.push(Object.values(next.value.data ?? {})[0]);
          }
          return out;
        },
        stop: async () => void (await events.return?.(undefined)),
      };
    },
    async run(source, variables, opts) {
      const result = await execute(source, variables, opts);
      if (result.errors?.length) {
        throw new Error(`GraphQL errors: ${result.errors.map((e) => e.message).join('; ')}`);
      }
      return result.data as never;
    },
    recordStatements,
    async unnamedStatements(work) {
      const mine = {};
      const recording = new AsyncLocalStorage<object>();
      const sent: string[] = [];
      const unnamed = (message: unknown) => {
        const { text } = message as { text: string };
        if (recording.getStore() === mine && !UNPLANNED.test(text)) sent.push(text);
      };
      unnamedStatementChannel.subscribe(unnamed);
      try {
        await recording.run(mine, work);
      } finally {
        unnamedStatementChannel.unsubscribe(unnamed);
      }
      return sent;
    },
    countStatements: async (work) => (await recordStatements(work)).length,
    countRoundTrips: (work) => countRoundTrips(platform, work),
    async preparedStatements(work) {
      const pool = await platform.orm.em.getConnection().getNativeClient();
      const held = await Promise.all(Array.from({ length: POOL_SIZE - 1 }, () => pool.connect()));
      try {
        await work();
        const { rows } = await pool.query<{ statement: string; types: string[]; generic: string; custom: string }>(
          `SELECT statement, parameter_types::text[] AS types, generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements`,
        );
        return rows.map((r) => ({
          statement: r.statement,
          parameterTypes: r.types,
          genericPlans: Number(r.generic),
          customPlans: Number(r.custom),
        }));
      } finally {
        for (const client of held) client.release();
      }
    },
    async close() {
      await platform.close();
      await notifications?.close();
      await database.drop();
    },
  };
}

/** Statements PostgreSQL runs without a plan: a transaction's start and end, savepoints, a connection's DEALLOCATEs. */
const UNPLANNED = /^\s*(begin|start transaction|commit|end|rollback|savepoint|release|deallocate)\b[^;]*(;\s*deallocate\b[^;]*)*;?\s*$/i;

/** The text of what `connection.execute` was given: SQL, a raw fragment's SQL, or a query builder's. */
function statementText(query: unknown): string {
  if (typeof query === 'string') return query;
  const fragment = query as { sql?: unknown; compile?: () => { sql: string } };
  if (typeof fragment.sql === 'string') return fragment.sql;
  return typeof fragment.compile === 'function' ? fragment.compile().sql : '(unknown statement)';
}

/**
 * Runs `work` and returns how many round trips to PostgreSQL it made on `platform`'s pool, on the
 * wire: a connection sending something after it last heard from PostgreSQL starts one, so
 * whatever goes together (a BEGIN with the first statement, the reads of one turn, a
 * transaction's last statement with its COMMIT) is one trip, and COMMIT counts. A connection's
 * sends count from the first one made in `work`'s async context until it goes back to the pool
 * (pg sends a queued query from the socket's context); background work on other connections is
 * not counted. `TestApp.countRoundTrips` is this on the test app's platform.
 */
export async function countRoundTrips(platform: Platform, work: () => Promise<unknown>): Promise<number> {
  // pg writes every message of a connection through `_send`; the answer arrives as `data` on its stream.
  const pool = await platform.orm.em.getConnection().getNativeClient();
  const connection = pg.Connection.prototype as unknown as { _send: (this: { stream: NodeJS.EventEmitter }, buffer: Buffer) => boolean };
  const send = connection._send;
  const mine = {};
  const counting = new AsyncLocalStorage<object>();
  const ours = new WeakSet<object>();
  const waiting = new WeakSet<object>();
  let trips = 0;
  connection._send = function (this: { stream: NodeJS.EventEmitter }, buffer: Buffer) {
    if (counting.getStore() === mine) ours.add(this);
    if (ours.has(this) && !waiting.has(this)) {
      waiting.add(this);
      trips++;
      // Before pg's own listener, which may send the next queued query as it reads this answer.
      this.stream.prependOnceListener('data', () => waiting.delete(this));
    }
    return send.call(this, buffer);
  };
  const released = (_err: Error | undefined, client: pg.PoolClient) => {
    ours.delete((client as unknown as { connection: object }).connection);
  };
  pool.on('release', released);
  // A read sent in a round trip another operation opened is sent in its own operation's context, and counted.
  const unwatch = watchSendContext();
  try {
    await counting.run(mine, work);
  } finally {
    unwatch();
    connection._send = send;
    pool.off('release', released);
  }
  return trips;
}

/**
 * The migrations `createPlatform` applies for `plugins`, in its order (for
 * `createTestDatabase({ migrations })`); undefined when the plugins do not compose (the platform
 * then reports why, on an empty database).
 */
export function composedMigrations(plugins: readonly GongzhiPlugin[]): MigrationSource[] | undefined {
  try {
    return migrationSources(composePlugins(plugins, CORE_VERSION));
  } catch {
    return undefined;
  }
}

/** An error as clients meet it: a payload's `errors` entry, or a top-level error (its `extensions.code`). */
export interface Problem {
  code: string;
  message: string;
  field: string | null;
}

/**
 * The first problem of an answer, wherever the error model put it: the first payload error of
 * a top-level field, else the first top-level GraphQL error; undefined when there is none.
 */
export function problemOf(result: ExecutionResult): Problem | undefined {
  for (const value of Object.values(result.data ?? {})) {
    const errors = (value as { errors?: Problem[] } | null)?.errors;
    if (Array.isArray(errors) && errors.length) return errors[0];
  }
  const error = result.errors?.[0];
  if (!error) return undefined;
  const extensions = error.extensions as { code?: string; field?: string; argument?: string } | undefined;
  return {
    code: extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    message: error.message,
    field: extensions?.field ?? extensions?.argument ?? null,
  };
}
