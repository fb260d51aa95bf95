import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Request, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GridVisit } from './grid-visit.entity.js';

/** A need or problem found during a visit; it may open a request (at most one). */
@Entity({ schema: 'grid', tableName: 'grid_finding' })
@ObjectType({ implements: Node, description: 'A need or problem found during a household visit; it may have opened a request.' })
export class GridFinding implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'category' | 'request';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('GridFinding', this.uuid);
  }

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

  @Property({ type: 'datetime' })
  @Field(() => Date)
  createdAt: Date = new Date();
}
