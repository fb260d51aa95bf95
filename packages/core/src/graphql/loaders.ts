import {
  type EntityDictionary,
  type EntityMetadata,
  type EntityName,
  type EntityProperty,
  type Platform,
  ReferenceKind,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AsyncLocalStorage } from 'node:async_hooks';
import { channel } from 'node:diagnostics_channel';
import type pg from 'pg';
import { CompiledQuery, type QueryExecutorProvider } from 'kysely';
import { isDatabaseUnavailable, READ_BATCH_MARK, sendTogether } from '../database/pool.js';
import { bindFormatted, keysForAny } from '../database/bound-values.js';
import { boundStatement, executePrepared, executePreparedLater, isStalePlan, namedText } from '../database/prepared-statements.js';
import { parseTimestamptz } from '../database/timestamptz.js';
import { Attached } from '../attached.js';
import { keptRowsFor } from './kept-rows.js';

/**
 * What core's read functions need: an EntityManager to read through (an operation's fork, or a
 * transaction's, so reads see its writes and locks) and the operation's loaders, which batch
 * the reads of one operation. A `GongzhiContext` is one; `readContext(em)` makes one from an
 * EntityManager alone (a transaction, a job, an event handler).
 */
export interface ReadContext {
  em: EntityManager;
  /** Per-operation DataLoaders by name; use `batchLoader` rather than this map. */
  loaders: Map<string, DataLoader<unknown, unknown>>;
}

/** A ReadContext over `em` with loaders of its own: reads through it batch among themselves only. */
export function readContext(em: EntityManager): ReadContext {
  return { em, loaders: new Map() };
}

/**
 * A DataLoader kept for the length of one operation under `name`: every call during the
 * operation batches into one `batch` call per tick, so a list of N parents costs one query.
 */
export function batchLoader<K, V>(ctx: ReadContext, name: string, batch: (keys: readonly K[]) => Promise<readonly V[]>): DataLoader<K, V> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(async (keys) => batch(keys));
    ctx.loaders.set(name, loader);
  }
  return loader;
}

/** The class name of an entity given as a class or an EntitySchema, naming its loaders. */
function entityLabel<T extends object>(entity: EntityName<T>): string {
  return typeof entity === 'function' ? entity.name : entity.meta.className;
}

/**
 * The rows of `entity` whose `foreignKey` points at `parentId` as managed entities, in `orderBy`
 * order, then by primary key; batched across all parents asked for in the same operation (one
 * prepared statement: `Place.grids` for a page of places is one query), merged into the identity
 * map as `em.find` merges them.
 */
export function loadByForeignKey<T extends object>(
  ctx: ReadContext,
  entity: EntityName<T>,
  foreignKey: keyof T & string,
  parentId: string,
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>> = {},
): Promise<T[]> {
  const order = Object.entries(orderBy) as [string, 'asc' | 'desc'][];
  // One loader per order: calls asking another order in the same operation get their own statement.
  const name = `${entityLabel(entity)}.${foreignKey}:${orderLabel(order)}`;
  return batchLoader<string, T[]>(ctx, name, async (parentIds) => {
    const shape = rowShape(ctx.em, entity as EntityName<object>);
    const field = fieldOf(shape, foreignKey);
    const keyed = matchKeys(parentIds);
    const raw = await executeRead<Record<string, unknown>[]>(
      ctx.em,
      `SELECT r.* FROM ${shape.table} r WHERE r.${quote(field)} ${keyed.match} ORDER BY ${sortColumns(shape, order).join(', ')}`,
      [keyed.value],
      { byKey: true },
    );
    const rows = managedRows(ctx.em, entity, raw);
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    rows.forEach((row, i) => groups.get(String(raw[i]?.[field]))?.push(row));
    return parentIds.map((id) => groups.get(id)!);
  }).load(parentId);
}

/**
 * The row of `entity` with primary key `id` (or null) as a managed entity, batched per operation:
 * one prepared statement for the ids of a tick (`matchKeys`), its rows merged into the identity
 * map as `em.find` merges them (an entity already loaded keeps its state, changes included).
 */
export function loadById<T extends object>(ctx: ReadContext, entity: EntityName<T>, id: string): Promise<T | null> {
  const name = `${entityLabel(entity)}#byId`;
  return batchLoader<string, T | null>(ctx, name, async (ids) => {
    const shape = rowShape(ctx.em, entity as EntityName<object>);
    const keyed = matchKeys(ids);
    const raw = await executeRead<Record<string, unknown>[]>(
      ctx.em,
      `SELECT r.* FROM ${shape.table} r WHERE r.${shape.primaryKey} ${keyed.match}`,
      [keyed.value],
      { byKey: true },
    );
    const rows = managedRows(ctx.em, entity, raw);
    const byId = new Map(rows.map((row) => [String((row as Record<string, unknown>)[shape.primaryProp]), row]));
    return ids.map((key) => byId.get(key) ?? null);
  }).load(id);
}

/** The id a many-to-one reference holds, without loading the row. */
export function refId(ref: unknown): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ((ref as { uuid?: string }).uuid ?? null);
}

// ---------------------------------------------------------------- reads of one turn, one round trip

/** One read statement waiting for the turn's round trip. */
interface WaitingRead {
  sql: string;
  params: readonly unknown[];
  /** The text is of a fixed shape: alone in a transaction's turn, it may go as a prepared statement. */
  fixed: boolean;
  /**
   * A read by key in a round trip shared with other operations' reads: its statement, bound in
   * the reading operation's async context (so the tests' statement counts see it as that
   * operation's), and, when watched ({@link watchSendContext}), that context to send it in.
   */
  shared?: { statement: { text: string; values: unknown[] }; inContext: (<R>(send: () => R) => R) | undefined };
  resolve: (rows: object[]) => void;
  reject: (err: unknown) => void;
}

/** The reads of one turn of one EntityManager, and its transaction when it is in one (its connection). */
interface WaitingReads {
  reads: WaitingRead[];
  transaction: Transaction | undefined;
}

type Transaction = QueryExecutorProvider & { executeQuery(query: CompiledQuery): Promise<{ rows: unknown[] }> };

const waitingReads = new WeakMap<EntityManager, WaitingReads>();

/**
 * The reads by key ({@link ReadOptions.byKey}) of one turn outside transactions, from every
 * operation of the platform, by the platform's connection (which every EntityManager fork shares).
 */
const sharedReads = new WeakMap<object, WaitingRead[]>();

/**
 * Most reads one shared round trip carries: one server process answers them one after the other,
 * so a larger turn is spread over more connections (and server processes).
 */
export const MAX_SHARED_READS = 64;

/** How many watchers ({@link watchSendContext}) want statements sent in their operation's context. */
let sendContextWatchers = 0;

/**
 * Until the returned function is called, each read shared between operations is sent in the async
 * context of the operation that made it, as every other statement is: for code that reads that
 * context when a statement is sent (tracing's database spans, `TestApp.countRoundTrips`).
 * Unwatched, a shared round trip is sent in the context of the turn's first read: keeping each
 * read's context costs an async resource per read, a few percent of a small read's CPU.
 */
export function watchSendContext(): () => void {
  sendContextWatchers += 1;
  let stopped = false;
  return () => {
    if (!stopped) sendContextWatchers -= 1;
    stopped = true;
  };
}

/**
 * Told of the statements {@link executeRead} sends without a fixed shape, as
 * `{ statements, texts }` (their `?` texts), when they go with others, in the async context of
 * the operation that sent them (so a test can record the statements of its own work:
 * `TestApp.recordStatements`).
 */
export const readBatchChannel = channel('gongzhi:read-batch');

/**
 * The rows of a read-only statement (`em.execute(sql, params)`'s), sent to PostgreSQL together
 * with the other reads of the same EntityManager (one operation's, or one transaction's) made
 * in the same turn of the event loop: the loaders of a page's fields (its people, places and
 * timelines) dispatch in the same tick, as do the rows a command names (its input's references
 * and the acting person), and one round trip instead of three saves a socket write and a
 * wake-up of a server process for each (the dearest part of a statement on a busy machine).
 * Outside a transaction they go over one pooled connection in pg's pipeline mode, each with its
 * own answer or error (the one `em.execute` gives): a read of fixed shape (`fixedShape`) as a
 * prepared statement with bound values, parsed once per connection and no longer planned each
 * time, any other as `em.execute` sends it (bound where it can be: `bindOrmValues`). A read by
 * key (`byKey`) outside a transaction goes with the reads by key of every operation of the turn
 * instead, one round trip for all of them (see {@link MAX_SHARED_READS}). Inside a
 * transaction they go over its connection (its snapshot, its locks) as one simple-query string,
 * or as prepared statements when all are of fixed shape; a failure there aborts the
 * transaction, so every read of the turn gets that error. A read waits for the end of the turn:
 * a write sent in the same turn goes first.
 */
export function executeRead<T extends object[]>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
  options: ReadOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fixed = (options.fixedShape ?? false) || (options.byKey ?? false);
    if (fixed && params.some(Array.isArray) && IN_LIST.test(sql))
      throw new Error('A fixed-shape read takes a list as one value, `= ANY (?)`; `IN (?)` would write the list into its text.');
    const read: WaitingRead = {
      sql,
      params: fixed ? fixedValues(params) : params,
      fixed,
      resolve: resolve as (rows: object[]) => void,
      reject,
    };
    if (options.byKey && !em.isInTransaction()) {
      shareRead(em, read);
      return;
    }
    const waiting = waitingReads.get(em);
    if (waiting) {
      waiting.reads.push(read);
      return;
    }
    const transaction = em.isInTransaction() ? em.getTransactionContext<Transaction>() : undefined;
    waitingReads.set(em, { reads: [read], transaction });
    // After this turn's ticks and microtasks (every loader of the tick has dispatched by then).
    setImmediate(() => {
      const batch = waitingReads.get(em)!;
      waitingReads.delete(em);
      // Refused before it reached the database (a statement given the wrong number of values): every
      // read of the turn not yet answered gets the error rather than waiting for ever.
      sendReads(em, batch).catch((err: unknown) => {
        for (const read of batch.reads) read.reject(err);
      });
    });
  });
}

/**
 * Puts a read by key in the turn's shared round trip: the reads by key of every operation (outside
 * transactions) made in one turn of the event loop go together, on one pooled connection, up to
 * {@link MAX_SHARED_READS}. Under load a turn carries many operations' reads, so their socket
 * writes and server wake-ups are shared too; alone, an operation's reads go as they did.
 */
function shareRead(em: EntityManager, read: WaitingRead): void {
  // Bound here, in the reading operation's async context (the prepared-statement channel's); sent in it when watched.
  read.shared = {
    statement: boundStatement(read.sql, read.params),
    inContext: sendContextWatchers > 0 ? AsyncLocalStorage.snapshot() : undefined,
  };
  const connection = em.getConnection();
  const open = sharedReads.get(connection);
  if (open && open.length < MAX_SHARED_READS) {
    open.push(read);
    return;
  }
  const reads = [read];
  sharedReads.set(connection, reads);
  setImmediate(() => {
    if (sharedReads.get(connection) === reads) sharedReads.delete(connection);
    // Any fork serves: the driver, connection and platform are the platform's.
    sendPipelined(em, reads).catch((err: unknown) => {
      for (const waiting of reads) waiting.reject(err);
    });
  });
}

/**
 * Reads of fixed texts in a transaction's turn as prepared statements, in one round trip: each
 * but the last waits for the next (`executePreparedLater`), and the last sends them all. As in an
 * inlined batch, the first failure (which aborts the transaction) fails every read of the turn.
 */
async function sendPrepared(em: EntityManager, reads: readonly WaitingRead[]): Promise<void> {
  const answers: Promise<object[]>[] = [];
  let refused: { reason: unknown } | undefined;
  try {
    for (const [i, read] of reads.entries()) {
      if (i === reads.length - 1) {
        answers.push(executePrepared<object>(em, read.sql, read.params));
        break;
      }
      const later = executePreparedLater<object>(em, read.sql, read.params);
      answers.push(later.rows);
      await later.sent;
    }
  } catch (err) {
    // Refused before it reached the connection (a transaction already ended): every read gets it.
    refused = { reason: err };
  }
  const outcomes = await Promise.allSettled(answers);
  const failed = refused ?? outcomes.find((outcome) => outcome.status === 'rejected');
  reads.forEach((read, i) => {
    const outcome = outcomes[i];
    if (failed) read.reject(failed.reason);
    else if (outcome?.status === 'fulfilled') read.resolve(outcome.value);
  });
}

/** Options of {@link executeRead}. */
export interface ReadOptions {
  /**
   * The text is the same whatever the values (no list written into it: a list goes as one value,
   * `= ANY (?)`, never `IN (?)`): it goes as a prepared statement, planned once per connection
   * rather than each time, still in one round trip with the other reads of its turn (and with a
   * pending BEGIN). The loaders of rows by id and by foreign key and the rows a command names are such reads.
   */
  fixedShape?: boolean;
  /**
   * The read looks rows up by the keys it is given, through an index, so its cost is bounded by
   * them (rows by id, by foreign key, a key's grants). Implies {@link fixedShape}. Outside a
   * transaction such a read goes in one round trip with the reads by key of every other operation
   * made in the same turn (see {@link MAX_SHARED_READS}). Leave it out for a read whose cost
   * grows with the data (a page under filters, a count under a place): the reads sent after it in
   * a shared round trip would wait for it.
   */
  byKey?: boolean;
}

async function sendReads(em: EntityManager, { reads, transaction }: WaitingReads): Promise<void> {
  const alone = (read: WaitingRead): Promise<void> =>
    (transaction && read.fixed
      ? executePrepared<object>(em, read.sql, read.params)
      : em.execute<object[]>(read.sql, [...read.params])
    ).then(read.resolve, read.reject);
  if (!transaction) {
    const [only] = reads;
    if (reads.length === 1 && only && !only.fixed) await alone(only);
    else await sendPipelined(em, reads);
    return;
  }
  if (reads.length === 1) {
    await Promise.all(reads.map(alone));
    return;
  }
  if (reads.every((read) => read.fixed)) {
    await sendPrepared(em, reads);
    return;
  }
  const platform = em.getPlatform();
  // As em.execute formats them (the platform configures no `onQuery` hook); a trailing `;` would
  // add an empty statement and shift the results.
  const text = reads.map((read) => platform.formatQuery(read.sql.replace(/;\s*$/, ''), [...read.params])).join(';\n');
  let results: (object[] | undefined)[];
  try {
    if (readBatchChannel.hasSubscribers) readBatchChannel.publish({ statements: reads.length, texts: reads.map((read) => read.sql) });
    // One result whose rows are each statement's rows (database/pool.ts, answerReadBatches).
    results = (await transaction.executeQuery(CompiledQuery.raw(READ_BATCH_MARK + text, []))).rows as object[][];
  } catch (err) {
    const error = em.getDriver().convertException(err as Error);
    for (const read of reads) read.reject(error);
    return;
  }
  reads.forEach((read, i) => read.resolve(results[i] ?? []));
}

/**
 * Reads outside a transaction (one operation's, or the shared reads by key of a turn), on one
 * pooled connection in one round trip (pg's pipeline mode: each statement with its own Sync, so
 * each gets its own answer or error, the error `em.execute` would give): fixed-shape texts as
 * prepared statements with bound values (parsed once per connection, then planned only while
 * PostgreSQL still tries custom plans), the others as `em.execute` sends them (`bindOrmValues`).
 */
async function sendPipelined(em: EntityManager, reads: readonly WaitingRead[]): Promise<void> {
  const driver = em.getDriver();
  let client: pg.PoolClient;
  try {
    const pool = await em.getConnection().getNativeClient();
    client = await pool.connect();
  } catch (err) {
    const error = driver.convertException(err as Error);
    for (const read of reads) read.reject(error);
    return;
  }
  let broken: Error | undefined;
  try {
    const platform = em.getPlatform();
    if (readBatchChannel.hasSubscribers) {
      const inlined = reads.filter((read) => !read.fixed).map((read) => read.sql);
      if (inlined.length) readBatchChannel.publish({ statements: inlined.length, texts: inlined });
    }
    const statements = reads.map((read) => {
      // A shared read's statement, bound when it was made, is sent in its own operation's context when watched.
      if (read.shared) return { ...read.shared.statement, inContext: read.shared.inContext };
      if (read.fixed) return boundStatement(read.sql, read.params);
      // Bound as em.execute binds it, where it can be; else inlined as MikroORM writes it.
      const bound = bindFormatted(platform, read.sql, read.params);
      return bound
        ? { text: namedText(bound.text), values: bound.values }
        : { text: platform.formatQuery(read.sql, [...read.params]), values: [] };
    });
    type Statement = (typeof statements)[number] & { inContext?: <R>(send: () => R) => R };
    const send = (some: readonly Statement[]) =>
      Promise.allSettled(
        sendTogether(client, () =>
          some.map(({ text, values, inContext }) => (inContext ? inContext(() => client.query(text, values)) : client.query(text, values))),
        ),
      );
    const outcomes = await send(statements);
    // A statement gone stale under a migration goes again under a new name (parsed anew): once more.
    const stale = statements.filter((_, i) => {
      const outcome = outcomes[i];
      return outcome?.status === 'rejected' && isStalePlan(outcome.reason);
    });
    if (stale.length) {
      const again = await send(stale);
      stale.forEach((statement, k) => (outcomes[statements.indexOf(statement)] = again[k]!));
    }
    reads.forEach((read, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      if (outcome.status === 'fulfilled') read.resolve((outcome.value as pg.QueryResult).rows as object[]);
      else {
        if (!broken && isDatabaseUnavailable(outcome.reason)) broken = outcome.reason as Error;
        read.reject(driver.convertException(outcome.reason as Error));
      }
    });
  } finally {
    // A connection that failed under the reads is dropped, not pooled again.
    client.release(broken);
  }
}

/** `IN (?)`: a list written into the text, item by item. */
const IN_LIST = /\bin\s*\(\s*\?\s*\)/i;

/**
 * A fixed-shape read's values as sent either way: a list (`= ANY (?)`) as one array literal
 * (`{"a","b"}`), which a bound parameter and an inlined one both read as an array, where
 * `em.execute` would inline it as `'a', 'b'`, a text whose length varies.
 */
function fixedValues(params: readonly unknown[]): readonly unknown[] {
  return params.some(Array.isArray) ? params.map((value) => (Array.isArray(value) ? arrayLiteral(value) : value)) : params;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((value) => (value === null || value === undefined ? 'NULL' : `"${itemText(value).replace(/[\\"]/g, '\\$&')}"`));
  return `{${items.join(',')}}`;
}

/** An array item's text, as pg would send it (dates as ISO text). */
function itemText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// ---------------------------------------------------------------- plain rows

/**
 * How the plain rows of one entity are read: its table and columns (from the ORM's metadata,
 * so a row has every persisted column the entity has) and the properties whose values the
 * ORM converts (custom types: dates as YYYY-MM-DD, bigints, JSON).
 */
interface RowShape {
  meta: EntityMetadata;
  /** The quoted, schema-qualified table. */
  table: string;
  /** The quoted primary-key column. */
  primaryKey: string;
  /** The primary key's property. */
  primaryProp: string;
  /** The quoted columns, each prefixed by `alias.`, as a select list (made once per alias). */
  columns: (alias: string) => string;
  /** The columns' names, unquoted, in the order of `columns`. */
  names: readonly string[];
  /** A result row (these columns under their names) as a plain row: see {@link plainRows}. */
  toRow: (result: Record<string, unknown>) => object;
}

const shapes = new WeakMap<EntityMetadata, RowShape>();
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Properties a plain row carries: scalars and owned to-one relations (as the related row's id). */
function isRowColumn(prop: EntityProperty): boolean {
  if (prop.persist === false || prop.formula || prop.embedded || prop.fieldNames?.length !== 1) return false;
  return (
    prop.kind === ReferenceKind.SCALAR ||
    prop.kind === ReferenceKind.MANY_TO_ONE ||
    (prop.kind === ReferenceKind.ONE_TO_ONE && !!prop.owner)
  );
}

/** The quoted (single) column of a property. */
function columnOf(prop: EntityProperty): string {
  const [field = prop.name] = prop.fieldNames;
  return quote(field);
}

/**
 * Compiles what turns a result row into a plain row, as the ORM's result mapper and custom types
 * would (a date column that is not already a Date is parsed, a boolean made one, a custom type's
 * value converted), as one object made by a constructor: the ORM's mapper makes two objects and
 * walks every key of the result, and a board maps ~200 rows. Compiled (as the ORM compiles its
 * own) so that each property is a plain store and every row of an entity has one shape; the
 * names are the entity's own, quoted as JSON strings, never data. `prefix`: the result's names carry
 * it (`a0.`, a joined relation's columns beside the row's own).
 */
function rowMapper(
  meta: EntityMetadata,
  props: readonly EntityProperty[],
  platform: Platform,
  unread: readonly EntityProperty[] = [],
  prefix = '',
): RowShape['toRow'] {
  const key = (name: string): string => `[${JSON.stringify(name)}]`;
  const types = props.map((prop) => prop.customType);
  const lines = props.map((prop, i) => {
    const [field = prop.name] = prop.fieldNames;
    const steps = [`v = result${key(prefix + field)};`];
    if (prop.runtimeType === 'Date') steps.push(`if (v != null && !(v instanceof Date)) v = parseDate(v);`);
    else if (prop.runtimeType === 'boolean') steps.push(`if (v != null) v = !!v;`);
    if (prop.customType) steps.push(`if (v != null) v = types[${i}].convertToJSValue(v, platform);`);
    return `${steps.join(' ')} this${key(prop.name)} = v;`;
  });
  // The rows' prototype: the entity's (its getters, GraphQL fields and place rules apply to a row as
  // to an entity), under plain data properties for the columns, so that the constructor's stores
  // make own properties instead of running the ORM's property setters.
  const prototype = Object.create(meta.prototype as object) as object;
  for (const prop of props)
    Object.defineProperty(prototype, prop.name, { value: undefined, writable: true, enumerable: false, configurable: true });
  // A column a narrow row did not read: asking for it is a mistake to see at once, never a silent undefined.
  for (const prop of unread)
    Object.defineProperty(prototype, prop.name, {
      get() {
        throw new Error(
          `${meta.className}.${prop.name} was not read for this page: a field or place rule that reads it must say so (pageColumns).`,
        );
      },
      enumerable: false,
      configurable: true,
    });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled from entity metadata (names quoted), as MikroORM compiles its mappers
  const make = new Function(
    'prototype',
    'types',
    'platform',
    'parseDate',
    `function Row(result) {
  let v;
  ${lines.join('\n  ')}
}
Row.prototype = prototype;
return function toRow(result) { return new Row(result); };`,
  ) as (prototype: object, types: unknown[], platform: Platform, parseDate: (value: unknown) => unknown) => RowShape['toRow'];
  return make(
    prototype,
    types,
    platform,
    (value) => (typeof value === 'string' && parseTimestamptz(value)) || platform.parseDate(value as string),
  );
}

function rowShape(em: EntityManager, entity: EntityName<object>): RowShape {
  const meta = em.getMetadata().get(entity);
  let shape = shapes.get(meta);
  if (!shape) {
    shape = shapeOf(em, meta, meta.props.filter(isRowColumn), []);
    shapes.set(meta, shape);
  }
  return shape;
}

function shapeOf(em: EntityManager, meta: EntityMetadata, props: readonly EntityProperty[], unread: readonly EntityProperty[]): RowShape {
  const fields = props.map(columnOf);
  const [primary] = meta.getPrimaryProps();
  if (!primary) throw new Error(`${meta.className} has no primary key.`);
  const byAlias = new Map<string, string>();
  const columns = (alias: string): string => {
    let list = byAlias.get(alias);
    if (list === undefined) byAlias.set(alias, (list = fields.map((field) => `${alias}.${field}`).join(', ')));
    return list;
  };
  return {
    meta,
    table: meta.schema ? `${quote(meta.schema)}.${quote(meta.tableName)}` : quote(meta.tableName),
    primaryKey: columnOf(primary),
    primaryProp: primary.name,
    columns,
    names: props.map((prop) => prop.fieldNames[0] ?? prop.name),
    toRow: rowMapper(meta, props, em.getPlatform(), unread),
  };
}

/**
 * Whether `property` of `entity` is a column its plain rows carry (so a narrow row can read it alone).
 *
 * @internal The host's; not part of the plugin contract.
 */
export function isRowColumnOf(ctx: Pick<ReadContext, 'em'>, entity: EntityName<object>, property: string): boolean {
  const prop = (ctx.em.getMetadata().find(entity)?.properties as Record<string, EntityProperty> | undefined)?.[property];
  return !!prop && isRowColumn(prop);
}

/** Narrow shapes by entity and properties read. */
const narrowShapes = new WeakMap<EntityMetadata, Map<string, NarrowRows>>();
let narrowShapeCount = 0;

/**
 * The shape of rows of `entity` that hold only the columns of `props` and the primary key: the
 * columns to select ({@link NarrowRows.columns}) and what makes the result plain rows (as
 * {@link plainRows}) whose other column properties throw when read, so that a field or place
 * rule that reads one fails where it runs instead of answering undefined. For pages whose
 * fields say what they read (`pageColumns`); a row read so is never shared with other fields of
 * the operation ({@link rowIfRead}).
 */
export function narrowRows(ctx: Pick<ReadContext, 'em'>, entity: EntityName<object>, props: readonly string[]): NarrowRows {
  const meta = ctx.em.getMetadata().get(entity);
  const key = [...new Set(props)].sort().join(',');
  let byProps = narrowShapes.get(meta);
  if (!byProps) narrowShapes.set(meta, (byProps = new Map<string, NarrowRows>()));
  let narrow = byProps.get(key);
  if (!narrow) {
    const wanted = new Set([...props, ...meta.getPrimaryProps().map((prop) => prop.name)]);
    const all = meta.props.filter(isRowColumn);
    for (const prop of wanted)
      if (!all.some((p) => p.name === prop)) throw new Error(`${meta.className}.${prop} is not a column a plain row reads.`);
    const shape = shapeOf(
      ctx.em,
      meta,
      all.filter((prop) => wanted.has(prop.name)),
      all.filter((prop) => !wanted.has(prop.name)),
    );
    narrow = {
      key: `n${++narrowShapeCount}`,
      columns: shape.columns('r'),
      columnsOf: shape.columns,
      rows: (raw) => raw.map((result) => shape.toRow(result as Record<string, unknown>)),
    };
    byProps.set(key, narrow);
  }
  return narrow;
}

/** Narrow plain rows of one entity: see {@link narrowRows}. */
export interface NarrowRows {
  /** A short name of this shape, unique in the process (a loader's name may carry it). */
  key: string;
  /** The select list, of alias `r`. */
  columns: string;
  /** The select list, of another alias. */
  columnsOf: (alias: string) => string;
  /** The result rows as plain rows. */
  rows: (raw: readonly object[]) => object[];
}

/** The column of `entity`'s property `prop` (unquoted). */
function fieldOf(shape: RowShape, prop: string): string {
  const field = shape.meta.properties[prop]?.fieldNames?.[0];
  if (!field) throw new Error(`${shape.meta.className}.${prop} is not a column.`);
  return field;
}

/** An order as part of a loader's name (`name asc,seq desc`): one loader per order asked. */
function orderLabel(order: readonly (readonly [string, 'asc' | 'desc'])[]): string {
  return order.map(([key, dir]) => `${key} ${dir}`).join(',');
}

/** `ORDER BY` terms of alias `r` for `order`, then the primary key (a total order). */
function sortColumns(shape: RowShape, order: readonly (readonly [string, 'asc' | 'desc'])[]): string[] {
  return [...order.map(([prop, dir]) => `r.${quote(fieldOf(shape, prop))} ${dir === 'desc' ? 'DESC' : 'ASC'}`), `r.${shape.primaryKey}`];
}

/**
 * Result rows holding all of `entity`'s columns as managed entities (one per row, in order),
 * merged into the identity map the way `em.find` merges them: an entity already loaded keeps its
 * state, unflushed changes included (`em.map` would refresh it from the row).
 */
export function managedRows<T extends object>(em: EntityManager, entity: EntityName<T>, raw: readonly Record<string, unknown>[]): T[] {
  const meta = em.getMetadata().get(entity);
  const factory = em.getEntityFactory();
  const driver = em.getDriver();
  return raw.map((row) => {
    const data = driver.mapResult<T>(row as EntityDictionary<T>, meta);
    if (!data) throw new Error(`A ${meta.className} row read as nothing.`);
    return factory.create<T>(entity, data, { merge: true, convertCustomTypes: true });
  });
}

/**
 * The select list of `entity`'s columns (`r."id", r."title", …`), for a hand-written statement
 * whose result becomes plain rows through {@link plainRows}.
 */
export function rowColumns(ctx: Pick<ReadContext, 'em'>, entity: EntityName<object>, alias = 'r'): string {
  return rowShape(ctx.em, entity).columns(alias);
}

/** The quoted, schema-qualified table of `entity`, for hand-written statements. */
export function rowTable(ctx: Pick<ReadContext, 'em'>, entity: EntityName<object>): string {
  return rowShape(ctx.em, entity).table;
}

/**
 * An object of a row's class (`prototype`; its constructor not run) holding only the row's key,
 * for code that asks about a row before the row has arrived (a query by id's early fields, the
 * place rules that read only the key). The key is an own data property: the ORM may define
 * accessors for an entity's properties on its prototype.
 *
 * @internal The host's; not part of the plugin contract.
 */
export function keyOnlyRow(prototype: object, uuid: string): object {
  return Object.defineProperty(Object.create(prototype) as object, 'uuid', {
    value: uuid,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * The primary key of an entity or of a plain row of it, read through the entity's metadata: a
 * frozen plain row (a command's `readOnly` input) has no ORM helper and cannot be given one.
 *
 * @internal The host's; not part of the plugin contract.
 */
export function rowKeyOf(row: object): unknown {
  const [key] = (row as { __meta?: EntityMetadata }).__meta?.primaryKeys ?? [];
  if (key === undefined) throw new Error(`${row.constructor.name} is not a row of an entity with a primary key.`);
  return (row as Record<string, unknown>)[key];
}

/**
 * Result rows of a statement that selected `entity`'s columns ({@link rowColumns}) as plain
 * rows of the entity: its properties named and typed as the ORM would (dates, custom types; a
 * to-one relation as the related row's id, which `refId` reads), on the entity's prototype so
 * that its getters (`id`), GraphQL fields and place rules apply to them as to an entity. They
 * are never hydrated, tracked or put in the identity map: read them, never change or flush them.
 */
export function plainRows<T extends object>(ctx: Pick<ReadContext, 'em'>, entity: EntityName<T>, raw: readonly object[]): T[] {
  const { toRow } = rowShape(ctx.em, entity as EntityName<object>);
  return raw.map((result) => toRow(result as Record<string, unknown>) as T);
}

/**
 * Plain rows ({@link plainRows}) of `entity` from `SELECT <its columns> FROM <its table> r <rest>`:
 * `rest` holds the joins, `WHERE`, `ORDER BY` and `LIMIT` (alias `r`), `params` its `?` values.
 */
export async function selectRows<T extends object>(
  ctx: Pick<ReadContext, 'em'>,
  entity: EntityName<T>,
  rest: string,
  params: readonly unknown[] = [],
  options: ReadOptions = {},
): Promise<T[]> {
  const shape = rowShape(ctx.em, entity as EntityName<object>);
  const raw = await executeRead<object[]>(ctx.em, `SELECT ${shape.columns('r')} FROM ${shape.table} r ${rest}`, params, options);
  return plainRows(ctx, entity, raw);
}

/**
 * How a batched read of a prepared statement matches its keys, and the value to bind for the `?`:
 * `= ?` for one key (PostgreSQL keeps the plan of `= $1`), `= ANY (?)` for several, with the list as
 * {@link keysForAny} makes it, so its plan is kept too. `type` casts the value (`uuid`: `= ?::uuid`,
 * `= ANY (?::uuid[])`).
 */
export function matchKeys(keys: readonly string[], type?: string): { match: string; value: unknown } {
  if (keys.length === 1) return { match: type ? `= ?::${type}` : '= ?', value: keys[0] };
  return { match: type ? `= ANY (?::${type}[])` : '= ANY (?)', value: keysForAny(keys) };
}

/** The statement of a {@link keyedRows} read. */
export interface KeyedRead<R> {
  /**
   * The statement, given the match of its keys (`WHERE poll_id ${match}`, see {@link matchKeys}); its
   * only `?`s are that match's, which it may use more than once (`a.person_id ${match} OR a.keeper_id ${match}`).
   * The same text for every call under one loader name.
   */
  sql: (match: string) => string;
  /** The result column holding each row's key. */
  keyColumn: keyof R & string;
  /** The key column's type, to cast the bound keys (`uuid`). */
  type?: string;
}

/**
 * The rows whose `keyColumn` is `key`, read by a batched statement: every call of one operation
 * in one tick under `name` is one prepared statement (planned once per connection, sent with
 * the tick's other reads), and each call gets its key's rows in the statement's order (none for
 * an unknown key). How a list or a count per parent is read without a statement per parent.
 * The statement must read by its keys, through an index ({@link ReadOptions.byKey}): outside a
 * transaction it shares a round trip with other operations' reads.
 */
export function keyedRows<R extends Record<string, unknown>>(
  ctx: ReadContext,
  name: string,
  key: string,
  read: KeyedRead<R>,
): Promise<R[]> {
  return batchLoader<string, R[]>(ctx, name, async (keys) => {
    const { match, value } = matchKeys(keys, read.type);
    const sql = read.sql(match);
    const rows = await executeRead<R[]>(ctx.em, sql, Array<unknown>(sql.split(match).length - 1).fill(value), { byKey: true });
    const byKey = new Map<string, R[]>(keys.map((k) => [k, []]));
    for (const row of rows) byKey.get(String(row[read.keyColumn]))?.push(row);
    return keys.map((k) => byKey.get(k)!);
  }).load(key);
}

/**
 * A number per key from a batched read by key ({@link keyedRows}) whose statement gives it as `n`
 * (`SELECT poll_id, count(*)::int AS n … WHERE poll_id ${match} GROUP BY poll_id`): 0 for a key
 * without a row.
 */
export async function keyedCount(ctx: ReadContext, name: string, key: string, read: KeyedRead<Record<string, unknown>>): Promise<number> {
  const [row] = await keyedRows(ctx, name, key, read);
  return row ? Number(row.n) : 0;
}

/**
 * The plain row ({@link plainRows}) of `entity` with primary key `id`, or null; the calls of one
 * operation for one entity are one statement. What {@link RelationField} answers.
 */
export function rowById<T extends object>(ctx: ReadContext, entity: EntityName<T>, id: string): Promise<T | null> {
  const known = rowIfRead(ctx, entity, id);
  return known === undefined ? rowOnceRead(ctx, entity, id) : Promise.resolve(known);
}

/**
 * The plain row of `entity` with primary key `id` when this operation has read it already (null
 * when there is no such row), or undefined when it has not: a resolver that finds the row answers
 * it at once, with no promise for the executor to wait for (a board's page has hundreds of such
 * fields). Rows are read by {@link rowById}, {@link readRowsById} and the relations read along
 * with {@link rowsByForeignKey}.
 */
export function rowIfRead<T extends object>(ctx: ReadContext, entity: EntityName<T>, id: string): T | null | undefined {
  const row = readRowsOf
    .get(ctx.loaders)
    ?.get(entity as object)
    ?.rows.get(id) as T | null | undefined;
  return row === undefined ? (keptRow(ctx, entity as EntityName<object>, id) as T | undefined) : row;
}

/**
 * The row `id` of `entity` when the process keeps it ({@link keepRowsInProcess}), taken into the
 * operation's rows (the operation answers it alike to the end, whatever notice comes); undefined otherwise.
 */
function keptRow(ctx: ReadContext, entity: EntityName<object>, id: string): object | undefined {
  const row = keptRowsFor(ctx.em, entity as object)?.rows.get(id);
  if (row) readRows(ctx, entity).rows.set(id, row);
  return row;
}

/**
 * The plain rows of `entity` with these primary keys, in their order (those that do not exist
 * left out), when this operation has read every one of them already; undefined otherwise.
 */
export function rowsIfRead<T extends object>(ctx: ReadContext, entity: EntityName<T>, ids: readonly string[]): T[] | undefined {
  const rows = readRowsOf.get(ctx.loaders)?.get(entity as object)?.rows;
  const found: T[] = [];
  for (const id of ids) {
    let row = rows?.get(id);
    if (row === undefined) row = keptRow(ctx, entity as EntityName<object>, id);
    if (row === undefined) return undefined;
    if (row) found.push(row as T);
  }
  return found;
}

/**
 * Reads the plain rows of `entity` with these primary keys that this operation has not read yet,
 * for {@link rowIfRead} and {@link rowById} to answer: how a page reads the rows its relations
 * point at before its fields ask for them, one by one. The keys asked for in one tick, here and
 * by {@link rowById}, are one statement (with the rows {@link readRowsAlong} names), sent when a
 * DataLoader's batch would be; a key already on its way is waited for, not read again.
 */
export function readRowsById(ctx: ReadContext, entity: EntityName<object>, ids: readonly string[]): Promise<void> {
  const read = readRows(ctx, entity);
  let first: Promise<void> | undefined;
  let others: Set<Promise<void>> | undefined;
  for (const id of ids) {
    if (read.rows.has(id) || keptRow(ctx, entity, id)) continue;
    let wait = read.waiting.get(id);
    if (!wait) {
      wait = read.batch ?? batchOf(ctx, entity, read);
      read.asked!.push(id);
      read.waiting.set(id, wait);
    }
    if (!first) first = wait;
    else if (wait !== first) (others ??= new Set()).add(wait);
  }
  if (!first) return settled;
  return others ? Promise.all([first, ...others]).then(nothing) : first;
}

const settled = Promise.resolve();
const nothing = () => undefined;

/** A new batch of `read`'s keys (pushed to `read.asked` until it goes), read after this tick's loaders have been called. */
function batchOf(ctx: ReadContext, entity: EntityName<object>, read: ReadRows): Promise<void> {
  const asked: string[] = (read.asked = []);
  const batch = new Promise<void>((resolve, reject) => {
    // DataLoader's schedule, so the rows asked for by its loaders' batches in this tick come too.
    void settled.then(() =>
      process.nextTick(() => {
        read.asked = null;
        read.batch = null;
        readAsked(ctx, entity, read, asked)
          // Read or failed, these keys are no longer on their way: a failure is read again by whoever asks next.
          .finally(() => {
            for (const id of asked) if (read.waiting.get(id) === batch) read.waiting.delete(id);
          })
          .then(resolve, reject);
      }),
    );
  });
  read.batch = batch;
  return batch;
}

/**
 * Reads a batch's keys. Where the entity's rows bring companions ({@link readRowsAlong}), a batch
 * still on its way may bring some of these keys along with its own (a household's ancestors, the
 * community of a person's roles): it is waited for, and only what it did not bring is read.
 */
async function readAsked(ctx: ReadContext, entity: EntityName<object>, read: ReadRows, asked: readonly string[]): Promise<void> {
  let missing = asked;
  if ((rowCompanions.has(entity as object) && read.sent.size) || read.byOwner.size) {
    while (read.sent.size || read.byOwner.size) await Promise.allSettled([...read.sent, ...read.byOwner]);
    missing = asked.filter((id) => !read.rows.has(id));
    if (!missing.length) return;
  }
  const kept = keptRowsFor(ctx.em, entity as object)?.store;
  const mark = kept?.mark;
  const sent = selectById(ctx, entity, missing);
  read.sent.add(sent);
  try {
    const key = rowShape(ctx.em, entity).primaryProp;
    const rows = await sent;
    for (const row of rows) read.rows.set(String((row as Record<string, unknown>)[key]), row);
    if (kept) kept.keep(entity as object, key, rows, mark!);
  } finally {
    read.sent.delete(sent);
  }
  for (const id of missing) if (!read.rows.has(id)) read.rows.set(id, null);
}

/** The rows of `entity` with primary keys `ids`, with their companions ({@link readRowsAlong}), in one statement. */
function selectById(ctx: ReadContext, entity: EntityName<object>, ids: readonly string[]): Promise<object[]> {
  const shape = rowShape(ctx.em, entity);
  const keyed = matchKeys(ids);
  const companions = rowCompanions.get(entity as object);
  // An array, not `IN (subquery)`: the planner then reads the rows by key, where for a page's
  // places it chose to scan the whole table and hash (1.3 ms against 0.5 on a board's 50 places).
  const match = companions ? `= ANY (ARRAY(${companions.replace('= ANY (?)', keyed.match)}))` : keyed.match;
  return selectRows(ctx, entity, `WHERE r.${shape.primaryKey} ${match}`, [keyed.value], { byKey: true });
}

/**
 * Reads, for rows of `owner` known so far only by their keys (a query by id, before its row has
 * arrived), the rows of `entity` that their to-one `properties` point at, with their companions
 * ({@link readRowsAlong}), in one statement that finds them through the owners' keys: the
 * relation's row is then read in the owner's own round trip, where it waited for the owner's row
 * to learn its id (a person card's household and, along with it, the places above it). A read of
 * `entity` asked meanwhile waits for it, and reads only what it did not bring.
 *
 * @internal The host's (a query by id's relations); not part of the plugin contract.
 */
export function readRowsByOwnerKeys(
  ctx: ReadContext,
  owner: EntityName<object>,
  properties: readonly string[],
  entity: EntityName<object>,
  ownerIds: readonly string[],
): void {
  // Rows the process keeps are answered from memory once the owner's row names them; one it does not keep is read then.
  if (keptRowsFor(ctx.em, entity as object)) return;
  const ownerShape = rowShape(ctx.em, owner);
  const keyed = matchKeys(ownerIds);
  // Every reference to `entity` the operation follows (a request's requester and assignee) in one statement.
  const columns = properties.map((property) => `o.${quote(fieldOf(ownerShape, property))}`);
  const referenced = columns.length === 1 ? columns[0] : `unnest(ARRAY[${columns.join(', ')}])`;
  const keys = `ARRAY(SELECT ${referenced} FROM ${ownerShape.table} o WHERE o.${ownerShape.primaryKey} ${keyed.match})`;
  const companions = rowCompanions.get(entity as object);
  const match = `= ANY (${companions ? `ARRAY(${companions.replace('= ANY (?)', `= ANY (${keys})`)})` : keys})`;
  const read = readRows(ctx, entity);
  const sent = selectRows(ctx, entity, `WHERE r.${rowShape(ctx.em, entity).primaryKey} ${match}`, [keyed.value], { byKey: true });
  read.byOwner.add(sent);
  void sent
    .then((rows) => rememberRows(ctx, entity, rows))
    // A failure reads nothing: whoever asks for these rows reads them (and fails) on their own.
    .catch(() => undefined)
    .finally(() => read.byOwner.delete(sent));
}

/** Plain rows of `entity` read some other way (joined to rows that point at them), for {@link rowIfRead}. */
function rememberRows(ctx: ReadContext, entity: EntityName<object>, rows: readonly object[]): void {
  const read = readRows(ctx, entity);
  const key = rowShape(ctx.em, entity).primaryProp;
  for (const row of rows) read.rows.set(String((row as Record<string, unknown>)[key]), row);
}

/** The rows of one entity an operation has read by primary key, and those on their way. */
interface ReadRows {
  /** By primary key: the row, or null when there is none. */
  rows: Map<string, object | null>;
  /** The keys on their way, and the batch that brings each. */
  waiting: Map<string, Promise<void>>;
  /** The batch not sent yet, and its keys. */
  batch: Promise<void> | null;
  asked: string[] | null;
  /** The statements on their way. */
  sent: Set<Promise<object[]>>;
  /** The statements on their way that read rows through their owners' keys ({@link readRowsByOwnerKeys}). */
  byOwner: Set<Promise<object[]>>;
}

/** Per operation (its loaders), per entity. */
const readRowsOf = new Attached<ReadContext['loaders'], Map<object, ReadRows>>('core.readRows');

function readRows(ctx: ReadContext, entity: EntityName<object>): ReadRows {
  let byEntity = readRowsOf.get(ctx.loaders);
  if (!byEntity) readRowsOf.set(ctx.loaders, (byEntity = new Map<object, ReadRows>()));
  let read = byEntity.get(entity as object);
  if (!read)
    byEntity.set(
      entity as object,
      (read = { rows: new Map(), waiting: new Map(), batch: null, asked: null, sent: new Set(), byOwner: new Set() }),
    );
  return read;
}

/** The row `id` of `entity` once {@link readRowsById} has read it: what {@link rowById} answers when the row is not read yet. */
function rowOnceRead<T extends object>(ctx: ReadContext, entity: EntityName<T>, id: string): Promise<T | null> {
  return readRowsById(ctx, entity as EntityName<object>, [id]).then(() => rowIfRead(ctx, entity, id) ?? null);
}

const rowCompanions = new WeakMap<object, string>();

/**
 * Makes {@link rowById} of `entity` read, in the same statement as the rows asked for, the rows
 * that a query selecting their primary keys names: `keys` is SQL selecting primary keys (read as
 * an array: `SELECT DISTINCT` keeps it short), with one `= ANY (?)` for the batch's keys (a list;
 * `= ?` takes its place for one key, see {@link matchKeys}), and must select those keys themselves
 * too. The rows read along wait for {@link rowIfRead}: `Place` reads its ancestors so, because
 * whoever shows a place on a hot path shows its ancestors next (one statement fewer per operation).
 */
export function readRowsAlong(entity: EntityName<object>, keys: string): void {
  rowCompanions.set(entity, keys);
}

/** The plain row a to-one reference (an entity, a plain row's id, or null) points at, or null. */
export function relatedRow<T extends object>(ctx: ReadContext, entity: EntityName<T>, ref: unknown): Promise<T | null> {
  const id = refId(ref);
  return id ? rowById(ctx, entity, id) : Promise.resolve(null);
}

/**
 * {@link relatedRow}, answered at once (no promise) when the reference is null or this operation
 * has read the row already ({@link rowIfRead}).
 */
export function relatedRowIfRead<T extends object>(ctx: ReadContext, entity: EntityName<T>, ref: unknown): T | null | Promise<T | null> {
  const id = refId(ref);
  if (!id) return null;
  const known = rowIfRead(ctx, entity, id);
  return known === undefined ? rowOnceRead(ctx, entity, id) : known;
}

/**
 * The plain rows ({@link plainRows}) of `entity` whose `foreignKey` points at `parentId`, in
 * `orderBy` order (then by primary key), batched across all parents asked for in the same
 * operation: a page of parents costs one statement. The rows of the to-one relations named in
 * `along` are read in the same statement (joined) and wait for {@link rowById} and {@link rowIfRead}: a
 * membership's team costs no statement of its own.
 */
export function rowsByForeignKey<T extends object>(
  ctx: ReadContext,
  entity: EntityName<T>,
  foreignKey: keyof T & string,
  parentId: string,
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>> = {},
  along: readonly (keyof T & string)[] = [],
): Promise<T[]> {
  const order = Object.entries(orderBy) as [string, 'asc' | 'desc'][];
  const name = `rows:${entityLabel(entity)}.${foreignKey}:${orderLabel(order)}:${along.join(',')}`;
  return batchLoader<string, T[]>(ctx, name, async (parentIds) => {
    const read = foreignKeyRead(ctx.em, entity as EntityName<object>, name, foreignKey, order, along);
    const keyed = matchKeys(parentIds);
    const raw = await executeRead<Record<string, unknown>[]>(ctx.em, read.sql(keyed.match), [keyed.value], { byKey: true });
    // Each result row holds the row's own columns and, under "a<i>.", those of its i-th relation:
    // each mapper reads its own names and passes over the others.
    for (const relation of read.related) {
      const rows: object[] = [];
      for (const result of raw) if (result[relation.primaryKey] !== null) rows.push(relation.toRow(result));
      rememberRows(ctx, relation.entity, rows);
    }
    const rows = plainRows(ctx, entity, raw);
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(refId((row as Record<string, unknown>)[foreignKey])!)?.push(row);
    return parentIds.map((id) => groups.get(id)!);
  }).load(parentId);
}

/** The statement of a {@link rowsByForeignKey} read and the mappers of the rows it joins, by entity and loader name. */
interface ForeignKeyRead {
  sql: (match: string) => string;
  related: { entity: EntityName<object>; primaryKey: string; toRow: RowShape['toRow'] }[];
}

const foreignKeyReads = new WeakMap<EntityMetadata, Map<string, ForeignKeyRead>>();

/** Built once per loader name (a card's team memberships built the same text, and copied every row, on every read). */
function foreignKeyRead(
  em: EntityManager,
  entity: EntityName<object>,
  name: string,
  foreignKey: string,
  order: readonly (readonly [string, 'asc' | 'desc'])[],
  along: readonly string[],
): ForeignKeyRead {
  const shape = rowShape(em, entity);
  let byName = foreignKeyReads.get(shape.meta);
  if (!byName) foreignKeyReads.set(shape.meta, (byName = new Map<string, ForeignKeyRead>()));
  let read = byName.get(name);
  if (read) return read;
  const column = (prop: string): string => `r.${quote(fieldOf(shape, prop))}`;
  const joins = along.map((prop, i) => {
    const target = shape.meta.properties[prop]?.targetMeta;
    if (!target?.class) throw new Error(`${shape.meta.className}.${prop} is not a to-one relation.`);
    const joined = rowShape(em, target.class as EntityName<object>);
    const alias = `a${i}`;
    return {
      select: joined.names.map((field) => `${alias}.${quote(field)} AS ${quote(`${alias}.${field}`)}`).join(', '),
      join: `LEFT JOIN ${joined.table} ${alias} ON ${alias}.${joined.primaryKey} = ${column(prop)}`,
      related: {
        entity: target.class as EntityName<object>,
        primaryKey: `${alias}.${joined.primaryKey.slice(1, -1)}`,
        toRow: rowMapper(joined.meta, joined.meta.props.filter(isRowColumn), em.getPlatform(), [], `${alias}.`),
      },
    };
  });
  const head = `SELECT ${[shape.columns('r'), ...joins.map((j) => j.select)].join(', ')} FROM ${shape.table} r ${joins.map((j) => j.join).join(' ')}
        WHERE ${column(foreignKey)} `;
  const tail = ` ORDER BY ${sortColumns(shape, order).join(', ')}`;
  const texts = new Map<string, string>();
  read = {
    sql: (match) => {
      let text = texts.get(match);
      if (text === undefined) texts.set(match, (text = head + match + tail));
      return text;
    },
    related: joins.map((j) => j.related),
  };
  byName.set(name, read);
  return read;
}
