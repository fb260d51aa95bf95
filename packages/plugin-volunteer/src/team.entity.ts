import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';

/** A volunteer team (志愿服务队) based at a place. */
@Entity({ schema: 'volunteer', tableName: 'team' })
@ObjectType({ implements: Node, description: 'A volunteer team (志愿服务队).' })
export class VolunteerTeam implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'kind';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('VolunteerTeam', this.uuid);
  }

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'What kind of team: mutual aid, youth commando, candle-light patrol, arts…' })
  kind: string = 'mutual_aid';

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @Field(() => Place, { description: 'Where the team is based.' })
  homePlace!: Place;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
