import type { EntityName } from '@mikro-orm/core';
import { Ctx, Field, FieldResolver, type MiddlewareFn, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import type { ClassType } from '../plugin/plugin.js';
import { loadByForeignKey, loadById, type ReadContext, refId, relatedRow, rowsByForeignKey } from './loaders.js';

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
  const related = options.rows ? relatedRow : loadRelated;
  const load: MiddlewareFn<GongzhiContext> = async ({ context }, next) => related(context, target() as never, await next());
  const { rows: _rows, ...fieldOptions } = options;
  return (prototype, property) => {
    Field(target, fieldOptions)(prototype, property);
    UseMiddleware(load)(prototype, property);
  };
}

/** What a {@link hasMany} field lists: the rows of `child` whose `foreignKey` points at the parent. */
export interface HasManyOptions<C> {
  /** The list's order (default: none, the database's). */
  orderBy?: Partial<Record<keyof C & string, 'asc' | 'desc'>>;
  description?: string;
  /** List plain rows (`rowsByForeignKey`) instead of managed entities: see {@link RelationFieldOptions.rows}. */
  rows?: boolean;
}

/**
 * A resolver class adding a list field to a type (often a core type, from a plugin): the rows of
 * `child` whose many-to-one `foreignKey` points at the parent, batched per operation (a page of
 * parents costs one query). List it in `resolvers` like any resolver.
 *
 * ```ts
 * export const PlaceCouncilsResolver = hasMany(() => Place, 'councils', () => Council, 'community', {
 *   orderBy: { name: 'asc' },
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
  Object.defineProperty(generated, 'name', { value: `${field.charAt(0).toUpperCase()}${field.slice(1)}ListResolver` });
  const list = options.rows ? rowsByForeignKey : loadByForeignKey;
  generated.prototype[field] = (root: P, ctx: GongzhiContext) =>
    list(ctx, child() as EntityName<C>, foreignKey, root.uuid, options.orderBy ?? {});
  const descriptor = Object.getOwnPropertyDescriptor(generated.prototype, field)!;
  Resolver(parent)(generated);
  FieldResolver(() => [child()], { description: options.description })(generated.prototype, field, descriptor);
  Root()(generated.prototype, field, 0);
  Ctx()(generated.prototype, field, 1);
  return generated;
}
