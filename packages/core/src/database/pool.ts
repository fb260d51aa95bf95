import type pg from 'pg';
import type { Logger } from '../logger.js';

/** Node's socket errors that mean "no database at the other end right now". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that is going away or not there yet: 57P01 admin shutdown (a fast
 * stop), 57P02 crash shutdown, 57P03 cannot connect now (starting up or shutting down),
 * 53300 too many connections, and the connection exceptions of class 08 except 08P01
 * (a protocol violation is the client's bug, e.g. a NUL byte in a parameter).
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007']);

/**
 * `pg` and `pg-pool` report a lost or unobtainable connection with plain errors carrying no code
 * (as of pg 8.23 / pg-pool 3.14), so their fixed messages are matched.
 */
const DRIVER_MESSAGES = [
  'Connection terminated', // "… unexpectedly", "… due to connection timeout"
  'timeout exceeded when trying to connect', // the pool's acquire timeout
  'is not queryable', // "Client has encountered a connection error and is not queryable", "Client was closed …"
  'The database connection was lost while in use', // reclaimLostConnections
];

/**
 * Whether an error means the database cannot be reached or is restarting, rather than that
 * the operation itself is wrong: a refused or dropped connection, a server shutting down or
 * starting up, or no pooled connection within the acquire timeout. Such an operation may be
 * retried; the gateway answers it with 503 and `Retry-After`. Looks through `cause` chains, the
 * `originalError` of GraphQL errors and the errors of an `AggregateError`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.includes(m))) return true;
    // Connecting to a name with several addresses fails with one error per address.
    if (current instanceof AggregateError && current.errors.some((e) => isDatabaseUnavailable(e))) return true;
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
  return false;
}

/**
 * Gives back to the pool every connection that dies while checked out, so dead connections never
 * fill it. Kysely 0.29's controlled transactions (which MikroORM 7 runs every transaction on)
 * release their connection only after a successful BEGIN, COMMIT or ROLLBACK (kysely-org/kysely
 * #1990): when the database restarts under a transaction, both the COMMIT and the ROLLBACK fail,
 * the connection is never released, and after `max` such transactions every later query waits
 * for a connection for ever. Here, once a checked-out connection has ended it is released with
 * an error (the pool drops it) and its holder's own late release, if any, does nothing.
 */
export function reclaimLostConnections(pool: pg.Pool, logger: Logger): void {
  const checkedOut = new WeakSet<pg.PoolClient>();
  const watched = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    checkedOut.add(client);
    if (watched.has(client)) return;
    watched.add(client);
    client.once('end', () => {
      if (!checkedOut.has(client)) return;
      const release = client.release.bind(client);
      client.release = () => undefined;
      logger.warn('a database connection was lost while in use; dropped from the pool');
      release(new Error('The database connection was lost while in use.'));
    });
  });
  pool.on('release', (_err, client) => checkedOut.delete(client));
}

/**
 * Runs `check` and rejects when it takes longer than `ms` (what was started goes on, bounded by
 * its own timeouts): a readiness probe must answer within its time, whatever the database does.
 */
export async function withTimeout<T>(ms: number, what: string, check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a `BEGIN` answers; kysely reads only `rows` and `command`. */
const BEGUN = { command: 'BEGIN', rowCount: null, rows: [], fields: [] };
const BEGIN = /^\s*begin\s*;?\s*$/i;
const END = /^\s*(commit|rollback)\s*;?\s*$/i;

/**
 * Sends a transaction's `BEGIN` with its first statement, in one round trip. Every write is a
 * transaction (MikroORM's `transactional`, which sends `begin` through kysely, then statements with
 * their values inlined, then `commit`), so each write saves the round trip of its BEGIN. A `begin`
 * on a pooled connection is held back and answered at once; the connection's next query goes as
 * `BEGIN;` followed by it, one simple-query message (PostgreSQL
 * runs both; a failing statement leaves the transaction aborted, as it would have, for the ROLLBACK
 * that follows). A `commit` or `rollback` with nothing sent since is answered without a round trip;
 * a next query with bound values (which the simple protocol cannot carry) gets its BEGIN sent just
 * before it. A connection returned to the pool never carries a held-back BEGIN to its next user.
 */
export function foldTransactionStart(pool: pg.Pool): void {
  const held = new WeakSet<pg.PoolClient>();
  wrapClientQuery(pool, (client, query) => (...args: unknown[]): unknown => {
    const [text, values] = args;
    const plain = typeof text === 'string' && args.length <= 2 && (values === undefined || (Array.isArray(values) && values.length === 0));
    if (plain && BEGIN.test(text)) {
      // A second BEGIN would only draw PostgreSQL's warning that a transaction is in progress.
      held.add(client);
      return Promise.resolve(BEGUN);
    }
    if (!held.has(client)) return query(...args);
    held.delete(client);
    if (plain && END.test(text)) return Promise.resolve({ command: text.trim().toUpperCase(), rowCount: null, rows: [], fields: [] });
    if (!plain) {
      // Queued ahead of the query on this connection; a failure shows in the query's own outcome.
      (query('BEGIN') as Promise<unknown>).catch(() => undefined);
      return query(...args);
    }
    return (query(`BEGIN;${text}`) as Promise<pg.QueryResult | pg.QueryResult[]>).then((results) => {
      if (!Array.isArray(results)) return results;
      const own = results.slice(1);
      return own.length === 1 ? own[0] : own;
    });
  });
  pool.on('release', (_err, client) => held.delete(client));
}

/**
 * Marks the text of several read statements sent as one simple-query message inside a
 * transaction ({@link answerReadBatches}); a comment, so PostgreSQL ignores it.
 */
export const READ_BATCH_MARK = '/* gongzhi: reads */ ';

/**
 * Answers a text that starts with {@link READ_BATCH_MARK} (several statements, one simple-query
 * message) with one result whose `rows` are the statements' rows, in order: a transaction's
 * reads of one turn go through the transaction's connection (kysely, which keeps a result's
 * `rows` only) in one round trip. Install after {@link foldTransactionStart}, which strips the
 * result of a BEGIN sent with them.
 */
export function answerReadBatches(pool: pg.Pool): void {
  wrapClientQuery(pool, (_client, query) => (...args: unknown[]): unknown => {
    const [text] = args;
    if (typeof text !== 'string' || !text.startsWith(READ_BATCH_MARK)) return query(...args);
    return (query(...args) as Promise<pg.QueryResult | pg.QueryResult[]>).then((results) => {
      const each = Array.isArray(results) ? results : [results];
      return { command: 'SELECT', rowCount: null, rows: each.map((r) => r.rows as unknown[]), fields: [] };
    });
  });
}

/** `client.query`'s arguments and answer, as the wrappers below see them. */
export type QueryFunction = (...args: unknown[]) => unknown;

/**
 * Replaces `query` on every connection of `pool`, once per connection, by what `wrap` makes of
 * the connection and its current `query`: the hooks on what the platform sends (the BEGIN fold,
 * prepared statement names) each add one layer, in the order they are installed.
 */
export function wrapClientQuery(pool: pg.Pool, wrap: (client: pg.PoolClient, query: QueryFunction) => QueryFunction): void {
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    (client as { query: unknown }).query = wrap(client, client.query.bind(client));
  });
}
