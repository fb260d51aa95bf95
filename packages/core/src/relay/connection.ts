import { createHash } from 'node:crypto';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { batchLoader, executeRead, matchKeys, type NarrowRows, narrowRows, plainRows, type ReadContext } from '../graphql/loaders.js';
import { selectPageRows } from './page-statement.js';
import { coreMessages } from '../i18n/core-messages.js';
import type { ClassType } from '../plugin/plugin.js';
import { type EntityClass, graphQLTypeName } from './node-entity.js';

/**
 * The one page cap of the API: no connection answers more than this many edges at once, and
 * asking for more is one top-level error ({@link pageCapError}), never a silently shorter page.
 */
export const MAX_PAGE_SIZE = 100;

/** Relay's PageInfo: where a page sits in the whole list. */
@ObjectType({ description: 'Where a page sits in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More rows follow the page (known when paging forward with first, or backward from before).' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Rows precede the page (known when paging backward with last, or forward from after).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge (null for an empty page).' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge (null for an empty page).' })
  endCursor!: string | null;
}

/** The paging arguments every connection field takes (Relay: first/after forward, last/before backward). */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `At most this many edges after "after" (0–${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor from this connection: the page starts after it.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `At most this many edges before "before" (0–${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor from this connection: the page ends before it.' })
  before?: string | null;
}

/** One edge: a row and the cursor that pages from it. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * What a connection field resolves to. The schema guard recognises it and drops the edges of
 * rows the caller may not see, as it drops rows from a plain list.
 */
export class ConnectionPage<T> {
  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: PageInfo,
  ) {}

  /** The rows of the edges, for clients that need no cursors. */
  get nodes(): T[] {
    return this.edges.map((e) => e.node);
  }

  /** The same page with only the edges whose rows `keep` accepts (the page info is unchanged). */
  filter(keep: (node: T, index: number) => boolean | undefined): ConnectionPage<T> {
    return new ConnectionPage(
      this.edges.filter((e, i) => keep(e.node, i)),
      this.pageInfo,
    );
  }

  /**
   * The page shown as what its rows stand for (a membership's team, a coverage row's place):
   * `nodes` in the page's order, the same cursors and page info; an edge whose node is null (it
   * points at nothing the caller may load) is dropped, as the schema guard drops unseen rows.
   */
  withNodes<U>(nodes: readonly (U | null | undefined)[]): ConnectionPage<U> {
    const edges: Edge<U>[] = [];
    this.edges.forEach((edge, i) => {
      const node = nodes[i];
      if (node != null) edges.push(new ShownEdge(edge, node));
    });
    return new ConnectionPage(edges, this.pageInfo);
  }

  /** {@link withNodes} with each row's node loaded by `load` (through batched loaders: one read for the page). */
  async mapNodes<U>(load: (row: T) => Promise<U | null>): Promise<ConnectionPage<U>> {
    return this.withNodes(await Promise.all(this.nodes.map(load)));
  }

  /** An empty page (the caller sees nothing there). */
  static empty<T>(): ConnectionPage<T> {
    return new ConnectionPage<T>([], { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  }
}

const connectionTypes = new Map<string, ClassType>();

/**
 * The connection type of `node` (`<Name>Connection` with `edges`, `nodes` and `pageInfo`, and
 * its `<Name>Edge`), made once per type name. Return it from any field that lists rows a client
 * may page; resolve the field with {@link findPage} or {@link loadPageByForeignKey}.
 *
 * Call it when the module loads, not inside a field's type thunk: type-graphql collects the
 * types it knows before it calls the thunks, so a type first made there is missing.
 *
 * ```ts
 * const PersonConnection = connectionType(Person);
 * @Query(() => PersonConnection, { description: 'People …' })
 * people(@Args(() => ConnectionArgs) page: ConnectionArgs, …) { return findPage(ctx, Person, where, PEOPLE_ORDER, page, {…}) }
 * ```
 */
export function connectionType(node: ClassType, name: string = graphQLTypeName(node as EntityClass)): ClassType {
  const known = connectionTypes.get(name);
  if (known) return known;
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: 'Pass it as after (or before) to page from here.' })
    cursor!: string;

    @Field(() => node)
    node!: unknown;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${name} rows (Relay cursor connection).` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [node], { description: 'The rows of the edges, in the same order.' })
    nodes!: unknown[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  connectionTypes.set(name, ConnectionType);
  return ConnectionType;
}

/**
 * The top-level error for a page larger than {@link MAX_PAGE_SIZE}: the only way any list of the
 * API says "too many", naming the argument and the cap.
 */
export function pageCapError(argument: string, value: number): GraphQLError {
  return coreMessages.pageCap.topLevel({ argument, max: MAX_PAGE_SIZE, value }, { argument, max: MAX_PAGE_SIZE });
}

/**
 * A page size argument (`first` of a list that is not a connection yet, `limit` …) checked
 * against the one page cap: `fallback` when absent, an error when negative or above it.
 */
export function pageSize(first: number | null | undefined, fallback: number, argument = 'first'): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0)
    throw coreMessages.pageSizeWhole.topLevel({ argument, max: MAX_PAGE_SIZE, value: size }, { argument });
  if (size > MAX_PAGE_SIZE) throw pageCapError(argument, size);
  return size;
}

/** One key of a connection's order; the last key of an order must be unique (the row's uuid). */
export type OrderKey<T> = keyof T & string;

/**
 * A connection's order: keys all in one direction, the last one unique, so that every row has
 * one place and a cursor (the key values of a row) is a position between rows.
 */
export interface ConnectionOrder<T> {
  keys: readonly OrderKey<T>[];
  direction: 'asc' | 'desc';
}

/** A checked page request: how many rows, which way, from which position. */
interface PageRequest {
  size: number;
  backward: boolean;
  /** The position (order key values) to page from, or null from the start (or end). */
  from: unknown[] | null;
  /** Whether a cursor was given (so rows on the other side exist or existed). */
  fromCursor: boolean;
  signature: string;
}

/** Cursor values as JSON: dates keep their type. */
function encodeValue(value: unknown): unknown {
  return value instanceof Date ? { d: value.toISOString() } : value;
}

function decodeValue(value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { d?: unknown }).d === 'string') return new Date((value as { d: string }).d);
  return value;
}

/** A cursor: the query's signature and the row's order key values, opaque to clients. */
function encodeCursor(signature: string, values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify([signature, ...values.map(encodeValue)]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, signature: string, arity: number, argument: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') throw coreMessages.notACursor.topLevel({ argument }, { argument });
  if (parsed[0] !== signature) {
    throw coreMessages.cursorElsewhere.topLevel({ argument }, { argument });
  }
  const values = parsed.slice(1);
  if (
    values.length !== arity ||
    values.some((v) => v === null || (typeof v === 'object' && typeof (v as { d?: unknown }).d !== 'string'))
  ) {
    throw coreMessages.notACursor.topLevel({ argument }, { argument });
  }
  return values.map(decodeValue);
}

/**
 * A fingerprint of a connection and the arguments that choose its rows (not the paging ones),
 * so a cursor cannot be replayed against another list.
 */
function signatureOf(connection: string, filter: unknown): string {
  if (filter == null) {
    // The same for every page of an unfiltered connection (a board's 50 nested timelines): hashed once per connection name.
    let signature = unfilteredSignatures.get(connection);
    if (signature === undefined) unfilteredSignatures.set(connection, (signature = hashSignature(connection, null)));
    return signature;
  }
  return hashSignature(connection, filter);
}

const unfilteredSignatures = new Map<string, string>();

function hashSignature(connection: string, filter: unknown): string {
  return createHash('sha256')
    .update(`${connection}|${JSON.stringify(filter ?? null)}`)
    .digest('base64url')
    .slice(0, 10);
}

/** Checks first/after/last/before against the spec and the page cap. */
export function pageRequest(args: ConnectionArgs, defaultSize: number, arity: number, connection: string, filter?: unknown): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw coreMessages.firstAndLast.topLevel({ argument: 'last' });
  if (after != null && before != null) throw coreMessages.afterAndBefore.topLevel({ argument: 'before' });
  const backward = last != null || (before != null && first == null);
  if (backward && after != null) throw coreMessages.afterNeedsFirst.topLevel({ argument: 'after' });
  if (!backward && before != null) throw coreMessages.beforeNeedsLast.topLevel({ argument: 'before' });
  const argument = backward ? 'last' : 'first';
  const size = pageSize(backward ? last : first, defaultSize, argument);
  const signature = signatureOf(connection, filter);
  const cursor = backward ? before : after;
  return {
    size,
    backward,
    from: cursor == null ? null : decodeCursor(cursor, signature, arity, backward ? 'before' : 'after'),
    fromCursor: cursor != null,
    signature,
  };
}

/**
 * An edge whose cursor is encoded when it is first read: a page of 50 rows whose query asks for
 * no cursors (a board) encodes only the page info's two.
 */
class PageEdge<T> implements Edge<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    private readonly signature: string,
    private readonly keys: readonly string[],
  ) {}

  get cursor(): string {
    this.#cursor ??= encodeCursor(
      this.signature,
      this.keys.map((k) => (this.node as Record<string, unknown>)[k]),
    );
    return this.#cursor;
  }
}

/** An edge shown as another node (see {@link ConnectionPage.withNodes}): its cursor, still encoded only when read. */
class ShownEdge<T> implements Edge<T> {
  constructor(
    private readonly source: Edge<unknown>,
    readonly node: T,
  ) {}

  get cursor(): string {
    return this.source.cursor;
  }
}

/**
 * Page info whose cursors, like its edges', are encoded when read: the 50 nested pages of a
 * board's rows, read for their nodes, encode none.
 */
class PageEdgesInfo implements PageInfo {
  constructor(
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly edges: readonly Edge<unknown>[],
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/** Turns up to size+1 rows (in the order of reading) into a page in the connection's order. */
function toPage<T>(rows: T[], request: PageRequest, keys: readonly string[]): ConnectionPage<T> {
  const more = rows.length > request.size;
  const page = rows.slice(0, request.size);
  if (request.backward) page.reverse();
  const edges = page.map((node) => new PageEdge(node, request.signature, keys));
  // Only the side being paged towards is counted (the spec allows false for the other side);
  // a cursor on the other side means rows were there when it was taken.
  return new ConnectionPage(
    edges,
    new PageEdgesInfo(request.backward ? request.fromCursor : more, request.backward ? more : request.fromCursor, edges),
  );
}

/** Which way the rows are read: the connection's order, or its reverse for a backward page. */
function readDirection(order: ConnectionOrder<unknown>, backward: boolean): 'asc' | 'desc' {
  return (order.direction === 'asc') !== backward ? 'asc' : 'desc';
}

/**
 * Checks that an order ends with a unique key of `entity`: its `uuid`, or its primary key (the
 * `seq` of an append-only log).
 */
function checkOrder(ctx: ReadContext, entity: EntityName<object>, order: ConnectionOrder<unknown>): void {
  const meta = ctx.em.getMetadata().get(entity);
  // Orders are constants: each is checked once per entity, not for every parent of a page (a board's 50 timelines).
  let checked = checkedOrders.get(order);
  if (checked?.has(meta)) return;
  const unique = new Set(['uuid', ...meta.primaryKeys]);
  if (!unique.has(order.keys.at(-1)!))
    throw new Error(`A connection's order must end with a unique key (${[...unique].join(' or ')}), not ${order.keys.join(', ')}.`);
  if (!checked) checkedOrders.set(order, (checked = new WeakSet()));
  checked.add(meta);
}

/** The entities (metadata) each order was found valid for. */
const checkedOrders = new WeakMap<object, WeakSet<object>>();

/** The rows strictly after `values` in reading order, as a MikroORM condition (k1 > v1, or k1 = v1 and k2 > v2 …). */
function keysetCondition(keys: readonly string[], values: readonly unknown[], direction: 'asc' | 'desc'): Record<string, unknown> {
  const op = direction === 'asc' ? '$gt' : '$lt';
  return {
    $or: keys.map((key, i) => ({
      ...Object.fromEntries(keys.slice(0, i).map((k, j) => [k, values[j]])),
      [key]: { [op]: values[i] },
    })),
  };
}

/** What a connection page is read with besides its rows' condition. */
export interface PageOptions {
  /** The connection, for its cursors (`Query.people`); a cursor works only where it was made. */
  connection: string;
  /** The arguments that choose the rows (filters), bound into cursors. */
  filter?: unknown;
  /** The page size when neither first nor last is given. */
  defaultSize: number;
  /**
   * Read plain rows (`plainRows`: no hydration, no identity map) instead of managed entities: for
   * hot read-only lists whose fields never need a loaded relation (the board's `requests`).
   */
  rows?: boolean;
  /**
   * With `rows`: properties whose values in `where` are written into the statement's text, not
   * bound (each combination of them a statement of its own). For the few values a partial index's
   * predicate names (the board's open statuses): a prepared statement's plan sees no bound value,
   * so it could not use that index.
   */
  literal?: readonly string[];
  /**
   * With `rows`: the properties the operation reads of the page's rows (`pageColumns(ctx, info,
   * entity)`; `rowColumns` for a field that answers one row of a page, as `lastTimelineEntry`), or
   * null for all. The page then reads only those columns (and the order's keys and the primary
   * key): a board's request rows have 23 columns and show 8, and parsing every column of every
   * row was a large part of a page's cost.
   */
  columns?: readonly string[] | null;
}

/**
 * One page of `entity` rows matching `where` in `order`, per first/after/last/before: size+1
 * rows in one indexed keyset query (no offset), whatever page is asked. `where` must already
 * hold the caller's scope: the page only ever contains rows of it, and a cursor is only a
 * position (order key values), so one made elsewhere reveals nothing.
 */
export async function findPage<T extends object>(
  ctx: ReadContext,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: PageOptions,
): Promise<ConnectionPage<T>> {
  checkOrder(ctx, entity as EntityName<object>, order as ConnectionOrder<unknown>);
  const request = pageRequest(args, options.defaultSize, order.keys.length, options.connection, options.filter);
  if (request.size === 0 || matchesNothing(where)) return toPage([], request, order.keys);
  const direction = readDirection(order as ConnectionOrder<unknown>, request.backward);
  const conditions: unknown[] = [where];
  if (request.from) conditions.push(keysetCondition(order.keys, request.from, direction));
  const orderBy = order.keys.map((k) => ({ [k]: direction })) as never;
  if (!options.rows)
    return toPage(await ctx.em.find(entity, { $and: conditions } as never, { orderBy, limit: request.size + 1 }), request, order.keys);
  // Plain rows: of the columns the operation reads (`columns`), or of every column.
  const narrow = options.columns ? pageNarrowRows(ctx, entity as EntityName<object>, options.columns, order) : null;
  const raw = await selectPageRows(
    ctx.em,
    entity as EntityName<object>,
    { $and: conditions },
    orderBy,
    request.size + 1,
    options.literal,
    narrow?.columns,
  );
  return toPage((narrow ? narrow.rows(raw) : plainRows(ctx, entity, raw)) as T[], request, order.keys);
}

/** Narrow rows by columns list (`pageColumns` keeps one per field node), entity and order: worked out once, not per page. */
const narrowByColumns = new WeakMap<readonly string[], Map<EntityName<object>, Map<string, NarrowRows>>>();

/** The narrow rows of a page of `entity` reading `columns` and the order's keys. */
function pageNarrowRows(
  ctx: ReadContext,
  entity: EntityName<object>,
  columns: readonly string[],
  order: { keys: readonly string[] },
): NarrowRows {
  let byEntity = narrowByColumns.get(columns);
  if (!byEntity) narrowByColumns.set(columns, (byEntity = new Map<EntityName<object>, Map<string, NarrowRows>>()));
  let byOrder = byEntity.get(entity);
  if (!byOrder) byEntity.set(entity, (byOrder = new Map<string, NarrowRows>()));
  const keys = order.keys.join(',');
  let narrow = byOrder.get(keys);
  if (!narrow) byOrder.set(keys, (narrow = narrowRows(ctx, entity, [...columns, ...order.keys])));
  return narrow;
}

/**
 * Whether `where` matches no row whatever the table holds: a property `$in` an empty list, at its
 * top or under `$and` (the ORM would send `where 1 = 0`; a grid whose households were all visited,
 * a list of none).
 */
function matchesNothing(where: unknown): boolean {
  if (!where || typeof where !== 'object' || Array.isArray(where)) return false;
  return Object.entries(where).some(([key, value]) => {
    if (key === '$and') return Array.isArray(value) && value.some(matchesNothing);
    if (key.startsWith('$') || !value || typeof value !== 'object') return false;
    const list = (value as { $in?: unknown }).$in;
    return Array.isArray(list) && list.length === 0;
  });
}

/** What a hand-written keyset statement reads for {@link pageOfKeyset}. */
export interface KeysetRead {
  /** How many rows to read at most (the page and one more, to know whether more follow). */
  limit: number;
  /** Which way to read the order's keys (the reverse of the order for a backward page). */
  direction: 'asc' | 'desc';
  /** Read only rows strictly after these key values in `direction`, or from the start when null. */
  after: unknown[] | null;
}

/**
 * One page of rows that a hand-written keyset statement reads (`read`), for a table without an
 * entity (the event outbox), with the same arguments, cap, cursors and errors as
 * {@link findPage}. The order's keys (properties of the rows) must together be unique per row.
 */
export async function pageOfKeyset<T extends object>(
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: Omit<PageOptions, 'rows' | 'literal'>,
  read: (keyset: KeysetRead) => Promise<T[]>,
): Promise<ConnectionPage<T>> {
  const request = pageRequest(args, options.defaultSize, order.keys.length, options.connection, options.filter);
  if (request.size === 0) return toPage([], request, order.keys);
  const direction = readDirection(order as ConnectionOrder<unknown>, request.backward);
  return toPage(await read({ limit: request.size + 1, direction, after: request.from }), request, order.keys);
}

/** Compares two order key values (numbers, strings, booleans or dates) for {@link pageOfRows}. */
function compareValues(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (x === y) return 0;
  if (x == null) return -1;
  if (y == null) return 1;
  return (x as number) < (y as number) ? -1 : 1;
}

/**
 * One page of rows already computed in memory (a report's rows, a map's features, the result of
 * one bounded query), with the same arguments, cap, cursors and errors as {@link findPage}. The
 * rows are sorted here by `order`, whose keys need not end with `uuid` but must together be
 * unique per row (checked: two rows with equal keys are a programming error). Use it only where
 * the whole list is read anyway; a list of table rows pages in SQL with `findPage`.
 */
export function pageOfRows<T extends object>(
  rows: readonly T[],
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: Omit<PageOptions, 'rows' | 'literal'>,
): ConnectionPage<T> {
  const request = pageRequest(args, options.defaultSize, order.keys.length, options.connection, options.filter);
  const values = (row: T) => order.keys.map((k) => row[k]);
  const compare = (a: readonly unknown[], b: readonly unknown[]) => {
    for (let i = 0; i < a.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return 0;
  };
  const sign = readDirection(order as ConnectionOrder<unknown>, request.backward) === 'asc' ? 1 : -1;
  const sorted = [...rows].sort((a, b) => sign * compare(values(a), values(b)));
  sorted.forEach((row, i) => {
    const previous = i > 0 ? sorted[i - 1] : undefined;
    if (previous && compare(values(previous), values(row)) === 0)
      throw new Error(`${options.connection}: two rows share the order keys ${order.keys.join(', ')}; end the order with a unique key.`);
  });
  const from = request.from;
  const start = from ? sorted.findIndex((row) => sign * compare(values(row), from) > 0) : 0;
  const rest = start < 0 ? [] : sorted.slice(start);
  return toPage(request.size === 0 ? [] : rest.slice(0, request.size + 1), request, order.keys);
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** SQL names of an entity for hand-written page statements: its table and its properties' columns. */
export interface SqlNames {
  table: string;
  /** The quoted column of a property, prefixed with `alias.` */
  column: (prop: string) => string;
}

function sqlNames(ctx: ReadContext, entity: EntityName<object>, alias: string): SqlNames {
  const meta = ctx.em.getMetadata().get(entity);
  return {
    table: meta.schema && meta.schema !== '*' ? `${quote(meta.schema)}.${quote(meta.tableName)}` : quote(meta.tableName),
    column: (prop) => {
      const found = (meta.properties as Record<string, unknown>)[prop] as { fieldNames?: string[] } | undefined;
      if (!found?.fieldNames?.[0]) throw new Error(`${meta.className}.${prop} is not a column, so it cannot order or group a connection.`);
      return `${alias}.${quote(found.fieldNames[0])}`;
    },
  };
}

/**
 * How the rows of a batched page reach their parents, in SQL over the child's table `t`
 * ({@link loadPageOfParents}).
 */
export interface ParentLink {
  /** Joins after `FROM <child> t`: a join table, the parent's own row. */
  join?: string;
  /** A row's parent id (a uuid), e.g. `t."organization_id"`. */
  parent: string;
  /** More conditions on the rows, with `?` placeholders for `params` (bind their values into `filter` too). */
  where?: readonly string[];
  params?: readonly unknown[];
}

/**
 * The name of the loader that batches the pages of `request` on `connection` across parents. The
 * signature holds the filter, so pages of other filters are other statements. A first page (no
 * cursor: a board's 50 nested timelines) is named without building and serialising an array.
 */
function pageLoaderName(connection: string, request: PageRequest, columns = ''): string {
  if (!request.from) return `page:${connection}:${request.signature}:${request.size}:${request.backward}:${columns}`;
  return `page:${connection}:${JSON.stringify([request.signature, request.size, request.backward, request.from.map(encodeValue), columns])}`;
}

/**
 * The engine under {@link loadPageByForeignKey} and {@link loadPageThrough}: one page of `child`
 * rows per parent, where `link` says how a row reaches its parent (a column, a join, a path
 * prefix), batched per operation: the pages of every parent asked for in one tick with the same
 * arguments are one SQL statement (`row_number() over (partition by` the parent`)`). A row may
 * belong to several parents (a place under two places asked for): it is on each one's page.
 */
export function loadPageOfParents<T extends object>(
  ctx: ReadContext,
  child: EntityName<T>,
  link: (names: { child: SqlNames; of: (entity: EntityName<object>, alias: string) => SqlNames }) => ParentLink,
  parentId: string,
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: PageOptions,
): Promise<ConnectionPage<T>> {
  checkOrder(ctx, child as EntityName<object>, order as ConnectionOrder<unknown>);
  const request = pageRequest(args, options.defaultSize, order.keys.length, options.connection, options.filter);
  if (request.size === 0) return Promise.resolve(toPage([], request, order.keys));
  // Plain rows of the columns the operation reads (`columns`): pages asking for other columns are read apart.
  const narrow = options.rows && options.columns ? pageNarrowRows(ctx, child as EntityName<object>, options.columns, order) : null;
  return batchLoader<string, ConnectionPage<T>>(ctx, pageLoaderName(options.connection, request, narrow?.key), async (parentIds) => {
    const names = sqlNames(ctx, child as EntityName<object>, 't');
    const {
      join = '',
      parent,
      where = [],
      params: linkParams = [],
    } = link({ child: names, of: (entity, alias) => sqlNames(ctx, entity, alias) });
    const direction = readDirection(order as ConnectionOrder<unknown>, request.backward);
    const orderSql = order.keys.map((k) => `${names.column(k)} ${direction}`).join(', ');
    // Matched so that the prepared plan is kept whatever the number of parents (see matchKeys).
    const parents = matchKeys(parentIds, 'uuid');
    const conditions = [`${parent} ${parents.match}`, ...where];
    const params: unknown[] = [parents.value, ...linkParams];
    if (request.from) {
      const columns = order.keys.map((k) => names.column(k)).join(', ');
      conditions.push(`(${columns}) ${direction === 'asc' ? '>' : '<'} (${order.keys.map(() => '?').join(', ')})`);
      params.push(...request.from);
    }
    const rows = await executeRead<Record<string, unknown>[]>(
      ctx.em,
      `SELECT * FROM (
         SELECT ${narrow ? narrow.columnsOf('t') : 't.*'}, ${parent} AS page_parent, row_number() OVER (PARTITION BY ${parent} ORDER BY ${orderSql}) AS page_row
           FROM ${names.table} t ${join}
          WHERE ${conditions.join(' AND ')}
       ) paged
       WHERE page_row <= ?
       ORDER BY page_row`,
      [...params, request.size + 1],
      // Through a foreign key alone, a parent's rows are read by its key; through a join (a path prefix) they may be many.
      { fixedShape: true, byKey: join === '' },
    );
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    const nodes = narrow
      ? (narrow.rows(rows) as T[])
      : options.rows
        ? plainRows(ctx, child, rows)
        : rows.map((row) => ctx.em.map<T>(child, row as never));
    nodes.forEach((node, i) => groups.get(String(rows[i]?.page_parent))?.push(node));
    return parentIds.map((id) => toPage(groups.get(id)!, request, order.keys));
  }).load(parentId);
}

/**
 * One page of the rows of `child` whose many-to-one `foreignKey` points at `parentId`, in
 * `order`, batched per operation: the pages of every parent asked for in one tick with the same
 * paging arguments are one SQL statement (`row_number() over (partition by` the foreign key`)`),
 * so a page of parents with a nested connection each costs one query, not one per parent.
 * `where` keeps only rows whose columns equal the values given (a connection's filter
 * arguments; they are bound into its cursors).
 */
export function loadPageByForeignKey<T extends object>(
  ctx: ReadContext,
  child: EntityName<T>,
  foreignKey: keyof T & string,
  parentId: string,
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: PageOptions & { where?: Partial<Record<keyof T & string, string | number | boolean>> },
): Promise<ConnectionPage<T>> {
  if (!options.where) return loadPageOfParents(ctx, child, linkByForeignKey(foreignKey), parentId, order, args, options);
  const where = Object.entries<unknown>(options.where);
  return loadPageOfParents(
    ctx,
    child,
    ({ child: t }) => ({ parent: t.column(foreignKey), where: where.map(([k]) => `${t.column(k)} = ?`), params: where.map(([, v]) => v) }),
    parentId,
    order,
    args,
    { ...options, filter: where.length ? [options.filter ?? null, options.where] : options.filter },
  );
}

/** The link of a plain foreign key, one per column name (a board's 50 timelines share it). */
const foreignKeyLinks = new Map<string, (names: { child: SqlNames }) => ParentLink>();
function linkByForeignKey(foreignKey: string): (names: { child: SqlNames }) => ParentLink {
  let link = foreignKeyLinks.get(foreignKey);
  if (!link) foreignKeyLinks.set(foreignKey, (link = ({ child: t }) => ({ parent: t.column(foreignKey) })));
  return link;
}

/**
 * One page of the `child` rows a join entity links to `parentId` (a person's organisations
 * through their memberships: `through` OrganizationMember, `toParent` 'person', `toChild`
 * 'organization'), in `order` of the child's columns, batched like {@link loadPageByForeignKey}.
 */
export function loadPageThrough<T extends object, J extends object>(
  ctx: ReadContext,
  child: EntityName<T>,
  through: EntityName<J>,
  toParent: keyof J & string,
  toChild: keyof J & string,
  parentId: string,
  order: ConnectionOrder<T>,
  args: ConnectionArgs,
  options: PageOptions,
): Promise<ConnectionPage<T>> {
  const [primary = 'uuid'] = ctx.em.getMetadata().get(child).primaryKeys;
  return loadPageOfParents(
    ctx,
    child,
    ({ child: t, of }) => {
      const j = of(through as EntityName<object>, 'j');
      return { join: `JOIN ${j.table} j ON ${j.column(toChild)} = ${t.column(primary)}`, parent: j.column(toParent) };
    },
    parentId,
    order,
    args,
    options,
  );
}
