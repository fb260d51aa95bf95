import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { NodeEntity, Place } from '@gongzhi/core';
import { GridKind } from './grid-enums.js';
import { Grid } from './grid.entity.js';

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
