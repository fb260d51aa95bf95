import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Place } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { GridKind } from './grid-enums.js';

/**
 * A grid (网格) of a community, or a micro-grid (微网格) nested in one. Which places it covers
 * is in {@link GridPlace}; a place is covered by at most one grid of each kind.
 */
@Entity({ schema: 'grid', tableName: 'grid' })
@ObjectType({ implements: Node, description: 'A grid (网格) or micro-grid (微网格) of a community, walked by its grid workers.' })
export class Grid extends NodeEntity<'kind' | 'parent'> {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  community!: Place;

  @Property({ type: 'text' })
  @Field(() => GridKind)
  kind: GridKind = GridKind.GRID;

  /** The grid a micro-grid nests in; null for a grid. */
  @ManyToOne(() => Grid, { nullable: true, deleteRule: 'restrict' })
  parent?: Grid | null;

  @Field(() => Date)
  override createdAt!: Date;
}
