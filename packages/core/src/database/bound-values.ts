import type { Platform } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import { isStalePlan, namedText } from './prepared-statements.js';

/** ` in (` or ` not in (` just before a list's first placeholder. */
const IN_HEAD = /\s(not\s+)?in\s*\($/i;
/** A list's placeholders and its closing parenthesis, from the first placeholder on. */
const LIST_REST = /\?(?:\s*,\s*\?)*\s*\)/y;

/** How many keys PostgreSQL guesses an array holds when it cannot see it: a generic plan's `= ANY ($1)`. */
const GUESSED_ARRAY_LENGTH = 10;

/**
 * `keys` for an `= ANY (?)` (or `<> ALL (?)`) of a prepared statement, lengthened to
 * {@link GUESSED_ARRAY_LENGTH} by repeating the last (the match is the same). PostgreSQL keeps a
 * prepared statement's generic plan only when it looks no dearer than the custom plans it made
 * for the values of the first five runs; a custom plan for fewer keys than the generic plan
 * guesses always looks cheaper, so a statement given two to nine keys was planned again on every
 * run (a scoped caller's place rules read a few places at a time). With as many keys as the
 * guess, both cost the same and the generic plan is kept.
 */
export function keysForAny<T>(keys: readonly T[]): readonly T[] {
  if (keys.length === 0 || keys.length >= GUESSED_ARRAY_LENGTH) return keys;
  const padded = [...keys];
  while (padded.length < GUESSED_ARRAY_LENGTH) padded.push(...keys.slice(-1));
  return padded;
}

/** The most parameters one statement can bind: PostgreSQL's protocol counts them in 16 bits. */
const MAX_BOUND_VALUES = 65_535;

/** A value sent as a parameter rather than written into the text. */
type Bindable = string | number | boolean | bigint | Date;

function isBindable(value: unknown): value is Bindable {
  const type = typeof value;
  return (
    type === 'string' ||
    (type === 'number' && Number.isFinite(value)) ||
    type === 'boolean' ||
    type === 'bigint' ||
    (value instanceof Date && !Number.isNaN(value.getTime()))
  );
}

/**
 * A statement as the ORM formats it (`?` placeholders, read exactly as the platform's
 * `formatQuery` reads them: `\?` is a question mark, `??` an identifier), with its scalar values
 * as `$n` parameters, an array after `IN` as one array parameter and `null` written in; undefined
 * when a value has no bound form here (an identifier, a list anywhere else, a JSON object or a
 * raw fragment).
 */
export function bindFormatted(
  platform: Platform,
  sql: string,
  params: readonly unknown[],
): { text: string; values: unknown[] } | undefined {
  // Without values, one statement is named as it is (several in one text have no bound form).
  if (params.length === 0) return sql.includes(';') ? undefined : { text: sql, values: [] };
  const values: unknown[] = [];
  let text = '';
  let pos = 0;
  let j = 0;
  // Dates as the platform writes them (its time zone), so a bound date means what an inlined one did.
  const bound = (v: Bindable) => (v instanceof Date ? (platform as unknown as { formatDate(d: Date): string }).formatDate(v) : v);
  const value = (v: unknown): string | undefined => {
    if (v === null) return 'null';
    if (!isBindable(v)) return undefined;
    values.push(bound(v));
    return `$${values.length}`;
  };
  // A list after IN as one array value, `x = any($n)`: the same text for any number of items.
  // `x in (?)` given one array (which the ORM would expand into the text) always, lengthened so
  // its generic plan is kept (keysForAny); the ORM's own lists (`in (?, ?, ?)`, a value per item)
  // from ten items on, so a site makes at most ten texts: shorter ones keep their plans better
  // item by item (measured on the schema walk, bench/README.md). Items must be bindable or null
  // (which matches nothing either way).
  const list = (idx: number): boolean => {
    const head = IN_HEAD.exec(sql.substring(Math.max(pos, idx - 12), idx));
    if (!head) return false;
    LIST_REST.lastIndex = idx;
    const rest = LIST_REST.exec(sql);
    if (!rest) return false;
    const count = rest[0].split('?').length - 1;
    const given = params.slice(j, j + count);
    const one = count === 1 && Array.isArray(given[0]);
    if (!one && count < GUESSED_ARRAY_LENGTH) return false;
    const items = one ? (given[0] as unknown[]) : given;
    if (!items.every((item) => item === null || isBindable(item))) return false;
    values.push(keysForAny(items.map((item: Bindable | null) => (item === null ? null : bound(item)))));
    const at = idx - head[0].length;
    text += sql.substring(pos, at) + (head[1] ? ' <> all(' : ' = any(') + `$${values.length})`;
    j += count;
    pos = idx + rest[0].length;
    return true;
  };
  // The same walk as MikroORM's Platform.formatQuery, so every `?` it would fill is the one filled here.
  if (sql.startsWith('?')) {
    if (sql[1] === '?') return undefined;
    const first = value(params[j++]);
    if (first === undefined) return undefined;
    text += first;
    pos = 1;
  }
  while (pos < sql.length) {
    const idx = sql.indexOf('?', pos + 1);
    if (idx === -1) {
      text += sql.substring(pos);
      break;
    }
    if (sql.substring(idx - 1, idx + 1) === '\\?') {
      text += sql.substring(pos, idx - 1) + '?';
      pos = idx + 1;
    } else if (sql.substring(idx, idx + 2) === '??') {
      return undefined;
    } else if (!list(idx)) {
      const placeholder = value(params[j++]);
      if (placeholder === undefined) return undefined;
      text += sql.substring(pos, idx) + placeholder;
      pos = idx + 1;
    }
  }
  // Fewer placeholders than values: let the ORM say so as it does. More values than the protocol
  // can bind (a count of 16 bits: a many-row INSERT) go written in, as before.
  if (j !== params.length || values.length > MAX_BOUND_VALUES) return undefined;
  return { text, values };
}

/**
 * Sends the ORM's statements (`em.find`, the QueryBuilder, `em.execute`) with their values bound
 * and the text named, where MikroORM 7 writes every value into the text it sends
 * (`AbstractSqlConnection.execute`): PostgreSQL then parsed and planned each such statement on
 * every call, and every id made a new text. Bound and named (`namePreparedStatements`), a text is
 * parsed once per connection and, after PostgreSQL's five custom plans, may keep a generic plan.
 *
 * Strings, numbers, booleans and dates are bound, and an array given for `IN (?)` (or a list of
 * ten items or more) goes as one array (`= any($n)`: one text for any number of items); `null`
 * stays written in, and a statement with any other value (a JSON object, an identifier, a raw
 * fragment) goes as before. A bound value's type comes from where it stands, as an inlined quoted
 * literal's does, so a value standing where nothing gives it a type (`SELECT ? AS n`, `? IS NULL`)
 * needs a cast in the text (`?::int`).
 */
export function bindOrmValues(connection: AbstractSqlConnection, platform: Platform): void {
  type Execute = AbstractSqlConnection['execute'];
  type Internals = {
    ensureConnection(): Promise<void>;
    getSql(query: string, formatted: string, context?: unknown): string;
    executeQuery<T>(sql: string, cb: () => Promise<T>, context?: unknown): Promise<T>;
    transformRawResult<T>(res: unknown, method: string): T;
  };
  const inline: Execute = connection.execute.bind(connection);
  const self = connection as unknown as Internals;
  connection.execute = (async (
    query: unknown,
    params: unknown = [],
    method = 'all',
    ctx?: unknown,
    loggerContext?: Record<string, unknown>,
  ) => {
    const abortable = loggerContext?.signal != null || loggerContext?.inflightQueryAbortStrategy != null;
    const bound = typeof query === 'string' && Array.isArray(params) && !abortable ? bindFormatted(platform, query, params) : undefined;
    if (!bound) return inline(query as never, params as never, method, ctx as never, loggerContext as never);
    await self.ensureConnection();
    const formatted = platform.formatQuery(query as string, params as unknown[]);
    const sql = self.getSql(query as string, formatted, loggerContext);
    const compiled = CompiledQuery.raw(namedText(bound.text), bound.values);
    const client = (ctx ?? connection.getClient()) as { executeQuery(q: CompiledQuery): Promise<unknown> };
    const run = async () => {
      try {
        return await client.executeQuery(compiled);
      } catch (err) {
        // Outside a transaction, a statement gone stale under a migration goes once more, under its new name (parsed anew).
        if (ctx || !isStalePlan(err)) throw err;
        return client.executeQuery(compiled);
      }
    };
    return self.executeQuery(sql, async () => self.transformRawResult(await run(), method), {
      query,
      params,
      formatted,
      ...loggerContext,
    });
  }) as Execute;
}
