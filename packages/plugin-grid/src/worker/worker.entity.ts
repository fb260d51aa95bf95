import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, RelationField } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';

/** A grid worker (网格员) assigned to a grid from `startsOn` to `endsOn` (inclusive; open when null). */
@Entity({ schema: 'grid', tableName: 'grid_worker' })
@ObjectType({
  implements: Node,
  description: 'A grid worker (网格员) assigned to a grid, from startsOn to endsOn (inclusive; open when null).',
})
export class GridWorker extends NodeEntity<'endsOn'> {
  @ManyToOne(() => Grid, { deleteRule: 'cascade' })
  @RelationField(() => Grid)
  grid!: Grid;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; null while the assignment lasts.' })
  endsOn?: string | null;
}
