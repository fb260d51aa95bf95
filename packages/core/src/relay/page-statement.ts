import { type EntityName, Raw, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { replacePlaceholders } from '../database/prepared-statements.js';
import { executeRead } from '../graphql/loaders.js';

/**
 * The statement of a page of plain rows, built by MikroORM's QueryBuilder once per shape of its
 * condition. A board asks the same question with other values every time (another community,
 * another caller's places), and building the statement (criteria nodes, the condition's SQL)
 * was ~5 % of a board's CPU. The shape is the condition with its values taken out (keys, operators,
 * raw fragments, the type of each value, the length of each list), the order and the limit; the
 * statement keeps the QueryBuilder's SQL and where each of its parameters comes from.
 *
 * A statement is only kept when it is provably the QueryBuilder's: it is built with a marker in
 * place of each value, every parameter must be exactly one marker or a constant without one, and
 * the SQL must hold no marker; then the first condition of the shape is built again with its real
 * values and must give the same SQL and parameters as the kept statement filled in. A shape that
 * fails (a value the builder converts or inlines, a raw fragment's parameter other than a string
 * or number, a value that is not a string, number, boolean, date or null) is read through the
 * QueryBuilder every time.
 *
 * Every kept statement goes as a prepared statement (parsed once per connection, and after five
 * runs no longer planned: its plan was ~60 % of the board page's database time), its constants
 * written into its text. A caller's scope makes a shape per number of places it holds; each
 * connection keeps only the statements it used most recently (`MAX_PREPARED_PER_CONNECTION`).
 * The values of `literal` properties are such constants (each combination its own statement): a
 * partial index whose predicate names them (the board's open statuses) is only usable by a plan
 * that sees them.
 */
export async function selectPageRows(
  em: EntityManager,
  entity: EntityName<object>,
  where: object,
  orderBy: object,
  limit: number,
  literal: readonly string[] = [],
  columns?: string,
): Promise<object[]> {
  const values: unknown[] = [];
  const literals = new Set(literal);
  const shape = shapeOf(where, values, literals);
  if (shape === null) return builder(em, entity, where, orderBy, limit, columns).execute<object[]>('all', false);
  const key = `${metadataId(em, entity)}\u0000${shape}\u0000${JSON.stringify(orderBy)}\u0000${limit}\u0000${columns ?? '*'}`;
  let statement = statements.get(key);
  if (statement === undefined) statement = remember(key, compile(em, entity, where, values, literals, orderBy, limit, columns));
  else {
    // Most recently used last: the oldest shape is the one dropped.
    statements.delete(key);
    statements.set(key, statement);
  }
  if (statement === null) return builder(em, entity, where, orderBy, limit, columns).execute<object[]>('all', false);
  return executeRead<object[]>(em, statement.sql, fill(statement, values), { fixedShape: true });
}

/** How many shapes keep a statement; a shape beyond them drops the least recently used. */
export const MAX_PAGE_STATEMENTS = 500;

/** Where a parameter of a kept statement comes from: the condition's n-th value, or a constant of the shape. */
type Parameter = { value: number } | { constant: unknown };

interface PageStatement {
  /** `?` for each parameter; the shape's string and number constants written in. */
  sql: string;
  parameters: readonly Parameter[];
}

/** Kept statements by shape (null: the shape is read through the QueryBuilder), least recently used first. */
const statements = new Map<string, PageStatement | null>();

/** How many shapes have a kept statement and how many are read through the QueryBuilder (for tests and diagnostics). */
export function pageStatementShapes(): { kept: number; refused: number } {
  let kept = 0;
  for (const statement of statements.values()) if (statement) kept++;
  return { kept, refused: statements.size - kept };
}

/**
 * Which ORM's entity a statement is for: each platform (a process may run several, as tests do)
 * has metadata of its own, whose table names and schemas its statements hold.
 */
function metadataId(em: EntityManager, entity: EntityName<object>): number {
  const meta = em.getMetadata().get(entity);
  let id = metadataIds.get(meta);
  if (id === undefined) metadataIds.set(meta, (id = nextMetadataId++));
  return id;
}

const metadataIds = new WeakMap<object, number>();
let nextMetadataId = 0;

function remember(key: string, statement: PageStatement | null): PageStatement | null {
  statements.set(key, statement);
  if (statements.size > MAX_PAGE_STATEMENTS)
    for (const oldest of statements.keys()) {
      statements.delete(oldest);
      break;
    }
  return statement;
}

/** The page's QueryBuilder: every column, or the select list `columns` (of alias `r`: `narrowRows`). */
function builder(em: EntityManager, entity: EntityName<object>, where: object, orderBy: object, limit: number, columns?: string) {
  return em
    .createQueryBuilder(entity, 'r')
    .select(columns === undefined ? '*' : raw(columns))
    .where(where as never)
    .orderBy(orderBy as never)
    .limit(limit);
}

function fill(statement: Pick<PageStatement, 'parameters'>, values: readonly unknown[]): unknown[] {
  return statement.parameters.map((p) => ('value' in p ? values[p.value] : p.constant));
}

/**
 * The shape of a condition (a string), its values pushed to `values` in the order the shape
 * names them; null when a part of it is not one a statement can be kept for. The values under a
 * `literals` property (`inText`) are part of the shape itself.
 */
function shapeOf(value: unknown, values: unknown[], literals: ReadonlySet<string>, inText = false): string | null {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
      if (inText) return JSON.stringify(value);
      values.push(value);
      return typeof value;
    case 'boolean':
      values.push(value);
      return typeof value;
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Date) {
    values.push(value);
    return 'date';
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      const shape = shapeOf(item, values, literals, inText);
      if (shape === null) return null;
      items.push(shape);
    }
    return `[${items.join(',')}]`;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return null;
  const parts: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    let name: string;
    if (typeof key === 'symbol') {
      // A raw fragment as a key (`{ [raw('…', params)]: value }`): its SQL is part of the shape, its
      // parameters (strings and numbers) are values of the condition, before the value under it.
      const fragment = Raw.getKnownFragment(key);
      if (!fragment) return null;
      const types: string[] = [];
      for (const param of fragment.params) {
        if (typeof param !== 'string' && typeof param !== 'number') return null;
        values.push(param);
        types.push(typeof param);
      }
      name = `raw ${fragment.sql} (${types.join(',')})`;
    } else name = key;
    const shape = shapeOf((value as Record<PropertyKey, unknown>)[key], values, literals, inText || literals.has(name));
    if (shape === null) return null;
    parts.push(`${JSON.stringify(name)}:${shape}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The condition with its n-th value (in {@link shapeOf}'s order; null is no value) replaced by
 * `marker(n)`; the values under a `literals` property stay (they are constants of the shape).
 */
function withMarkers(condition: object, literals: ReadonlySet<string>): unknown {
  let n = 0;
  const walk = (value: unknown, inText: boolean): unknown => {
    if (value === null) return null;
    if (inText && (typeof value === 'string' || typeof value === 'number')) return value;
    if (typeof value !== 'object' || value instanceof Date) return marker(n++);
    if (Array.isArray(value)) return value.map((item) => walk(item, inText));
    const copy: Record<PropertyKey, unknown> = {};
    for (const key of Reflect.ownKeys(value)) {
      const fragment = typeof key === 'symbol' ? Raw.getKnownFragment(key) : undefined;
      // A raw key's parameters come before the value under it, as in shapeOf.
      const copied = fragment?.params.length
        ? raw(
            fragment.sql,
            fragment.params.map(() => marker(n++)),
          )
        : key;
      copy[copied] = walk((value as Record<PropertyKey, unknown>)[key], inText || (typeof key === 'string' && literals.has(key)));
    }
    return copy;
  };
  return walk(condition, false);
}

const MARK = '\u0001gz-page-value\u0001';
const marker = (n: number): string => `${MARK}${n}${MARK}`;

function compile(
  em: EntityManager,
  entity: EntityName<object>,
  where: object,
  values: readonly unknown[],
  literals: ReadonlySet<string>,
  orderBy: object,
  limit: number,
  columns: string | undefined,
): PageStatement | null {
  const marked = builder(em, entity, withMarkers(where, literals) as object, orderBy, limit, columns).toQuery();
  if (marked.sql.includes(MARK)) return null;
  const parameters: Parameter[] = [];
  for (const param of marked.params) {
    if (typeof param === 'string' && param.includes(MARK)) {
      const match = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(param);
      if (!match) return null;
      parameters.push({ value: Number(match[1]) });
    } else parameters.push({ constant: param });
  }
  // The proof: this condition's own statement is the kept one, filled in.
  const real = builder(em, entity, where, orderBy, limit, columns).toQuery();
  const filled = fill({ parameters }, values);
  const same =
    real.sql === marked.sql && real.params.length === filled.length && real.params.every((param, i) => sameValue(param, filled[i]));
  if (!same) return null;
  // The shape's constants into the text: the statement then binds only the condition's values.
  const platform = em.getPlatform();
  const sql = replacePlaceholders(marked.sql, (i) => {
    const parameter = parameters[i];
    return parameter && inText(parameter) ? platform.quoteValue(parameter.constant) : undefined;
  });
  return { sql, parameters: parameters.filter((p) => !inText(p)) };
}

/** Whether a parameter is a constant written into the statement's text (strings and numbers; others stay bound). */
function inText(parameter: Parameter): parameter is { constant: string | number } {
  return 'constant' in parameter && (typeof parameter.constant === 'string' || typeof parameter.constant === 'number');
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}
