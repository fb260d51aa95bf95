import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { type ASTVisitor, type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import type { Logger, Message, ParamValue } from '@gongzhi/core';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limits } from './config.js';
import { gatewayMessages } from './messages.js';

/**
 * At most `max` aliases in one document, `__typename` included (a flood of aliased
 * `__typename` costs the server as much as any other field to answer).
 */
function maxAliases(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      Field(node) {
        if (node.alias && ++count === max + 1) {
          context.reportError(gatewayMessages.tooManyAliases.topLevel({ max }, { max }));
        }
      },
    };
  };
}

/**
 * The validation rules that bound what one document may ask for (depth, aliases,
 * directives, cost) and, with introspection off, refuse `__schema` and `__type`; HTTP and
 * WebSocket run the same list. Token count is bounded at parse.
 */
export function limitRules(limits: Limits, introspection: boolean): ValidationRule[] {
  // Report as validation errors (a 400 saying which limit) rather than throwing (a 500), in the
  // caller's language: graphql-armor's words ("… limit of 6 exceeded, found 9.") give the count found.
  const report = (message: Message<{ max: ParamValue; found: ParamValue }>, max: number) => ({
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = /found (\d+)/.exec(error.message)?.[1] ?? '?';
        context?.reportError(message.topLevel({ max, found }));
      },
    ],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, ...report(gatewayMessages.depthLimit, limits.maxDepth) }),
    maxAliases(limits.maxAliases),
    maxDirectivesRule({ n: limits.maxDirectives, ...report(gatewayMessages.directivesLimit, limits.maxDirectives) }),
    costLimitRule({ maxCost: limits.maxCost, ...report(gatewayMessages.costLimit, limits.maxCost) }),
    ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

/** Tuning of {@link SharedRateLimiter}; the defaults suit a database on the same network. */
export interface RateLimiterOptions {
  /** Longest wait for the shared count before this operation is counted in-process, ms (default 500). */
  storeTimeoutMs?: number;
  /** After the shared count failed, how long this process counts alone before trying it again, ms (default 5000). */
  storeRetryMs?: number;
  /** How often buckets of windows long past are deleted, ms (default 300000). */
  sweepMs?: number;
}

const secondsUntil = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * Operations per minute per caller (API key, person, or anonymous address), counted in
 * PostgreSQL (table `rate_limit`, core migration 0010) so that every gateway process on one
 * database spends one budget: a fixed one-minute window per caller, `rate-limiter-flexible`'s
 * PostgreSQL store, one `INSERT … ON CONFLICT DO UPDATE` per operation on a small pool of its own
 * (operations never queue behind it, nor it behind them). A caller past the limit is refused
 * from memory until its window ends, so a flood costs no statement.
 *
 * Fails open, but not unlimited: when the store does not answer within `storeTimeoutMs` or
 * fails (the database restarting, unreachable), the operation is counted in this process alone
 * (the same limit, per process) and the store is left alone for `storeRetryMs`. Refusing every
 * operation because the limiter's database is unavailable would turn a counting fault into an
 * outage (and operations that need the database get their own 503 anyway); counting per process
 * keeps a flood bounded meanwhile.
 */
export class SharedRateLimiter {
  private readonly pool: pg.Pool;
  private readonly store: RateLimiterPostgres;
  private readonly local: RateLimiterMemory;
  private readonly storeTimeoutMs: number;
  private readonly storeRetryMs: number;
  private readonly sweeper: NodeJS.Timeout;
  /** Until when (epoch ms) the store is not asked, after a failure; 0 while it works. */
  private storeDownUntil = 0;

  constructor(
    databaseUrl: string,
    perMinute: number,
    private readonly logger: Logger,
    options: RateLimiterOptions = {},
  ) {
    this.storeTimeoutMs = options.storeTimeoutMs ?? 500;
    this.storeRetryMs = options.storeRetryMs ?? 5000;
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 2,
      // Also bounds the wait for a free connection of the two: past the store's own timeout it is moot.
      connectionTimeoutMillis: Math.max(1000, this.storeTimeoutMs),
      statement_timeout: 1000,
      keepAlive: true,
      idleTimeoutMillis: 0, // kept open: a connection made on the request path would cost more than the count
    });
    // An idle connection dropped by a restarting server must not crash the process.
    this.pool.on('error', (err) => this.logger.warn({ err: err.message }, 'rate limit: an idle database connection failed'));
    this.store = new RateLimiterPostgres({
      storeClient: this.pool,
      storeType: 'pool',
      tableName: 'rate_limit',
      tableCreated: true, // by core migration 0010: no DDL at run time
      clearExpiredByTimeout: false, // swept below, with a timer that stops with the server
      // Counts are kept per limit: gateways configured alike share them, and a gateway started
      // with another limit (a test, a roll-out of a new limit) does not read counts meant for it.
      keyPrefix: `operations/${perMinute}`,
      points: perMinute,
      duration: 60,
      inMemoryBlockOnConsumed: perMinute + 1,
    });
    this.local = new RateLimiterMemory({ keyPrefix: `operations/${perMinute}`, points: perMinute, duration: 60 });
    const sweepMs = options.sweepMs ?? 300_000;
    this.sweeper = setInterval(() => {
      this.pool.query('DELETE FROM rate_limit WHERE expire < $1', [Date.now() - 60_000]).catch(() => undefined);
    }, sweepMs).unref();
  }

  /**
   * Opens the limiter's connections and checks its table, so the first operations do not pay
   * for connecting. A failure is logged, not thrown: the limiter then counts in-process.
   */
  async open(): Promise<void> {
    try {
      await Promise.all([0, 1].map(() => this.pool.query('SELECT 1 FROM rate_limit LIMIT 0')));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'rate limit: the database count is unavailable; counting in this process until it is',
      );
    }
  }

  /** Takes one operation from `key`'s budget; returns the seconds to wait when none is left, else 0. */
  async take(key: string): Promise<number> {
    if (Date.now() >= this.storeDownUntil) {
      try {
        await this.consumeShared(key);
        if (this.storeDownUntil !== 0) this.logger.info('rate limit: counting in the database again');
        this.storeDownUntil = 0;
        return 0;
      } catch (err) {
        if (err instanceof RateLimiterRes) return secondsUntil(err);
        if (this.storeDownUntil === 0) {
          this.logger.warn(
            { err: (err as Error).message },
            `rate limit: the database count failed; counting in this process alone for ${this.storeRetryMs} ms`,
          );
        }
        this.storeDownUntil = Date.now() + this.storeRetryMs;
      }
    }
    try {
      await this.local.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return secondsUntil(err);
      throw err;
    }
  }

  private async consumeShared(key: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.store.consume(key),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the database count took longer than ${this.storeTimeoutMs} ms`)), this.storeTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the sweep and closes the limiter's connections. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.pool.end();
  }
}

export function rateLimitedError(retryAfter: number): GraphQLError {
  return gatewayMessages.rateLimited.topLevel({ retryAfter }, { retryAfter });
}
