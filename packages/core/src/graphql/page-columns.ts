import {
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { GongzhiContext } from '../context.js';
import type { ClassType } from '../plugin/plugin.js';
import { GlobalIdEntity } from '../relay/node-entity.js';
import { isByParentKey } from './by-parent-key.js';
import { isRowColumnOf } from './loaders.js';
import { plainFieldProperty } from './field-resolvers.js';
import { relationProperty } from './relation-field.js';

/**
 * The properties of `entity` that the operation reads of the rows of the page `info`'s field
 * answers (a connection of `entity`'s rows), or null when it cannot be known: pass it as
 * `findPage`'s `columns`, and the page reads only those columns. Known are what these read:
 * - a plain field (a `@Field` class property): its property;
 * - a `@RelationField`: its reference; a `@ByParentKey()` field and `id`: the primary key;
 * - the entity's place rules: their `reads`.
 *
 * Any other field selected on the rows (a field resolver may read anything), a fragment on an
 * interface, or a place rule without `reads` makes it null: whole rows, as without it.
 * `@skip`/`@include` are not decided: a column read for nothing costs little.
 *
 * ```ts
 * return findPage(ctx, Request, where, NEWEST_FIRST, page, { ..., rows: true, columns: pageColumns(ctx, info, Request) });
 * ```
 */
export function pageColumns(ctx: GongzhiContext, info: GraphQLResolveInfo, entity: ClassType): readonly string[] | null {
  return keptColumnsOf(ctx, info, entity, pageRows);
}

function pageRows(info: GraphQLResolveInfo): RowNodes | null {
  const page = getNamedType(info.returnType);
  return isObjectType(page) ? rowFieldNodes(info.fieldNodes, page, info.fragments) : null;
}

/**
 * As {@link pageColumns}, for a field that answers one row of `entity` (or null) read as part of a
 * page (`Request.lastTimelineEntry`, the last page of one of each request's timeline): the
 * properties the field's own selection and the entity's place rules read.
 */
export function rowColumns(ctx: GongzhiContext, info: GraphQLResolveInfo, entity: ClassType): readonly string[] | null {
  return keptColumnsOf(ctx, info, entity, oneRow);
}

function oneRow(info: GraphQLResolveInfo): RowNodes | null {
  const type = getNamedType(info.returnType);
  return isObjectType(type) ? { nodes: [...info.fieldNodes], type } : null;
}

/** The field nodes that select a row's fields, and the row's type. */
interface RowNodes {
  nodes: FieldNode[];
  type: GraphQLObjectType;
}

/** The columns `rowsOf`'s field nodes read, worked out once per field node of a kept document. */
function keptColumnsOf(
  ctx: GongzhiContext,
  info: GraphQLResolveInfo,
  entity: ClassType,
  rowsOf: (info: GraphQLResolveInfo) => RowNodes | null,
): readonly string[] | null {
  const [only] = info.fieldNodes.length === 1 ? info.fieldNodes : [];
  const known = only ? keptColumns.get(ctx.placeRules)?.get(only) : undefined;
  if (known !== undefined) return known;
  const kept = columnsOf(ctx, entity, info.fragments, () => rowsOf(info));
  if (only) {
    let byNode = keptColumns.get(ctx.placeRules);
    if (!byNode) keptColumns.set(ctx.placeRules, (byNode = new WeakMap()));
    byNode.set(only, kept);
  }
  return kept;
}

/** Per set of place rules (one platform), per field node (a document is parsed once and kept). */
const keptColumns = new WeakMap<GongzhiContext['placeRules'], WeakMap<FieldNode, readonly string[] | null>>();

function columnsOf(
  ctx: GongzhiContext,
  entity: ClassType,
  fragments: Record<string, FragmentDefinitionNode>,
  rowsOf: () => RowNodes | null,
): readonly string[] | null {
  const reads = new Set<string>();
  for (const rule of ctx.placeRules.get(entity) ?? []) {
    if (!rule.reads && (rule.place || rule.owners)) return null;
    // Columns of the entity's rows: the host checked them at start (checkPlaceRuleReads).
    for (const property of rule.reads ?? []) reads.add(property);
  }
  const rows = rowsOf();
  if (!rows) return null;
  const { nodes, type } = rows;
  if (!nodes.length) return [...reads];
  const fields = fieldsOn(nodes, type, fragments);
  if (!fields) return null;
  const isNode = (entity.prototype as object) instanceof GlobalIdEntity;
  for (const node of fields) {
    const name = node.name.value;
    if (name === '__typename') continue;
    const field = type.getFields()[name];
    if (!field) return null;
    const property = relationProperty(field) ?? plainFieldProperty(field, entity);
    // The primary key (which `narrowRows` always reads) is all that `id` and an early field read.
    if (isByParentKey(field) || (property === 'id' && isNode)) continue;
    if (property === undefined || !isRowColumnOf(ctx, entity, property)) return null;
    reads.add(property);
  }
  return [...reads];
}

/**
 * The field nodes a connection's rows are read under (`edges { node }`, `nodes`) and their type;
 * null when the page's selection names anything that may read its rows otherwise.
 */
function rowFieldNodes(
  pageNodes: readonly FieldNode[],
  page: GraphQLObjectType,
  fragments: Record<string, FragmentDefinitionNode>,
): RowNodes | null {
  const onPage = fieldsOn(pageNodes, page, fragments);
  if (!onPage) return null;
  const nodes: FieldNode[] = [];
  let type: GraphQLObjectType | undefined;
  const rowsOf = (field: string, parent: GraphQLObjectType, node: FieldNode): boolean => {
    const named = getNamedType(parent.getFields()[field]?.type);
    if (!isObjectType(named) || (type && type !== named)) return false;
    type = named;
    nodes.push(node);
    return true;
  };
  for (const node of onPage) {
    const name = node.name.value;
    if (name === 'nodes') {
      if (!rowsOf('nodes', page, node)) return null;
    } else if (name === 'edges') {
      const edge = getNamedType(page.getFields().edges?.type);
      if (!isObjectType(edge)) return null;
      const onEdge = fieldsOn([node], edge, fragments);
      if (!onEdge) return null;
      for (const inner of onEdge) {
        if (inner.name.value === 'node') {
          if (!rowsOf('node', edge, inner)) return null;
        } else if (inner.name.value !== 'cursor' && inner.name.value !== '__typename') return null;
      }
    } else if (!PAGE_FIELDS_WITHOUT_ROWS.has(name)) return null;
  }
  if (!type) {
    // Nothing of the rows is selected: the page's type still names them.
    return { nodes: [], type: page };
  }
  return { nodes, type };
}

/** A connection's fields that read nothing of its rows but the order's keys (cursors), which a narrow page always reads. */
const PAGE_FIELDS_WITHOUT_ROWS = new Set(['pageInfo', 'totalCount', '__typename']);

/** Every field selected under `nodes` on `type`, directives not decided; null if a fragment's condition names another type (an interface). */
function fieldsOn(
  nodes: readonly FieldNode[],
  type: GraphQLObjectType,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] | null {
  const found: FieldNode[] = [];
  const walk = (set: SelectionSetNode | undefined): boolean => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) found.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (selection.typeCondition && selection.typeCondition.name.value !== type.name) return false;
        if (!walk(selection.selectionSet)) return false;
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || fragment.typeCondition.name.value !== type.name || !walk(fragment.selectionSet)) return false;
      }
    }
    return true;
  };
  for (const node of nodes) if (!walk(node.selectionSet)) return null;
  return found;
}
