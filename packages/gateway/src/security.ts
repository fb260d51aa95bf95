import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { type ASTVisitor, type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import { endPool, type Logger, type Message, type ParamValue } from '@gongzhi/core';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
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
  /** How long a caller's window lasts, ms (default a minute: the limit is per minute; tests shorten it to see a window end). */
  windowMs?: number;
}

const secondsUntil = (msBeforeNext: number): number => Math.max(1, Math.ceil(msBeforeNext / 1000));

/** Operations waiting for one statement's counts: per key, how each is answered (seconds to wait, or 0). */
type Batch = Map<string, ((retryAfter: number) => void)[]>;

/**
 * Counts a batch of keys in one statement: each key's bucket grows by its number of operations
 * (a new window starts when the old one has ended) and comes back with its total. Keys go in
 * sorted order, so that two processes counting overlapping batches cannot deadlock.
 */
const COUNT_SQL = `
  INSERT INTO rate_limit AS r (key, points, expire)
  SELECT key, points, $3::bigint FROM unnest($1::text[], $2::int[]) AS t(key, points)
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN r.expire IS NULL OR r.expire <= $4 THEN excluded.points ELSE r.points + excluded.points END,
    expire = CASE WHEN r.expire IS NULL OR r.expire <= $4 THEN excluded.expire ELSE r.expire END
  RETURNING key, points, expire`;

/**
 * Operations per minute per caller (API key, person, or anonymous address), counted in
 * PostgreSQL (table `rate_limit`, core migration 0010) so that every gateway process on one
 * database spends one budget: a fixed one-minute window per caller, in the rows
 * `rate-limiter-flexible`'s PostgreSQL store reads and writes, on a small pool of its own
 * (operations never queue behind it, nor it behind them). A caller past the limit is refused
 * from memory until its window ends, so a flood costs no statement.
 *
 * Counted in batches: while a statement is under way, the operations that arrive wait for the
 * next one, which counts all of them, per key, in one `INSERT … ON CONFLICT DO UPDATE`. A
 * storm of 10,000 handshakes costs a few statements, not a connection each; each operation's
 * place in its key's total decides whether it is within the limit, exactly as if counted one
 * by one.
 *
 * Taken in leases: each count also takes up to a twentieth of the limit ahead for this process
 * (none under 20 a minute), spent from memory by the key's next operations until it is used
 * up or its window ends. A busy caller costs one statement per lease instead of one per batch
 * of operations (bench/README.md, "Rate-limit leases"), and gateways stop taking turns on its
 * counter row. A caller never gets more than the limit; what a process leased and did not
 * spend in a window is lost to the caller, so with N processes a caller spread over all of
 * them may be refused up to N twentieths of the limit early.
 *
 * Fails open, but not unlimited: when the store does not answer within `storeTimeoutMs` or
 * fails (the database restarting, unreachable), the operation is counted in this process alone
 * (the same limit, per process) and the store is left alone for `storeRetryMs`. Refusing every
 * operation because the limiter's database is unavailable would turn a counting fault into an
 * outage (and operations that need the database get their own 503 anyway); counting per process
 * keeps a flood bounded meanwhile.
 */
export class SharedRateLimiter {
  private static readonly CONNECTIONS = 2;
  private readonly pool: pg.Pool;
  private readonly local: RateLimiterMemory;
  private readonly prefix: string;
  private readonly storeTimeoutMs: number;
  private readonly storeRetryMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly windowMs: number;
  /** Until when (epoch ms) the store is not asked, after a failure; 0 while it works. */
  private storeDownUntil = 0;
  /** Operations waiting for the next statement. */
  private waiting: Batch = new Map();
  /** Statements under way (at most one per connection). */
  private counting = 0;
  /** Keys past the limit, refused from memory until their window ends (epoch ms). */
  private readonly blocked = new Map<string, number>();
  /** Operations each key may still take from memory in its window, counted ahead (see the class). */
  private readonly leases = new Map<string, { left: number; expire: number }>();
  /** Operations a count takes ahead for this process, beyond those waiting. */
  private readonly leaseSize: number;

  constructor(
    databaseUrl: string,
    private readonly perMinute: number,
    private readonly logger: Logger,
    options: RateLimiterOptions = {},
  ) {
    this.storeTimeoutMs = options.storeTimeoutMs ?? 500;
    this.storeRetryMs = options.storeRetryMs ?? 5000;
    this.leaseSize = Math.floor(perMinute / 20);
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: SharedRateLimiter.CONNECTIONS,
      // Also bounds the wait for a free connection of the two: past the store's own timeout it is moot.
      connectionTimeoutMillis: Math.max(1000, this.storeTimeoutMs),
      statement_timeout: 1000,
      keepAlive: true,
      idleTimeoutMillis: 0, // kept open: a connection made on the request path would cost more than the count
    });
    // An idle connection dropped by a restarting server must not crash the process.
    this.pool.on('error', (err) => this.logger.warn({ err: err.message }, 'rate limit: an idle database connection failed'));
    // Counts are kept per limit: gateways configured alike share them, and a gateway started
    // with another limit (a test, a roll-out of a new limit) does not read counts meant for it.
    this.windowMs = options.windowMs ?? 60_000;
    const window = this.windowMs === 60_000 ? '' : `/${this.windowMs}ms`;
    this.prefix = `operations/${perMinute}${window}:`;
    this.local = new RateLimiterMemory({
      keyPrefix: `operations/${perMinute}${window}`,
      points: perMinute,
      duration: Math.max(1, Math.round(this.windowMs / 1000)),
    });
    const sweepMs = options.sweepMs ?? 300_000;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, lease] of this.leases) if (lease.expire <= now) this.leases.delete(key);
      this.pool.query('DELETE FROM rate_limit WHERE expire < $1', [now - this.windowMs]).catch(() => undefined);
    }, sweepMs).unref();
  }

  /**
   * Opens the limiter's connections and checks its table, so the first operations do not pay
   * for connecting. A failure is logged, not thrown: the limiter then counts in-process.
   */
  async open(): Promise<void> {
    try {
      await Promise.all(Array.from({ length: SharedRateLimiter.CONNECTIONS }, () => this.pool.query('SELECT 1 FROM rate_limit LIMIT 0')));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'rate limit: the database count is unavailable; counting in this process until it is',
      );
    }
  }

  /**
   * Seconds `key` must still wait when it is known (in memory) to be past the limit, else 0: such
   * an operation is refused before any work, while the others may start before their count is in.
   */
  blockedFor(key: string): number {
    const now = Date.now();
    const until = this.blocked.get(key);
    if (until === undefined) return 0;
    if (until > now) return secondsUntil(until - now);
    this.blocked.delete(key);
    return 0;
  }

  /** Takes one operation from `key`'s budget; returns the seconds to wait when none is left, else 0. */
  take(key: string): Promise<number> {
    const now = Date.now();
    const blocked = this.blockedFor(key);
    if (blocked > 0) return Promise.resolve(blocked);
    if (now < this.storeDownUntil) return this.takeLocally(key);
    const lease = this.leases.get(key);
    if (lease && lease.expire > now && lease.left > 0) {
      lease.left--;
      return Promise.resolve(0);
    }
    return new Promise((resolve) => {
      const waiting = this.waiting.get(key);
      if (waiting) waiting.push(resolve);
      else this.waiting.set(key, [resolve]);
      // Operations of the same turn go together; later ones wait for a free connection.
      if (this.waiting.size === 1 && waiting === undefined) queueMicrotask(() => this.count());
    });
  }

  private async takeLocally(key: string): Promise<number> {
    try {
      await this.local.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return secondsUntil(err.msBeforeNext);
      throw err;
    }
  }

  /** Sends the waiting operations' counts, if a connection is free; then the next batch. */
  private count(): void {
    if (this.counting >= SharedRateLimiter.CONNECTIONS || this.waiting.size === 0) return;
    const batch = this.waiting;
    this.waiting = new Map();
    this.counting++;
    void this.countBatch(batch).finally(() => {
      this.counting--;
      this.count();
    });
  }

  private async countBatch(batch: Batch): Promise<void> {
    const keys = [...batch.keys()].sort();
    const now = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const { rows } = await Promise.race([
        this.pool.query<{ key: string; points: number; expire: string }>({
          name: 'rate-limit-count',
          text: COUNT_SQL,
          values: [keys.map((k) => this.prefix + k), keys.map((k) => batch.get(k)!.length + this.leaseSize), now + this.windowMs, now],
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the database count took longer than ${this.storeTimeoutMs} ms`)), this.storeTimeoutMs);
        }),
      ]);
      if (this.storeDownUntil !== 0) this.logger.info('rate limit: counting in the database again');
      this.storeDownUntil = 0;
      const answered = Date.now();
      for (const row of rows) {
        const key = row.key.slice(this.prefix.length);
        const resolvers = batch.get(key)!;
        const expire = Number(row.expire);
        // This batch's operations are the last of the total but the lease, in the order they arrived.
        const before = row.points - this.leaseSize - resolvers.length;
        resolvers.forEach((resolve, i) => resolve(before + i + 1 <= this.perMinute ? 0 : secondsUntil(expire - answered)));
        const used = before + resolvers.length;
        if (used > this.perMinute) {
          if (this.blocked.size > 10_000) this.blocked.clear();
          this.blocked.set(key, expire);
        }
        // What is left of the limit, up to the lease, is this process's to spend from memory (with
        // what is left of a lease of the same window that another batch took meanwhile).
        const granted = Math.min(this.leaseSize, this.perMinute - used);
        const held = this.leases.get(key);
        const left = Math.max(0, granted) + (held?.expire === expire ? held.left : 0);
        if (left > 0) {
          if (this.leases.size > 10_000) this.leases.clear();
          this.leases.set(key, { left, expire });
        } else this.leases.delete(key);
      }
    } catch (err) {
      if (this.storeDownUntil === 0) {
        this.logger.warn(
          { err: (err as Error).message },
          `rate limit: the database count failed; counting in this process alone for ${this.storeRetryMs} ms`,
        );
      }
      this.storeDownUntil = Date.now() + this.storeRetryMs;
      // This batch, and those waiting behind it, are counted here.
      const waiting = this.waiting;
      this.waiting = new Map();
      for (const pending of [batch, waiting])
        for (const [key, resolvers] of pending) for (const resolve of resolvers) this.takeLocally(key).then(resolve, () => resolve(0));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the sweep and closes the limiter's connections. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await endPool(this.pool);
  }
}

export function rateLimitedError(retryAfter: number): GraphQLError {
  return gatewayMessages.rateLimited.topLevel({ retryAfter }, { retryAfter });
}
