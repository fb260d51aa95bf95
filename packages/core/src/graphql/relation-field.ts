import { Field, type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import type { ClassType } from '../plugin/plugin.js';
import { loadById, refId } from './loaders.js';

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
  const load: MiddlewareFn<GongzhiContext> = async ({ context }, next) => {
    const id = refId(await next());
    return id ? loadById(context, target() as never, id) : null;
  };
  return (prototype, property) => {
    Field(target, options)(prototype, property);
    UseMiddleware(load)(prototype, property);
  };
}
