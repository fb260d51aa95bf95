import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Person, Place, Request, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerTaskKind, VolunteerTaskStatus } from './volunteer.enums.js';

/** A volunteer task: linked to a core request, or standalone; claimed by one volunteer. */
@Entity({ schema: 'volunteer', tableName: 'task' })
@ObjectType({
  implements: Node,
  description: 'A volunteer task (deliver groceries, carry rubbish, escort…), standalone or for a core request.',
})
export class VolunteerTask implements Node {
  [OptionalProps]?:
    | 'uuid'
    | 'createdAt'
    | 'updatedAt'
    | 'status'
    | 'description'
    | 'team'
    | 'request'
    | 'claimedBy'
    | 'claimedAt'
    | 'doneAt'
    | 'report'
    | 'createdBy';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('VolunteerTask', this.uuid);
  }

  @ManyToOne(() => VolunteerTeam, { nullable: true, deleteRule: 'set null' })
  team?: VolunteerTeam | null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null' })
  request?: Request | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  place!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @Property({ type: 'text' })
  @Field(() => VolunteerTaskKind)
  kind!: VolunteerTaskKind;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  description: string = '';

  @Property({ type: 'text' })
  @Field(() => VolunteerTaskStatus)
  status: VolunteerTaskStatus = VolunteerTaskStatus.OPEN;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  claimedBy?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  claimedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  doneAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "The volunteer's report when done." })
  report?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  createdBy?: Person | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
