import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GridKind } from './grid-enums.js';

/**
 * A grid (网格) of a community, or a micro-grid (微网格) nested in one. Which places it covers
 * is in {@link GridPlace}; a place is covered by at most one grid of each kind.
 */
@Entity({ schema: 'grid', tableName: 'grid' })
@ObjectType({ implements: Node, description: 'A grid (网格) or micro-grid (微网格) of a community, walked by its grid workers.' })
export class Grid implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'kind' | 'parent';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Grid', this.uuid);
  }

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

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt: Date = new Date();
}
