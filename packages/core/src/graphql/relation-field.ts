import type { EntityName } from '@mikro-orm/core';
import { Field, type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import type { ClassType } from '../plugin/plugin.js';
import { loadById, type ReadContext, refId } from './loaders.js';

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
  const load: MiddlewareFn<GongzhiContext> = async ({ context }, next) => loadRelated(context, target() as never, await next());
  return (prototype, property) => {
    Field(target, options)(prototype, property);
    UseMiddleware(load)(prototype, property);
  };
}
