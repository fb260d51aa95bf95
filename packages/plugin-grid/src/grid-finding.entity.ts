import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Request } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { GridVisit } from './grid-visit.entity.js';

/** A need or problem found during a visit; it may open a request (at most one). */
@Entity({ schema: 'grid', tableName: 'grid_finding' })
@ObjectType({ implements: Node, description: 'A need or problem found during a household visit; it may have opened a request.' })
export class GridFinding extends NodeEntity<'category' | 'request'> {
  @ManyToOne(() => GridVisit, { deleteRule: 'cascade' })
  visit!: GridVisit;

  @Property({ type: 'text' })
  @Field(() => String)
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  category?: string | null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null' })
  request?: Request | null;

  @Field(() => Date)
  override createdAt!: Date;
}
