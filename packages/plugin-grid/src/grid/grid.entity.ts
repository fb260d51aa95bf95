import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Place, RelationField } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** A grid (网格) covers compounds or buildings; a micro-grid (微网格) nests in one and covers buildings, units or households. */
export enum GridKind {
  GRID = 'grid',
  MICRO_GRID = 'micro_grid',
}

registerEnumType(GridKind, { name: 'GridKind', description: 'Grid (网格) or micro-grid (微网格).' });

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
  @RelationField(() => Place, { description: 'The community the grid belongs to.' })
  community!: Place;

  @Property({ type: 'text' })
  @Field(() => GridKind)
  kind: GridKind = GridKind.GRID;

  /** The grid a micro-grid nests in; null for a grid. */
  @ManyToOne(() => Grid, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Grid, { nullable: true, description: 'For a micro-grid: the grid it nests in.' })
  parent?: Grid | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/**
 * One place a grid covers, with everything under it. `gridKind` repeats the grid's kind so
 * the database can keep "at most one grid of each kind per place"; `placePath` copies the
 * place's materialized path so "which grid covers X" is a prefix match.
 */
@Entity({ schema: 'grid', tableName: 'grid_place' })
export class GridPlace extends NodeEntity {
  @ManyToOne(() => Grid, { deleteRule: 'cascade' })
  grid!: Grid;

  @Property({ type: 'text' })
  gridKind!: GridKind;

  @ManyToOne(() => Place, { deleteRule: 'cascade' })
  place!: Place;

  @Property({ type: 'text' })
  placePath!: string;
}
