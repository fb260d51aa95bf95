import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, RelationField } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';

/** A weekly grid meeting (周一网格议事会) held; the next hand-off starts after the latest one. */
@Entity({ schema: 'grid', tableName: 'grid_meeting' })
@ObjectType({ implements: Node, description: 'A weekly grid meeting (周一网格议事会) that was held.' })
export class GridMeeting extends NodeEntity<'notes' | 'recordedBy'> {
  @ManyToOne(() => Grid, { deleteRule: 'cascade' })
  @RelationField(() => Grid)
  grid!: Grid;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  heldAt!: Date;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true })
  recordedBy?: Person | null;
}
