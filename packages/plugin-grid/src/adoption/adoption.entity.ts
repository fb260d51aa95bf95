import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Organization, RelationField } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';

/** A partner unit's adoption of a grid (共建单位认领网格): its members see and take the grid's work. */
@Entity({ schema: 'grid', tableName: 'grid_adoption' })
@ObjectType({
  implements: Node,
  description: "A partner unit's adoption of a grid (共建单位认领网格); its members see and take the grid's work.",
})
export class GridAdoption extends NodeEntity<'endsOn' | 'note'> {
  @ManyToOne(() => Grid, { deleteRule: 'cascade' })
  @RelationField(() => Grid)
  grid!: Grid;

  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  @RelationField(() => Organization)
  organization!: Organization;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; null while it lasts.' })
  endsOn?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  note?: string | null;
}
