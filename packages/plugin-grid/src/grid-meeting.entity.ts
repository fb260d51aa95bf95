import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Person, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Grid } from './grid.entity.js';

/** A weekly grid meeting (周一网格议事会) held; the next hand-off starts after the latest one. */
@Entity({ schema: 'grid', tableName: 'grid_meeting' })
@ObjectType({ implements: Node, description: 'A weekly grid meeting (周一网格议事会) that was held.' })
export class GridMeeting implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'notes' | 'recordedBy';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('GridMeeting', this.uuid);
  }

  @ManyToOne(() => Grid, { deleteRule: 'cascade' })
  grid!: Grid;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  heldAt!: Date;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  recordedBy?: Person | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
