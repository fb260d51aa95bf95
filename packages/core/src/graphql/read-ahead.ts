import type { EntityName } from '@mikro-orm/core';
import {
  defaultFieldResolver,
  type FieldNode,
  getNamedType,
  getNullableType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isListType,
  isObjectType,
} from 'graphql';
import type { GongzhiContext } from '../context.js';
import { ConnectionPage } from '../relay/connection.js';
import { isByParentKey, selectedFields, startEarlyOnRows } from './by-parent-key.js';
import { isPromiseLike } from './field-resolvers.js';
import { readRowsById, refId } from './loaders.js';
import { plainRowRelation } from './relation-field.js';

/**
 * Makes every field that answers a page or a list of rows start, before those rows' fields
 * resolve, what the operation asks of them that can be read for all of them at once:
 * - the plain rows that their selected {@link RelationField}s (`rows: true`) point at, one
 *   statement per related entity ({@link readRowsById});
 * - their selected {@link ByParentKey} fields (a request's last timeline entry), batched by their
 *   loaders as usual ({@link startEarlyOnRows}).
 *
 * - with `atKeys`, whatever else the related rows' keys allow (the scope guard's key-only place
 *   rules: `startKeyOnlyRules`).
 *
 * All in one round trip; the rows' fields then answer at once (`rowIfRead`, or what was started)
 * where each took a promise (a board's page has ~200 such fields, and their promises were about a
 * tenth of its CPU). Run once on the built schema, after the scope guard wraps it: only rows the
 * caller sees are followed, and the guard still checks every answer. What is read ahead is a head
 * start only: when a read fails, each field reads (and fails) on its own as before.
 */
export function readAheadOfPages(
  schema: GraphQLSchema,
  atKeys?: (ctx: GongzhiContext, entity: object, ids: readonly string[]) => void,
): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rowsAt = pageRows(field.type);
      if (!rowsAt) continue;
      const resolve: GraphQLFieldResolver<unknown, GongzhiContext> = field.resolve ?? defaultFieldResolver;
      const follow = (value: unknown, ctx: GongzhiContext, info: GraphQLResolveInfo, ahead: Ahead): unknown => {
        const rows = value instanceof ConnectionPage ? (value as ConnectionPage<unknown>).nodes : Array.isArray(value) ? value : null;
        // One row gains nothing: its fields' loaders read for it alone either way.
        if (!rows || rows.length < 2) return value;
        const ids = new Map<EntityName<object>, string[]>();
        for (const relation of ahead.relations) {
          const entity = relation.entity();
          const list = ids.get(entity) ?? ids.set(entity, []).get(entity)!;
          for (const row of rows) {
            const id = row == null ? null : refId((row as Record<string, unknown>)[relation.property]);
            if (id) list.push(id);
          }
        }
        const started: Promise<unknown>[] = [...ids].map(([entity, list]) => {
          atKeys?.(ctx, entity as object, list);
          return readRowsById(ctx, entity, list);
        });
        if (ahead.early) started.push(...startEarlyOnRows(info, rowsAt.type, rows, ahead.nodes, ctx));
        if (!started.length) return value;
        return Promise.all(started).then(
          () => value,
          () => value,
        );
      };
      field.resolve = (source, args, ctx: GongzhiContext, info) => {
        const value = resolve(source, args, ctx, info);
        const ahead = selectedAhead(rowsAt, info);
        if (!ahead.relations.length && !ahead.early) return value;
        return isPromiseLike(value) ? value.then((resolved) => follow(resolved, ctx, info, ahead)) : follow(value, ctx, info, ahead);
      };
    }
  }
}

/** Where a field's rows are: their type, and the fields leading to them (none for a list, `edges.node` or `nodes` for a connection). */
interface PageRows {
  type: GraphQLObjectType;
  paths: readonly (readonly string[])[];
  /** The type's fields that can be read ahead: plain-row relations by field name, and whether it has early fields. */
  relations: ReadonlyMap<string, Relation>;
  early: ReadonlySet<string>;
}

interface Relation {
  property: string;
  entity: () => EntityName<object>;
}

/** What an operation asks of a page's rows that can be read ahead. */
interface Ahead {
  relations: readonly Relation[];
  /** Whether it selects an early field, and the field nodes the rows are read under. */
  early: boolean;
  nodes: readonly FieldNode[];
}

/** The rows a field of `type` answers when it answers a page (a connection) or a list of rows with fields to read ahead; null otherwise. */
function pageRows(type: GraphQLOutputType): PageRows | null {
  const nullable = getNullableType(type);
  const named = getNamedType(type);
  if (!isObjectType(named)) return null;
  if (isListType(nullable)) return withReadAhead(named, [[]]);
  const fields = named.getFields();
  const edge = fields.edges && getNamedType(fields.edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  const nodeType = node ? getNamedType(node.type) : fields.nodes ? getNamedType(fields.nodes.type) : undefined;
  return nodeType && isObjectType(nodeType) ? withReadAhead(nodeType, [['edges', 'node'], ['nodes']]) : null;
}

function withReadAhead(type: GraphQLObjectType, paths: readonly (readonly string[])[]): PageRows | null {
  const relations = new Map<string, Relation>();
  const early = new Set<string>();
  for (const field of Object.values(type.getFields())) {
    const relation = plainRowRelation(field);
    if (relation) relations.set(field.name, relation);
    if (isByParentKey(field)) early.add(field.name);
  }
  return relations.size || early.size ? { type, paths, relations, early } : null;
}

/**
 * What an operation asks of a field's rows that can be read ahead, kept per field node (a
 * document is parsed once and kept). A `@skip` or `@include` is not decided here: a read for
 * nothing costs a statement, never a wrong answer.
 */
const aheadOnce = new WeakMap<FieldNode, Ahead>();

function selectedAhead(rowsAt: PageRows, info: GraphQLResolveInfo): Ahead {
  const [only] = info.fieldNodes.length === 1 ? info.fieldNodes : [];
  const kept = only && aheadOnce.get(only);
  if (kept) return kept;
  const relations = new Set<Relation>();
  const rowNodes: FieldNode[] = [];
  let early = false;
  const pageType = getNamedType(info.returnType) as GraphQLObjectType;
  for (const path of rowsAt.paths) {
    let nodes: readonly FieldNode[] = info.fieldNodes;
    let type: GraphQLObjectType = pageType;
    for (const name of path) {
      nodes = selectedFields(nodes, type, info.fragments, info.variableValues).filter((n) => n.name.value === name);
      const next = getNamedType(type.getFields()[name]?.type);
      if (!nodes.length || !isObjectType(next)) break;
      type = next;
    }
    if (!nodes.length || type !== rowsAt.type) continue;
    rowNodes.push(...nodes);
    for (const node of selectedFields(nodes, type, info.fragments, info.variableValues)) {
      const relation = rowsAt.relations.get(node.name.value);
      if (relation) relations.add(relation);
      if (rowsAt.early.has(node.name.value)) early = true;
    }
  }
  const ahead: Ahead = { relations: [...relations], early, nodes: rowNodes };
  if (only) aheadOnce.set(only, ahead);
  return ahead;
}
