import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';

/** A grid (网格): an area of one community that grid workers walk and serve. */
@Entity({ schema: 'grid', tableName: 'grid' })
@ObjectType({ implements: Node, description: 'A grid (网格) of a community, walked by its grid workers.' })
export class Grid implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt';

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
  @Field(() => Place, { description: 'The community the grid belongs to.' })
  community!: Place;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
