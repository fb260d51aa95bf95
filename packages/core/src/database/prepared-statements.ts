/**
 * Prepared statements for the write path's fixed-shape SQL (a status change's conditional
 * update, the audit trail's last statement). MikroORM writes every value into the text (core now
 * binds them, `bound-values.ts`), so PostgreSQL parsed, analysed and planned each statement anew:
 * on a status change that was the larger part of PostgreSQL's time for the statements themselves
 * (bench/README.md, "Where a status change's time goes"). Sent with bound values under a name, a
 * statement is parsed once per connection and, after PostgreSQL's five custom plans, runs on its
 * generic plan.
 *
 * Texts sent through {@link executePrepared} (and the other fixed-shape paths) are named, and so
 * are the ORM's own statements (`bound-values.ts`), at most {@link MAX_PREPARED_TEXTS} texts in
 * all, so the texts must be of a fixed shape (a statement built per call would use the names up).
 * A name costs the connections that use it a cached plan in their server process (tens to
 * hundreds of kB each), so a connection keeps at most {@link MAX_PREPARED_PER_CONNECTION} of them
 * prepared, the ones it used most recently.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type QueryExecutorProvider } from 'kysely';
import { channel } from 'node:diagnostics_channel';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { type LaterAnswer, SEND_WITH_NEXT, wrapClientQuery } from './pool.js';

/**
 * How many distinct texts get a name; later ones go with bound values, unnamed. A full walk of the
 * composed schema with its setup (core and the four plugins, `per-row-reads.test.ts`) names about
 * 450, the ORM's statements included, and third-party plugins add theirs: the cap only guards
 * against texts built from values.
 */
export const MAX_PREPARED_TEXTS = 2000;

/**
 * How many named statements one connection keeps prepared. Past it, the ones it used least
 * recently are deallocated when the connection goes back to the pool (idle, outside any
 * transaction), and parsed again if used again. Measured on PostgreSQL 15: 200 statements of a
 * four-table join with their generic plans held ~30 MB in one server process.
 */
export const MAX_PREPARED_PER_CONNECTION = 200;

/** Statement names by text (`$n` placeholders), shared by every connection of the process. */
const names = new Map<string, string>();
/** `?` texts as sent (`$n` placeholders) and how many values each takes. */
const numbered = new Map<string, { text: string; count: number }>();

/**
 * Told of every statement {@link executePrepared} sends, as `{ statements: 1, texts: [sql] }`
 * (its `?` text), in the async context of the operation that sent it (so
 * `TestApp.recordStatements` counts it as it counts `em.execute`'s).
 */
export const preparedStatementChannel = channel('gongzhi:prepared-statement');

/**
 * Told of every statement a connection of the platform's pool sends without a name (`{ text }`,
 * as sent), in the async context of the operation that sent it: PostgreSQL parses and plans such
 * a statement on every call. `TestApp.unnamedStatements` lists them.
 */
export const unnamedStatementChannel = channel('gongzhi:unnamed-statement');

/**
 * `?` placeholders as `$1`, `$2`, … (outside quoted text, quoted names and comments), the way
 * `em.execute` reads them. `??` (an identifier placeholder) has no bound form and is refused.
 */
export function numberPlaceholders(sql: string): { text: string; count: number } {
  let count = 0;
  const text = replacePlaceholders(sql, () => `$${++count}`);
  return { text, count };
}

/**
 * `sql` with its n-th `?` placeholder (from 0; outside quoted text, quoted names and comments)
 * replaced by `replace(n)`, or kept where that answers undefined. `??` (an identifier placeholder)
 * is refused.
 */
export function replacePlaceholders(sql: string, replace: (index: number) => string | undefined): string {
  let text = '';
  let index = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charAt(i);
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      if (sql[i + 1] === '?') throw new Error('A prepared statement cannot take an identifier placeholder (??).');
      text += replace(index++) ?? '?';
    } else {
      text += c;
    }
  }
  return text;
}

/** A value as a bound parameter: dates as ISO text (as `em.execute` inlines them), the rest as `pg` sends it. */
function bindable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Runs a statement of fixed shape (`?` placeholders, as for `em.execute`) as a prepared statement
 * on the connection of `em`'s transaction (a command's `uow.em`), and returns its rows: for the
 * hand-written SQL a hot write runs every time (a conditional update, a ledger posting), which
 * PostgreSQL then parses once per connection and, after five runs, stops planning. Errors are
 * the ORM's, as `em.execute` throws them; outside a transaction it is `em.execute`.
 *
 * The text must not be built from values (those go as parameters): each distinct text is a
 * statement kept on every pooled connection, and past {@link MAX_PREPARED_TEXTS} texts the rest
 * go unnamed (planned each time, as `em.execute`'s).
 *
 * ```ts
 * const [moved] = await executePrepared<{ id: string }>(uow.em,
 *   'UPDATE grid_visit SET status = ? WHERE id = ? AND status = ? RETURNING id', [to, visit.uuid, from]);
 * ```
 */
export async function executePrepared<T extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const transaction = em.getTransactionContext<QueryExecutorProvider & { executeQuery: Executor }>();
  if (!transaction) return em.execute<T[]>(sql, [...params]);
  try {
    const result = await transaction.executeQuery(compile(sql, params));
    return result.rows as T[];
  } catch (err) {
    throw em.getDriver().convertException(err as Error);
  }
}

/**
 * Like {@link executePrepared}, but the statement goes with the transaction's next query (its
 * COMMIT, for a transaction's last statement) in one round trip: `sent` resolves at once, so the
 * caller can go on to that query; `rows` settles when the answer arrives. A caller that awaits
 * `rows` before sending anything else still gets it (the statement is then sent alone at the end
 * of the turn). If the statement fails, the transaction's next queries and its COMMIT fail with
 * its error (`database/pool.ts`, `sendWithNext`), so the transaction cannot commit without it;
 * a caller with no use for the rows awaits `sent` alone. Only inside a transaction; outside one it is {@link executePrepared}.
 */
export function executePreparedLater<T extends object>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): { sent: Promise<void>; rows: Promise<T[]> } {
  const transaction = em.getTransactionContext<QueryExecutorProvider & { executeQuery: Executor }>();
  if (!transaction) {
    const rows = executePrepared<T>(em, sql, params);
    return { sent: rows.then(() => undefined), rows };
  }
  const later: LaterAnswer = {};
  const query = compile(sql, params, later);
  const answered = transaction.executeQuery(query);
  // Without the pool's `sendWithNext` (or if the mark were lost), the statement ran at once and this is its answer.
  const rows = answered
    .then(async (result) => (later.answer ? (await later.answer).rows : result.rows) as T[])
    .catch((err: unknown) => {
      throw em.getDriver().convertException(err as Error);
    });
  // A caller that never reads the rows loses nothing: a failure fails the transaction's next query and its COMMIT.
  rows.catch(() => undefined);
  return { sent: answered.then(() => undefined), rows };
}

/**
 * A fixed-shape statement (`?` placeholders) as `pg` takes it: `$n` placeholders and its values,
 * the text named on every connection of the pool (see {@link namePreparedStatements}). For reads
 * sent on a pooled connection of their own (`executeRead` outside a transaction).
 */
export function boundStatement(sql: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const query = compile(sql, params);
  return { text: query.sql, values: [...query.parameters] };
}

/**
 * Names a text already written with `$n` placeholders, for a pool of its own that
 * {@link namePreparedStatements} wraps (the webhook dispatcher's): sent with its values, it is then
 * parsed once per connection and planned as {@link executePrepared}'s texts are. Same budget of
 * {@link MAX_PREPARED_TEXTS} names; the text must be of a fixed shape. Returns the text.
 */
export function namedText(text: string): string {
  if (!names.has(text)) {
    if (names.size < MAX_PREPARED_TEXTS) names.set(text, `gongzhi_${names.size + 1}`);
    else warnFullOnce();
  }
  return text;
}

/** The statement as sent: `$n` placeholders, its values bound (and marked to go with the next query, given `later`). */
function compile(sql: string, params: readonly unknown[], later?: LaterAnswer): CompiledQuery {
  let known = numbered.get(sql);
  if (!known) {
    known = numberPlaceholders(sql);
    if (numbered.size < MAX_PREPARED_TEXTS) numbered.set(sql, known);
    if (!names.has(known.text)) {
      if (names.size < MAX_PREPARED_TEXTS) names.set(known.text, `gongzhi_${names.size + 1}`);
      else warnFullOnce();
    }
  }
  const { text, count } = known;
  if (count !== params.length) throw new Error(`The statement has ${count} placeholders and was given ${params.length} values.`);
  // Counted for tests and the bench only (testing's statement counter); nothing is built when nobody listens.
  if (preparedStatementChannel.hasSubscribers) preparedStatementChannel.publish({ statements: 1, texts: [sql] });
  const values = params.map(bindable);
  if (later) (values as unknown as Record<symbol, LaterAnswer>)[SEND_WITH_NEXT] = later;
  return CompiledQuery.raw(text, values);
}

type Executor = (query: CompiledQuery) => Promise<{ rows: unknown[] }>;

/** Told once, by the platform's logger, when the names run out (see {@link namePreparedStatements}). */
let onFull: (() => void) | null = null;
let warned = false;
/** Says once per process that texts go unnamed: some caller builds its text from values. */
function warnFullOnce(): void {
  if (warned) return;
  warned = true;
  onFull?.();
}

/**
 * Sends the texts {@link executePrepared} names as named statements on every connection of
 * `pool` (the `pg` client parses a name once per connection, then binds and executes it), and
 * the texts given to {@link namedText}, whether sent with `client.query(text, values)` or
 * `pool.query(text, values)`. `logger` (the platform's, given with its main pool) is told once
 * when the names run out; a pool of its own leaves it out.
 * Install after {@link foldTransactionStart}, so a held-back BEGIN still goes first.
 */
export function namePreparedStatements(pool: pg.Pool, logger?: Logger, perConnection = MAX_PREPARED_PER_CONNECTION): void {
  // The names each connection used, least recently first.
  const used = new WeakMap<object, Map<string, true>>();
  pool.on('release', (err: Error | undefined, client: pg.PoolClient) => {
    if (!err) forgetLeastUsed(client, used.get(client), perConnection);
  });
  if (logger)
    onFull = () =>
      logger.warn(
        { limit: MAX_PREPARED_TEXTS },
        `The platform has named ${MAX_PREPARED_TEXTS} distinct statements; later ones are planned each time. A statement text built from values (pass them as parameters instead) is the usual cause.`,
      );
  wrapClientQuery(pool, (client, query) => {
    const recent = new Map<string, true>();
    used.set(client, recent);
    return (...args: unknown[]): unknown => {
      const [text, values, callback] = args;
      // `client.query(text, values)`, or `pool.query(text, values)`, which calls it with a callback.
      const form = args.length === 2 || (args.length === 3 && typeof callback === 'function');
      const base = typeof text === 'string' && form && Array.isArray(values) ? names.get(text) : undefined;
      if (!base) {
        if (unnamedStatementChannel.hasSubscribers && typeof text === 'string') unnamedStatementChannel.publish({ text });
        return query(...args);
      }
      const sentIn = generation;
      const name = sentIn === 0 ? base : `${base}_g${sentIn}`;
      recent.delete(name);
      recent.set(name, true);
      // This run fails (a read outside a transaction is resent, a transaction is run again); every text is then parsed anew.
      const watch = (err: unknown) => {
        if (isStalePlan(err) && generation === sentIn) generation += 1;
      };
      const answer = query({ name, text, values }) as Promise<unknown>;
      // A statement held for the next query (sendWithNext) answers at once; its real answer comes later.
      (values as Record<symbol, LaterAnswer | undefined>)[SEND_WITH_NEXT]?.answer?.catch(watch);
      const answered = answer.catch((err: unknown) => {
        watch(err);
        throw err;
      });
      if (typeof callback !== 'function') return answered;
      answered.then(
        (result) => (callback as (err: null, result: unknown) => void)(null, result),
        (err: unknown) => (callback as (err: unknown) => void)(err),
      );
      return undefined;
    };
  });
}

/**
 * Deallocates the statements `client` used least recently until it holds `keep`, in one simple
 * query sent before anything its next user sends (it is idle: just released to the pool). pg
 * forgets them at once, so a later use parses the text again under its name, after the DEALLOCATE.
 */
function forgetLeastUsed(client: pg.PoolClient, recent: Map<string, true> | undefined, keep: number): void {
  if (!recent || recent.size <= keep) return;
  const parsed = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements;
  const dropped: string[] = [];
  for (const name of recent.keys()) {
    if (recent.size <= keep) break;
    recent.delete(name);
    // A name whose Parse never succeeded holds nothing on the server.
    if (parsed[name] === undefined) continue;
    delete parsed[name];
    dropped.push(name);
  }
  if (!dropped.length) return;
  // Names are ours (`gongzhi_<n>`, `_g<n>`): safe to write into the text.
  (client.query(dropped.map((name) => `DEALLOCATE ${name}`).join('; ')) as Promise<unknown>).catch(() => undefined);
}

/**
 * Bumped when PostgreSQL refuses a statement as stale (see {@link isStalePlan}): every named text
 * then goes under a new name, parsed again once on each connection. A migration that changed one
 * table's columns usually changed what several statements return, and each connection holds its
 * own copy: renaming them all at once costs the process one failed statement per migration, not
 * one per statement and connection (a transaction meeting it is run again, see `isTransientFailure`).
 */
let generation = 0;

/**
 * Whether `err` is PostgreSQL refusing a prepared statement whose result columns changed since it
 * was parsed (a migration added a column to a table it reads with `*`, while this process kept
 * the statement on its connections): SQLSTATE 0A000, "cached plan must not change result type".
 * {@link namePreparedStatements} then has every text parsed again under a new name.
 */
export function isStalePlan(err: unknown): boolean {
  const { code, message, routine } = (err ?? {}) as { code?: unknown; message?: unknown; routine?: unknown };
  // The routine names it where the server's messages are not in English.
  return (
    code === '0A000' &&
    (routine === 'RevalidateCachedQuery' || (typeof message === 'string' && message.includes('cached plan must not change result type')))
  );
}
