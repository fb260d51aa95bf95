import type { EntityName } from '@mikro-orm/core';
import { type GraphQLField, type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { Args, Ctx, Extensions, Field, FieldResolver, getMetadataStorage, Info, Resolver, Root } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { ByParentKey } from './by-parent-key.js';
import type { ClassType } from '../plugin/plugin.js';
import { type ConnectionOrder, ConnectionArgs, connectionType, loadPageByForeignKey } from '../relay/connection.js';
import { loadById, type ReadContext, refId, relatedRowIfRead } from './loaders.js';
import { pageColumns } from './page-columns.js';

/**
 * The row a many-to-one reference points at (`member.person`, or a bare id), or null when it
 * points at none, through the operation's batched loader: what a {@link RelationField} answers,
 * for resolvers that need the related row themselves.
 *
 * ```ts
 * const person = await loadRelated(ctx, Person, member.person);
 * ```
 */
export function loadRelated<T extends object>(ctx: ReadContext, entity: EntityName<T>, ref: unknown): Promise<T | null> {
  const id = refId(ref);
  return id ? loadById(ctx, entity, id) : Promise.resolve(null);
}

/** Options of a {@link RelationField}. */
export interface RelationFieldOptions {
  nullable?: boolean;
  description?: string;
  deprecationReason?: string;
  /**
   * Answer a plain row of the related entity (`rowById`: its columns, read with hand-written
   * SQL, no hydration, no identity map) instead of a managed entity. Use it when the related
   * type's field resolvers and place rules read the row's own columns only (to-one relations
   * through `refId`), never ORM relations or `em.populate`: on hot read paths it costs a
   * fraction of an entity.
   */
  rows?: boolean;
}

/**
 * Exposes a many-to-one property of an entity (`@ManyToOne(() => Person) person`) as a GraphQL
 * field of the related type, loaded through the operation's batched loader: a page of rows costs
 * one query for all their related rows, and the schema guard applies the related row's place
 * rules as for any other field. Replaces a field resolver per relation.
 *
 * ```ts
 * @ManyToOne(() => Person)
 * @RelationField(() => Person, { description: 'Who signed up.' })
 * person!: Person;
 * ```
 */
export function RelationField<T extends object>(
  target: () => ClassType & { prototype: T },
  options: RelationFieldOptions = {},
): PropertyDecorator {
  const { rows, ...fieldOptions } = options;
  return (prototype, property) => {
    const relation: Relation = {
      owner: prototype.constructor,
      property: String(property),
      load: rows ? (ctx, ref) => relatedRowIfRead(ctx, target() as never, ref) : (ctx, ref) => loadRelated(ctx, target() as never, ref),
      rows: rows ? (target as () => EntityName<object>) : null,
    };
    Field(target, fieldOptions)(prototype, property);
    Extensions({ [RELATION]: relation })(prototype, property);
  };
}

/** What a {@link RelationField} leaves on its GraphQL field for {@link bindRelationFields}. */
interface Relation {
  owner: object;
  property: string;
  /** The related row, or a promise of it (a plain row this operation has read already comes at once). */
  load(ctx: GongzhiContext, ref: unknown): unknown;
  /** The related entity when the field answers plain rows (a page reads them for all its rows: read-ahead.ts). */
  rows: (() => EntityName<object>) | null;
}

const RELATION = 'gongzhiRelation';

/**
 * The property and related entity of a field that a {@link RelationField} with `rows: true`
 * declared, or undefined for any other field: what a page reads ahead for its rows (read-ahead.ts).
 *
 * @internal The host's; not part of the plugin contract.
 */
export function plainRowRelation(
  field: GraphQLField<unknown, unknown>,
): { property: string; entity: () => EntityName<object> } | undefined {
  const relation = field.extensions?.[RELATION] as Relation | undefined;
  return relation?.rows ? { property: relation.property, entity: relation.rows } : undefined;
}

/**
 * The property (the many-to-one reference) a {@link RelationField} reads of its row, or undefined for any other field.
 *
 * @internal The host's; not part of the plugin contract.
 */
export function relationProperty(field: GraphQLField<unknown, unknown>): string | undefined {
  return (field.extensions?.[RELATION] as Relation | undefined)?.property;
}

/**
 * Makes every {@link RelationField} of `schema` resolve straight through its loader: one call
 * and the loader's promise per row (or the row itself, when the operation has read it already),
 * where a type-graphql middleware chain cost several promises
 * (a page of 50 rows has hundreds of these fields). Run once on the built schema, before the
 * scope guard wraps it.
 */
export function bindRelationFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const relation = field.extensions?.[RELATION] as Relation | undefined;
      if (!relation) continue;
      // The loader replaces type-graphql's resolver: refuse what would have run in it.
      const declared = getMetadataStorage().fields.find((f) => f.target === relation.owner && f.name === relation.property);
      if (declared?.roles !== undefined || declared?.middlewares?.length)
        throw new Error(
          `${type.name}.${field.name} is a @RelationField: it takes no @Authorized or @UseMiddleware (place rules apply to it).`,
        );
      field.resolve = (source: Record<string, unknown>, _args, ctx: GongzhiContext) => relation.load(ctx, source[relation.property]);
    }
  }
}

/** What a {@link hasMany} field lists: the rows of `child` whose `foreignKey` points at the parent. */
export interface HasManyOptions<C> {
  /** The connection's order: keys in one direction, ending with the unique `uuid` (default: by uuid). */
  order?: ConnectionOrder<C>;
  /** The page size when the client gives neither first nor last (default 50). */
  defaultSize?: number;
  description?: string;
  /** Answer plain rows (no hydration, no identity map), for hot read paths whose fields read columns only (see {@link RelationFieldOptions.rows}). */
  rows?: boolean;
}

/**
 * A resolver class adding a connection field to a type (often a core type, from a plugin): the
 * rows of `child` whose many-to-one `foreignKey` points at the parent, a page at a time
 * (first/after/last/before, the page cap), batched per operation (a page of parents costs one
 * query for all their pages). List it in `resolvers` like any resolver.
 *
 * ```ts
 * export const PlaceCouncilsResolver = hasMany(() => Place, 'councils', () => Council, 'community', {
 *   order: { keys: ['name', 'uuid'], direction: 'asc' },
 *   description: 'Councils of this community (plugin council).',
 * });
 * ```
 */
export function hasMany<P extends { uuid: string }, C extends object>(
  parent: () => ClassType & { prototype: P },
  field: string,
  child: () => ClassType & { prototype: C },
  foreignKey: keyof C & string,
  options: HasManyOptions<C> = {},
): ClassType {
  const generated = class {} as unknown as { prototype: Record<string, unknown> } & ClassType;
  const name = `${field.charAt(0).toUpperCase()}${field.slice(1)}`;
  Object.defineProperty(generated, 'name', { value: `${name}ConnectionResolver` });
  const order = options.order ?? ({ keys: ['uuid'], direction: 'asc' } as unknown as ConnectionOrder<C>);
  generated.prototype[field] = (root: P, page: ConnectionArgs, ctx: GongzhiContext, info: GraphQLResolveInfo) =>
    loadPageByForeignKey(ctx, child() as EntityName<C>, foreignKey, root.uuid, order, page, {
      connection: `${parent().name}.${field}`,
      defaultSize: options.defaultSize ?? 50,
      rows: options.rows,
      // Plain rows read only the columns the operation's fields and the place rules read.
      columns: options.rows ? pageColumns(ctx, info, child()) : null,
    });
  const descriptor = Object.getOwnPropertyDescriptor(generated.prototype, field)!;
  // Made now, not in the field's type thunk: type-graphql reads the types it knows before it calls thunks.
  const connection = connectionType(child());
  Resolver(parent)(generated);
  FieldResolver(() => connection, { description: options.description })(generated.prototype, field, descriptor);
  // It reads the parent's uuid only: a query by id may start it beside the parent.
  ByParentKey()(generated.prototype, field, descriptor);
  Root()(generated.prototype, field, 0);
  Args(() => ConnectionArgs)(generated.prototype, field, 1);
  Ctx()(generated.prototype, field, 2);
  Info()(generated.prototype, field, 3);
  return generated;
}
