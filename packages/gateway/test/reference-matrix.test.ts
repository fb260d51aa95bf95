import { type Caller, canSee, createApiKey, createAuthenticator, referenceOf, toGlobalId } from '@gongzhi/core';
import { type TestApp } from '@gongzhi/core/testing';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { createCanaryWorld, DAY, uuid } from './canary-district.js';

/**
 * The authorization matrix, generated from the composed schema: every query and mutation, every
 * argument or input field declared as a reference in it, is called by each caller of the demo
 * district once with the id of a canary row (a district the caller cannot see) and once with a
 * made-up id of the same type. The two answers must be identical (an unseen row is a made-up
 * one), and no canary row, nor any row linking to one, may change. Nothing here names a mutation:
 * a new plugin's operations are covered by being in the schema.
 */
let app: TestApp;
let ids: Record<string, string>;
let canary: Record<string, string>;
let callers: [string, Caller][];
/** Every canary uuid: the rows of the canary district and its people and places. */
let canaryUuids: string[];

beforeAll(async () => {
  const world = await createCanaryWorld();
  ({ app, ids, canary } = world);
  const { secret } = await app.platform.orm.em
    .fork()
    .transactional((em) => createApiKey(em as never, { name: '丰台区数据平台', placeIds: [uuid(ids['DEMO-FT'])], permissions: ['*'] }));
  const key = (await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${secret}`))!;
  callers = [
    ['a social worker of 成仪路社区 (刘社工)', world.person('刘社工')],
    ['an API key of the demo district with every permission', key],
  ];
  const canaryPlaces = ['K-D', 'K-S', 'K-C', 'K-B', 'K-H', 'K-V'].map((code) => ids[code]);
  const canaryPeople = ['金丝雀居民', '金丝雀社工', '金丝雀网格员', '金丝雀志愿者'].map((name) => ids[name]);
  canaryUuids = [...Object.values(canary), ...canaryPlaces, ...canaryPeople].map(uuid);
}, 180_000);
afterAll(() => app?.close());

/** A reference position in an operation: the path from the operation's arguments to the id, and the type it names. */
interface Position {
  path: (string | number)[];
  type: string;
}

/** The declared references reachable from a field's arguments (through input objects and lists). */
function positions(field: GraphQLField<unknown, unknown>): Position[] {
  const found: Position[] = [];
  const walk = (
    type: GraphQLInputType,
    holder: GraphQLArgument | { extensions?: unknown },
    path: (string | number)[],
    seen: Set<string>,
  ) => {
    const reference = referenceOf(holder as { extensions?: Readonly<Record<string, unknown>> | null });
    if (reference) {
      found.push({ path, type: reference.type });
      return;
    }
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    const inList = isListType(getNullableType(type));
    for (const inner of Object.values(named.getFields())) {
      walk(inner.type, inner, [...path, ...(inList ? [0] : []), inner.name], new Set([...seen, named.name]));
    }
  };
  for (const arg of field.args) walk(arg.type, arg, [arg.name], new Set());
  return found;
}

/** A plausible value for an input of `type` named `name`; `target` leads (by `path`) to where the tested id goes. */
function valueFor(
  type: GraphQLInputType,
  name: string,
  holder: { extensions?: unknown },
  own: (type: string) => string,
  target: { path: (string | number)[]; id: string } | null,
): unknown {
  const reference = referenceOf(holder as { extensions?: Readonly<Record<string, unknown>> | null });
  if (reference) {
    const id = target ? target.id : own(reference.type);
    return reference.list ? [id] : id;
  }
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const inner = target && target.path[0] === 0 ? { ...target, path: target.path.slice(1) } : null;
    return [valueFor(nullable.ofType, name, {}, own, inner)];
  }
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      const onPath = target?.path[0] === field.name;
      if (!onPath && (!isNonNullType(field.type) || field.defaultValue !== undefined)) continue;
      value[field.name] = valueFor(field.type, field.name, field, own, onPath && target ? { ...target, path: target.path.slice(1) } : null);
    }
    return value;
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]?.value;
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTimeISO':
      case 'Date':
        return new Date(Date.now() + 2 * DAY).toISOString();
      default:
        if (/On$|^from$|^to$|date/i.test(name)) return new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
        if (/month/i.test(name)) return new Date().toISOString().slice(0, 7);
        if (/^(opens|closes)$/.test(name)) return '08:00';
        if (/timeZone/i.test(name)) return 'Asia/Shanghai';
        return '矩阵测试';
    }
  }
  return null;
}

/** A selection that shows what an answer holds: payload errors, ids of nodes, scalars as they are. */
function selection(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) return '{ __typename ... on Node { id } }';
  if (!isObjectType(named)) return '';
  const fields = named.getFields();
  const parts = ['__typename'];
  if (fields.id) parts.push('id');
  if (fields.errors) parts.push('errors { code message field }');
  if (depth === 0) {
    for (const field of Object.values(fields)) {
      if (field.name === 'errors' || field.name === 'id' || field.args.some((a) => isNonNullType(a.type))) continue;
      const inner = getNamedType(field.type);
      if (isObjectType(inner) && inner.getInterfaces().some((i) => i.name === 'Node')) parts.push(`${field.name} { __typename id }`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/** The operation calling `field` with the given argument values as variables. */
function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, values: Record<string, unknown>): string {
  const given = field.args.filter((a) => values[a.name] !== undefined);
  const params = given.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = given.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${kind}${params ? ` (${params})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(field.type)} }`;
}

/** An id of the right type that names no row. */
function madeUp(type: string): string {
  return toGlobalId(type, '00000000-0000-4000-8000-00000000abcd');
}

/** Rows of every entity table that hold a canary uuid: the canary district and every link into it. */
async function canarySnapshot(): Promise<string[]> {
  const em = app.platform.orm.em.fork();
  const rows: string[] = [];
  for (const meta of em.getMetadata().getAll().values()) {
    if (meta.abstract || !meta.tableName) continue;
    const table = meta.schema ? `"${meta.schema}"."${meta.tableName}"` : `"${meta.tableName}"`;
    const found = await em.execute<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
    for (const { row } of found) if (canaryUuids.some((id) => row.includes(id))) rows.push(`${meta.tableName}: ${row}`);
  }
  return rows.sort();
}

/** What the two answers are compared on. */
function answer(result: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) {
  return { data: result.data ?? null, errors: (result.errors ?? []).map((e) => ({ message: e.message, code: e.extensions?.code })) };
}

describe.each([['query' as const], ['mutation' as const]])('every %s', (kind) => {
  test('answers a canary id exactly like a made-up id, for every caller and every declared reference, and changes no canary row', async () => {
    const root = kind === 'query' ? app.platform.schema.getQueryType()! : app.platform.schema.getMutationType()!;
    const before = await canarySnapshot();
    const differences: Record<string, unknown> = {};
    const uncovered = new Set<string>();
    let calls = 0;
    for (const [who, caller] of callers) {
      const ctx = app.platform.createContext(caller);
      const ownCache = new Map<string, string>();
      const own = (type: string) => ownCache.get(type) ?? madeUp(type);
      // A row of each referenced type the caller may see (the first visible one), so other references resolve.
      for (const type of new Set(Object.values(root.getFields()).flatMap((f) => positions(f).map((p) => p.type)))) {
        const entity = [...app.platform.orm.getMetadata().getAll().values()].find((m) => !m.abstract && m.className === type)?.class;
        if (!entity) continue;
        const rows = (await app.platform.orm.em.fork().find(entity as never, {}, { limit: 5000 })) as { uuid: string }[];
        const visible = await Promise.all(rows.map((row) => canSee(ctx, row)));
        const first = rows.find((_, i) => visible[i]);
        if (first) ownCache.set(type, toGlobalId(type, first.uuid));
      }
      for (const field of Object.values(root.getFields())) {
        for (const position of positions(field)) {
          // A reference to any node (`node(id:)`) is tried with a canary person.
          const tried = position.type === 'Node' ? 'Person' : position.type;
          const canaryId = canary[tried];
          if (!canaryId) {
            uncovered.add(position.type);
            continue;
          }
          const call = async (id: string) => {
            const values: Record<string, unknown> = {};
            for (const arg of field.args) {
              const onPath = position.path[0] === arg.name;
              if (!onPath && !isNonNullType(arg.type)) continue;
              if (!onPath && arg.defaultValue !== undefined) continue;
              values[arg.name] = valueFor(arg.type, arg.name, arg, own, onPath ? { path: position.path.slice(1), id } : null);
            }
            calls++;
            return answer(await app.execute(operation(kind, field, values), values, { caller }));
          };
          const [withCanary, withMadeUp] = [await call(canaryId), await call(madeUp(tried))];
          const key = `${who} › ${field.name}(${position.path.join('.')})`;
          if (JSON.stringify(withCanary) !== JSON.stringify(withMadeUp)) differences[key] = { withCanary, withMadeUp };
        }
      }
    }
    expect(differences).toEqual({});
    // Every referenced type has a canary row to try, so no reference goes untested.
    expect([...uncovered]).toEqual([]);
    expect(calls).toBeGreaterThan(kind === 'mutation' ? 40 : 20);
    expect(await canarySnapshot()).toEqual(before);
  }, 300_000);
});
