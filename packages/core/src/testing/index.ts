import { type ExecutionResult, graphql } from 'graphql';
import { type Caller, SYSTEM_CALLER } from '../context.js';
import { silentLogger, type Logger } from '../logger.js';
import { createPlatform, type Platform, type PlatformOptions } from '../platform.js';
import type { GongzhiPlugin } from '../plugin/plugin.js';
import { createTestDatabase } from './test-database.js';

export * from './test-clock.js';
export * from './test-database.js';
export { freePort } from '../database/embedded-postgres.js';

export interface TestAppOptions {
  plugins?: GongzhiPlugin[];
  pluginOptions?: Record<string, unknown>;
  /** Load the demo data after migrating. */
  seed?: boolean;
  clock?: () => Date;
  logger?: Logger;
  /** Live board options (transport, limits, the `canWatch` scope hook). */
  boards?: PlatformOptions['boards'];
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
  run<TData = Record<string, any>>(source: string, variables?: Record<string, unknown>, options?: { caller?: Caller | null }): Promise<TData>;
  /**
   * Runs `work` and returns how many SQL statements the ORM sent meanwhile: the guard
   * against N+1 (a list field must cost the same for 2 rows as for 50).
   */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  /** Closes the platform and drops its database. */
  close(): Promise<void>;
}

/**
 * A composed platform on a fresh, empty database of its own: core plus `plugins`, migrated,
 * with an executor for GraphQL operations. Every test file can run in parallel with others.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  let platform: Platform;
  try {
    platform = await createPlatform({
      databaseUrl: database.url,
      plugins: options.plugins ?? [],
      pluginOptions: options.pluginOptions,
      logger: options.logger ?? silentLogger(),
      clock: options.clock,
      poolSize: 4,
      boards: options.boards,
    });
    if (options.seed) await platform.seed();
  } catch (err) {
    await database.drop();
    throw err;
  }
  const execute: TestApp['execute'] = (source, variables, opts) =>
    graphql({
      schema: platform.schema,
      source,
      variableValues: variables,
      contextValue: platform.createContext(opts && 'caller' in opts ? (opts.caller ?? null) : SYSTEM_CALLER),
    }) as never;
  return {
    platform,
    databaseUrl: database.url,
    execute,
    async run(source, variables, opts) {
      const result = await execute(source, variables, opts);
      if (result.errors?.length) {
        throw new Error(`GraphQL errors: ${result.errors.map((e) => e.message).join('; ')}`);
      }
      return result.data as never;
    },
    async countStatements(work) {
      const connection = platform.orm.em.getConnection();
      const original = connection.execute;
      let statements = 0;
      connection.execute = function (this: typeof connection, ...args: Parameters<typeof original>) {
        statements++;
        return original.apply(this, args);
      } as typeof original;
      try {
        await work();
      } finally {
        connection.execute = original;
      }
      return statements;
    },
    async close() {
      await platform.close();
      await database.drop();
    },
  };
}
