import pg from 'pg';
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
    const { code, message, syscall } = current as { code?: unknown; message?: unknown; syscall?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code))) return true;
    // A Unix socket's file is gone while its server is stopped (the embedded server's socket).
    if (code === 'ENOENT' && syscall === 'connect') return true;
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

/** How many {@link sendTogether} rounds each connection has out. */
const roundsOut = new WeakMap<pg.PoolClient, number>();

/**
 * Runs `send` (which calls the connection's `query` once or more, at once) with pg's pipeline
 * mode on, in one socket write: whatever it sends goes in one round trip, each query with its own
 * Sync (an error ends only its own query). Pipeline mode stays on until everything sent this way
 * has answered.
 */
export function sendTogether(client: pg.PoolClient, send: () => Promise<unknown>[]): Promise<unknown>[] {
  const connection = client as unknown as { pipeline: boolean; connection: { stream: { cork?: () => void; uncork?: () => void } } };
  roundsOut.set(client, (roundsOut.get(client) ?? 0) + 1);
  connection.pipeline = true;
  connection.connection.stream.cork?.();
  let sent: Promise<unknown>[];
  try {
    sent = send();
  } finally {
    connection.connection.stream.uncork?.();
  }
  void Promise.allSettled(sent).then(() => {
    const left = (roundsOut.get(client) ?? 1) - 1;
    roundsOut.set(client, left);
    if (left === 0) connection.pipeline = false;
  });
  return sent;
}

/** A `client.query` argument that answers by itself: a callback, or a query object pg submits as it is. */
function answersItself(arg: unknown): boolean {
  if (typeof arg === 'function') return true;
  if (typeof arg !== 'object' || arg === null) return false;
  const config = arg as { submit?: unknown; callback?: unknown };
  return typeof config.submit === 'function' || typeof config.callback === 'function';
}

/**
 * Calls pg with a callback where the caller wants a promise (kysely and core's other layers do), and
 * answers with a promise of its own. With pg's own promise (a query given no callback), every
 * query's objects (the query, its rows, its values) outlived two young-generation collections and
 * were promoted, 740–800 bytes a query against 112–119 given a callback: under load that filled
 * the old generation, a full collection about every half second (bench/README.md, "what the young
 * generation promotes"). A failure gets the caller's stack, as pg's promise gives it. Install
 * first: every other layer calls through it.
 */
export function answerThroughCallback(pool: pg.Pool): void {
  wrapClientQuery(pool, (_client, query) => (...args: unknown[]): unknown => {
    const [config, values, callback] = args;
    if (answersItself(config) || answersItself(values) || answersItself(callback)) return query(...args);
    // pg sets the callback on a config object: a copy, so a config the caller keeps is not changed.
    const own = typeof config === 'object' && config !== null ? { ...config } : config;
    return new Promise((resolve, reject) => {
      query(own, values, (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result)));
    }).catch((err: unknown) => {
      // A stack that leads back to the caller, not to the socket's read.
      if (err instanceof Error) Error.captureStackTrace(err);
      throw err;
    });
  });
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
      // In one round trip with the query (which the simple protocol cannot carry: bound values);
      // a failure of the BEGIN shows in the query's own outcome.
      const [begun, answer] = sendTogether(client, () => [query('BEGIN') as Promise<unknown>, query(...args) as Promise<unknown>]);
      begun?.catch(() => undefined);
      return answer;
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

/**
 * Put on a statement's values array (with a {@link LaterAnswer}) by {@link executePreparedLater}:
 * the statement may wait for its connection's next query and go in the same round trip.
 */
export const SEND_WITH_NEXT = Symbol('gongzhi.sendWithNext');

/** Where a statement held by {@link sendWithNext} puts its real answer. */
export interface LaterAnswer {
  answer?: Promise<pg.QueryResult>;
}

/** What a held statement answers at once, so its caller (kysely, which runs one query at a time on a transaction) can go on. */
const HELD = { command: 'HELD', rowCount: null, rows: [], fields: [] };
const COMMIT = /^\s*commit\s*;?\s*$/i;
/** What ends an aborted transaction, or the failed part of it (`rollback to <savepoint>`). */
const RECOVERS = /^\s*(commit|rollback)\b/i;

interface Held {
  args: unknown[];
  resolve: (result: pg.QueryResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Sends a statement marked {@link SEND_WITH_NEXT} together with its connection's next query, in
 * one round trip (pg's pipeline mode: each with its own Sync, so an error ends only its own
 * statement): the write path's last statement before COMMIT (the audit entries with the board's
 * log entry) goes with the COMMIT, one round trip less on every write. The marked statement is
 * answered at once with a placeholder; its real answer goes to the {@link LaterAnswer} on its
 * values. If no query follows within the turn, it is sent alone (so awaiting its answer never
 * hangs).
 *
 * A held statement that fails aborts the transaction, as it would have: the queries after it get
 * its error instead of PostgreSQL's "current transaction is aborted", and the COMMIT (which
 * PostgreSQL answers with ROLLBACK) is refused with it too, so no caller takes a rolled-back
 * transaction for committed. Install right after {@link foldTransactionStart}.
 */
export function sendWithNext(pool: pg.Pool): void {
  const heldBy = new WeakMap<pg.PoolClient, Held[]>();
  // Held statements sent (alone, or with a query) whose transaction may since be aborted: their
  // first error, once known, for the queries that follow until COMMIT or ROLLBACK.
  const failedBy = new WeakMap<pg.PoolClient, Promise<unknown>>();
  wrapClientQuery(pool, (client, query) => {
    const send = (next: unknown[] | null): Promise<unknown> | undefined => {
      const held = heldBy.get(client) ?? [];
      heldBy.delete(client);
      const before = failedBy.get(client);
      if (!held.length && !before) return next ? (query(...next) as Promise<unknown>) : undefined;
      const ending = typeof next?.[0] === 'string' && RECOVERS.test(next[0]);
      // Every message goes at once, in one write; pg reads the answers in order.
      const all = sendTogether(client, () => {
        const answers: Promise<unknown>[] = held.map((h) => {
          const answer = query(...h.args) as Promise<pg.QueryResult>;
          answer.then(h.resolve, h.reject);
          return answer;
        });
        if (next) answers.push(query(...next) as Promise<unknown>);
        return answers;
      });
      const sent = all.slice(0, held.length);
      const sentNext = next ? all[held.length] : undefined;
      const failed: Promise<unknown> = Promise.all([before, Promise.allSettled(sent)]).then(([earlier, outcomes]): unknown => {
        if (earlier !== undefined) return earlier;
        for (const outcome of outcomes) if (outcome.status === 'rejected') return outcome.reason;
        return undefined;
      });
      const settled = Promise.allSettled([...sent, sentNext]);
      const last = sentNext;
      if (!last) {
        // Sent alone: a query that comes before the outcome is known waits for it.
        failedBy.set(client, failed);
        void failed.then((err) => err === undefined && failedBy.get(client) === failed && failedBy.delete(client));
        return undefined;
      }
      failedBy.delete(client);
      const committing = typeof next?.[0] === 'string' && COMMIT.test(next[0]);
      const keep = (err: unknown) => {
        if (err !== undefined && !ending) failedBy.set(client, Promise.resolve(err));
      };
      return settled.then(() =>
        last.then(
          async (result) => {
            const err: unknown = await failed;
            keep(err);
            // PostgreSQL answers the COMMIT of an aborted transaction with ROLLBACK, not an error.
            if (err !== undefined && committing) throw err as Error;
            return result;
          },
          async (err: unknown) => {
            const first: unknown = await failed;
            keep(first);
            throw (first ?? err) as Error;
          },
        ),
      );
    };
    return (...args: unknown[]): unknown => {
      const [first, second] = args;
      const values = typeof first === 'object' && first !== null ? (first as { values?: unknown }).values : second;
      const later = Array.isArray(values) ? ((values as unknown as Record<symbol, LaterAnswer | undefined>)[SEND_WITH_NEXT] ?? null) : null;
      if (!later) return send(args);
      let held = heldBy.get(client);
      if (!held) {
        heldBy.set(client, (held = []));
        const waiting = held;
        // Nothing followed within the turn: send it alone.
        setImmediate(() => {
          if (heldBy.get(client) === waiting) void send(null);
        });
      }
      const list = held;
      later.answer = new Promise<pg.QueryResult>((resolve, reject) => list.push({ args, resolve, reject }));
      return Promise.resolve(HELD);
    };
  });
  pool.on('release', (_err, client) => {
    const held = heldBy.get(client);
    heldBy.delete(client);
    failedBy.delete(client);
    for (const h of held ?? []) h.reject(new Error('The connection went back to the pool with a statement not sent.'));
  });
}

/**
 * A client for a few statements (a migration run, a check at start). A connection that drops
 * while no statement runs (the server stopping, say) fails the next statement instead of raising
 * an `error` event with no listener, which would end the process.
 */
export function oneOffClient(config: pg.ClientConfig): pg.Client {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  return client;
}

/**
 * Resolves once the connections `pool` has now have closed (or after `timeoutMs`): call it, then
 * end the pool. pg-pool's `end()` resolves as soon as it has asked its connections to close; a
 * server stopped before they have cuts them ("terminating connection due to administrator
 * command"), which the pool then reports as a failed connection.
 */
export function connectionsClosed(pool: pg.Pool, timeoutMs = 5_000): Promise<void> {
  let open = pool.totalCount;
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pool.off('remove', removed);
      resolve();
    };
    const removed = () => {
      if (--open <= 0) done();
    };
    const timer = setTimeout(done, timeoutMs);
    pool.on('remove', removed);
    if (open === 0) done();
  });
}

/** Ends `pool` and resolves once its connections have closed (see {@link connectionsClosed}). */
export async function endPool(pool: pg.Pool): Promise<void> {
  const closed = connectionsClosed(pool);
  await pool.end();
  await closed;
}
