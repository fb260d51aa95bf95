import {
  defaultFieldResolver,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getNullableType,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues } from 'graphql/execution/values.js';
import { Extensions } from 'type-graphql';
import { fromGlobalId, localId } from '../relay/global-id.js';
import type { EntityName } from '@mikro-orm/core';
import { isPromiseLike, objectTypeNamed } from './field-resolvers.js';
import { keyOnlyRow, type ReadContext, readRowsByOwnerKeys } from './loaders.js';
import { Attached } from '../attached.js';

const BY_PARENT_KEY = 'gongzhiByParentKey';

/**
 * Declares that a field resolver reads nothing of its parent but the key the parent is known by
 * (a row's `uuid`; in an object made by another such field, what that field put in it) and has
 * no side effect: reads through the operation's loaders only. The host may then start it before
 * the parent's row has arrived, in the parent's round trip: asked under a query by id
 * (`person(id:)`), the person card's roles, accounts and memberships are read beside the person
 * instead of one round trip after it. The early call is the field's only one in the operation:
 * when the row's field resolves, it answers what that call answered (at once when it is in),
 * and the place rules check it then, so starting it early shows nothing. {@link hasMany} fields
 * are declared so already.
 *
 * ```ts
 * @ByParentKey()
 * @FieldResolver(() => AccountConnection)
 * moralBankAccounts(@Root() person: Person, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext) {
 *   return accountsOf(ctx, 'person', person.uuid, page);
 * }
 * ```
 */
export function ByParentKey(): MethodDecorator & PropertyDecorator {
  return Extensions({ [BY_PARENT_KEY]: true });
}

/** Whether a field was declared {@link ByParentKey}. */
export function isByParentKey(field: GraphQLField<unknown, unknown>): boolean {
  return field.extensions?.[BY_PARENT_KEY] === true;
}

type Resolve = GraphQLFieldResolver<unknown, unknown>;

/** The fields of one type that may start early, with the resolvers they had before the scope guard. */
type EarlyFields = Map<string, { field: GraphQLField<unknown, unknown>; resolve: Resolve }>;

/**
 * Makes every query field that answers one row by its `id` argument (`person(id:)`, `node(id:)`)
 * start, in the same turn, the {@link ByParentKey} fields the operation asks of that row (and of
 * the objects such fields answer at once): one round trip where a card took one per level. Run
 * once on the built schema, after the field resolvers are bound and before the scope guard wraps
 * them: the early calls are the unguarded resolvers', whose answers the row's fields give, still
 * checked by the guard. With `options`, the row's selected relations are read beside it too, and
 * `atKey` is told the row's key ({@link EarlyReadOptions}).
 */
export function bindEarlyReads(schema: GraphQLSchema, options: EarlyReadOptions = {}): void {
  const { atKey, relationOf } = options;
  const early = new Map<GraphQLObjectType, EarlyFields>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.extensions?.[BY_PARENT_KEY]) continue;
      const fields = early.get(type) ?? early.set(type, new Map()).get(type)!;
      const resolve = field.resolve ?? defaultFieldResolver;
      fields.set(field.name, { field, resolve });
      // What was started for this row (by a page, or under a query by id) is its answer, at once.
      field.resolve = (source: unknown, args, ctx: unknown, info) => {
        const [node] = info.fieldNodes;
        const started = node && typeof ctx === 'object' && ctx !== null ? startedIn.get(ctx)?.get(node) : undefined;
        if (started) {
          if (started.has(source)) return started.get(source);
          const key = (source as { uuid?: unknown } | null)?.uuid;
          if (key !== undefined && started.has(key)) return started.get(key);
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
  earlyFieldsOf.set(schema, early);
  const query = schema.getQueryType();
  if (!query) return;
  for (const field of Object.values(query.getFields())) {
    const type = getNullableType(field.type);
    if (!field.args.some((a) => a.name === 'id')) continue;
    // One type (`person(id:)`), or any the id names of an interface or union (`node(id:)`).
    const types = isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
    const candidates = new Map(types.filter((t) => atKey || early.has(t)).map((t) => [t.name, { type: t, parent: keyOnlyParent(t) }]));
    if (!candidates.size) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args: Record<string, unknown>, ctx: unknown, info) => {
      const value = resolve(source, args, ctx, info);
      const target = typeof args.id === 'string' ? candidates.get(fromGlobalId(args.id)?.type ?? '') : undefined;
      const uuid = target && uuidOf(args.id, target.type.name);
      if (target && uuid) {
        const parent = target.parent(uuid);
        startEarly(early, target.type, parent, uuid, info.fieldNodes, ctx, info);
        if (typeof ctx === 'object' && ctx !== null) {
          atKey?.(ctx, parent);
          if (relationOf) readRelationsByKey(target.type, uuid, ctx as ReadContext, info, relationOf);
        }
      }
      return value;
    };
  }
}

/**
 * Starts, under a query by id, the reads of the rows that the row's selected plain-row
 * {@link RelationField}s point at, through the row's key ({@link readRowsByOwnerKeys}): in the
 * row's own round trip, where they waited for the row to learn their ids (the person card's
 * household, and with it the places above it, which its roles and accounts name).
 */
function readRelationsByKey(
  type: GraphQLObjectType,
  uuid: string,
  ctx: ReadContext,
  info: GraphQLResolveInfo,
  relationOf: RelationOf,
): void {
  const owner: unknown = objectTypeNamed(type.name)?.target;
  if (typeof owner !== 'function') return;
  const relations = relationsOf(type, relationOf);
  if (!relations.size) return;
  const followed = new Map<EntityName<object>, Set<string>>();
  for (const node of selectedFields(info.fieldNodes, type, info.fragments, info.variableValues)) {
    const relation = relations.get(node.name.value);
    if (!relation) continue;
    const entity = relation.entity();
    (followed.get(entity) ?? followed.set(entity, new Set()).get(entity)!).add(relation.property);
  }
  for (const [entity, properties] of followed) {
    try {
      readRowsByOwnerKeys(ctx, owner as EntityName<object>, [...properties], entity, [uuid]);
    } catch {
      return; // not an entity's rows: its fields read as they do
    }
  }
}

/** A plain-row relation field's property (the reference it reads) and the entity of the rows it points at. */
interface Relation {
  property: string;
  entity: () => EntityName<object>;
}

/** A field's plain-row relation (`plainRowRelation`), if it is one. */
type RelationOf = (field: GraphQLField<unknown, unknown>) => Relation | undefined;

/** Options of {@link bindEarlyReads}. */
export interface EarlyReadOptions {
  /** Called under a query by id with the operation's context and an object of the row's class holding only its key (the scope guard's `startKeyOnlyRule`). */
  atKey?: (ctx: object, keyOnly: object) => void;
  /** Which fields are plain-row relations: their rows are read through the row's key, beside it ({@link readRowsByOwnerKeys}). */
  relationOf?: RelationOf;
}

/** The plain-row relation fields of each type, by field name. */
const relationsByType = new WeakMap<GraphQLObjectType, ReadonlyMap<string, Relation>>();

function relationsOf(type: GraphQLObjectType, relationOf: RelationOf): ReadonlyMap<string, Relation> {
  let relations = relationsByType.get(type);
  if (!relations) {
    const found = new Map<string, Relation>();
    for (const field of Object.values(type.getFields())) {
      const relation = relationOf(field);
      if (relation) found.set(field.name, relation);
    }
    relationsByType.set(type, (relations = found));
  }
  return relations;
}

/**
 * What the early fields of `type` are called on: an object of the type's class (without running
 * its constructor) holding only the row's key. A resolver that declares its root's class then
 * takes it as it is, where for a plain `{ uuid }` type-graphql would construct an entity, with a
 * fresh random uuid, only to overwrite it.
 */
function keyOnlyParent(type: GraphQLObjectType): (uuid: string) => object {
  // Unknown or ambiguous: a plain object, which type-graphql's handler converts as it did before.
  const target: unknown = objectTypeNamed(type.name)?.target;
  const prototype = typeof target === 'function' ? (target.prototype as object) : Object.prototype;
  return (uuid) => keyOnlyRow(prototype, uuid);
}

/** The row's uuid in a well-formed global id of `type`; null for anything else (which loads nothing early). */
function uuidOf(id: unknown, type: string): string | null {
  if (typeof id !== 'string') return null;
  try {
    return localId(id, type);
  } catch {
    return null;
  }
}

/** The early fields of each schema's types, for {@link startEarlyOnRows}. */
const earlyFieldsOf = new WeakMap<GraphQLSchema, ReadonlyMap<GraphQLObjectType, EarlyFields>>();

/**
 * What the early fields got, per operation (its context), by the field node that asked and the
 * row (or, under a query by id, the row's uuid: the row itself is read beside them): the row's
 * field answers it when it resolves.
 */
const startedIn = new Attached<object, Map<FieldNode, Map<unknown, unknown>>>('core.earlyFieldsStarted');

/**
 * Calls, for every row of a page (of `type`), the {@link ByParentKey} fields that `nodes` (the
 * field nodes the rows are read under) select, in this turn: their reads go in one round trip
 * with whatever else the page starts. Returns a promise per field still on its way; once it
 * settles, each row's field answers with what it got at once when the executor asks (after an
 * error nothing is kept: the fields then run, and fail, as usual). The scope guard checks what
 * they answer as always.
 */
export function startEarlyOnRows(
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  rows: readonly unknown[],
  nodes: readonly FieldNode[],
  ctx: object,
): Promise<unknown>[] {
  const fields = earlyFieldsOf.get(info.schema)?.get(type);
  if (!fields) return [];
  let started = startedIn.get(ctx);
  const pending: Promise<unknown>[] = [];
  for (const node of selectedFields(nodes, type, info.fragments, info.variableValues)) {
    const entry = fields.get(node.name.value);
    if (!entry) continue;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(entry.field, node, info.variableValues);
    } catch {
      continue; // the field reports its own error when it resolves
    }
    const fieldInfo = { ...info, fieldName: entry.field.name, fieldNodes: [node], parentType: type, returnType: entry.field.type };
    if (!started) startedIn.set(ctx, (started = new Map<FieldNode, Map<unknown, unknown>>()));
    // Another page of the operation (the roles of each person of a page) may have started this field node already.
    const answers = started.get(node) ?? started.set(node, new Map()).get(node)!;
    const waiting: unknown[] = [];
    const answered: PromiseLike<unknown>[] = [];
    for (const row of rows) {
      let value: unknown;
      try {
        value = entry.resolve(row, args, ctx, fieldInfo);
      } catch {
        continue;
      }
      if (isPromiseLike(value)) {
        waiting.push(row);
        answered.push(value);
      } else answers.set(row, value);
    }
    if (answered.length)
      pending.push(
        Promise.all(answered).then(
          (values) => values.forEach((value, i) => answers.set(waiting[i], value)),
          () => undefined, // none kept: each row's field runs (and fails) on its own
        ),
      );
  }
  return pending;
}

/**
 * Calls the early fields of `type` that `nodes` select, on `parent`, keeps what each answers
 * under `key` (see {@link startedIn}), and goes on into the objects they answer at once.
 */
function startEarly(
  early: ReadonlyMap<GraphQLObjectType, EarlyFields>,
  type: GraphQLObjectType,
  parent: unknown,
  key: unknown,
  nodes: readonly FieldNode[],
  ctx: unknown,
  info: GraphQLResolveInfo,
): void {
  const fields = early.get(type);
  if (!fields || typeof ctx !== 'object' || ctx === null) return;
  let started = startedIn.get(ctx);
  for (const node of selectedFields(nodes, type, info.fragments, info.variableValues)) {
    const entry = fields.get(node.name.value);
    if (!entry) continue;
    let value: unknown;
    try {
      const args = getArgumentValues(entry.field, node, info.variableValues);
      value = entry.resolve(parent, args, ctx, {
        ...info,
        fieldName: entry.field.name,
        fieldNodes: [node],
        parentType: type,
        returnType: entry.field.type,
      });
    } catch {
      continue; // asked properly, the field reports its own error when it resolves
    }
    if (!started) startedIn.set(ctx, (started = new Map<FieldNode, Map<unknown, unknown>>()));
    const answers = started.get(node) ?? started.set(node, new Map()).get(node)!;
    answers.set(key, value);
    if (isPromiseLike(value)) {
      // The row's field takes the promise while it is on its way, then what it settled to. After
      // an error nothing is kept: a field asked later runs (and fails, or reads again) as usual.
      value.then(
        (answer) => answers.set(key, answer),
        () => answers.delete(key),
      );
      continue;
    }
    const named = getNamedType(entry.field.type);
    if (value != null && isObjectType(named)) startEarly(early, named, value, value, [node], ctx, info);
  }
}

/**
 * The fields selected under one field node, by the type they are read on, when no `@skip` or
 * `@include` decides (a node belongs to one parsed document, which Apollo keeps across requests).
 */
const selectedOnce = new WeakMap<FieldNode, Map<GraphQLObjectType, readonly FieldNode[]>>();

/** The fields selected under `nodes` on `type`, through fragments whose condition is `type` (or none), bar those `@skip`ped or not `@include`d. */
export function selectedFields(
  nodes: readonly FieldNode[],
  type: GraphQLObjectType,
  fragments: Record<string, FragmentDefinitionNode> | undefined,
  variables: Record<string, unknown>,
): readonly FieldNode[] {
  const [only] = nodes.length === 1 ? nodes : [];
  const kept = only && selectedOnce.get(only)?.get(type);
  if (kept) return kept;
  let decided = false; // by a directive, so by this request's variables
  const included = (selection: SelectionNode): boolean => {
    if (!selection.directives?.length) return true;
    decided = true;
    return (
      getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if !== false
    );
  };
  const found: FieldNode[] = [];
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) found.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === type.name) walk(selection.selectionSet);
      } else {
        const fragment = fragments?.[selection.name.value];
        if (fragment?.typeCondition.name.value === type.name) walk(fragment.selectionSet);
      }
    }
  };
  for (const node of nodes) walk(node.selectionSet);
  if (only && !decided) {
    let byType = selectedOnce.get(only);
    if (!byType) selectedOnce.set(only, (byType = new Map<GraphQLObjectType, readonly FieldNode[]>()));
    byType.set(type, found);
  }
  return found;
}
