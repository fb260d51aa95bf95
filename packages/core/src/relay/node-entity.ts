import { OptionalProps } from '@mikro-orm/core';
import { PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { getMetadataStorage } from 'type-graphql';
import { toGlobalId } from './global-id.js';
import type { Node } from './node.js';

/** An entity class, concrete or abstract. */
export type EntityClass = abstract new (...args: never[]) => object;

const typeNames = new WeakMap<EntityClass, string>();

/**
 * The GraphQL object type name of an entity class: the name its `@ObjectType` gives it, or
 * the class name when it has none. Global ids carry this name, and `node(id:)` reads it back.
 */
export function graphQLTypeName(entityClass: EntityClass): string {
  let name = typeNames.get(entityClass);
  if (name === undefined) {
    name = getMetadataStorage().objectTypes.find((type) => type.target === entityClass)?.name ?? entityClass.name;
    typeNames.set(entityClass, name);
  }
  return name;
}

/**
 * Base of an entity with a uuid primary key (column `id`) and a Relay global id, for the
 * few entities that have no `createdAt` column of their own; every other entity extends
 * {@link NodeEntity}.
 *
 * It carries no GraphQL decorator on purpose: a GraphQL type that declares
 * `@ObjectType({ implements: Node })` gets its `id` field from the Node interface, which reads
 * the getter here. The base must not implement Node itself, or type-graphql would resolve
 * every node to the base type.
 *
 * `Optional` names the subclass's own properties that `em.create` may omit (MikroORM's
 * `[OptionalProps]`); `uuid` is always optional.
 */
export abstract class GlobalIdEntity<Optional extends string = never> implements Node {
  [OptionalProps]?: 'uuid' | Optional;

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  /** Relay global id: the entity's GraphQL type name and its uuid. */
  get id(): string {
    return toGlobalId(graphQLTypeName(this.constructor as EntityClass), this.uuid);
  }
}

/**
 * Base of (almost) every Gongzhi entity, core's and plugins': a uuid primary key (column
 * `id`), a Relay global id named after the entity's GraphQL type, and `createdAt` (set by
 * the database when a row is inserted by SQL, by the constructor otherwise).
 *
 * ```ts
 * @Entity({ schema: 'grid', tableName: 'grid' })
 * @ObjectType({ implements: Node, description: 'A grid (网格) of a community.' })
 * export class Grid extends NodeEntity<'kind' | 'parent'> {
 *   // own columns only; to expose createdAt in GraphQL:
 *   @Field(() => Date)
 *   override createdAt!: Date;
 * }
 * ```
 *
 * `createdAt` is not a GraphQL field unless the entity redeclares it with `@Field`, as above
 * (the `!` declaration emits nothing, so the default here still applies). Keep
 * `@ObjectType({ implements: Node })` on each entity, never on a base class.
 *
 * `Optional` names the entity's own properties that `em.create` may omit (MikroORM's
 * `[OptionalProps]`); `uuid` and `createdAt` are always optional.
 */
export abstract class NodeEntity<Optional extends string = never> extends GlobalIdEntity<'createdAt' | Optional> {
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
