import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place, RelationField, Request } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';

/** What a volunteer task is. */
export enum VolunteerTaskKind {
  GROCERIES = 'groceries',
  MEDICINE = 'medicine',
  ESCORT = 'escort',
  RUBBISH = 'rubbish',
  HOME_TEST = 'home_test',
  HOUSEWORK = 'housework',
  OTHER = 'other',
}
registerEnumType(VolunteerTaskKind, {
  name: 'VolunteerTaskKind',
  description: 'Deliver groceries, deliver medicine, escort (to hospital), carry rubbish, help nurses with home tests, housework, other.',
});

/** A task's life: open › claimed › done; or cancelled. */
export enum VolunteerTaskStatus {
  OPEN = 'open',
  CLAIMED = 'claimed',
  DONE = 'done',
  CANCELLED = 'cancelled',
}
registerEnumType(VolunteerTaskStatus, {
  name: 'VolunteerTaskStatus',
  description: 'OPEN › CLAIMED (by one volunteer) › DONE (reported); or CANCELLED.',
});

/** A volunteer task: linked to a core request, or standalone; claimed by one volunteer. */
@Entity({ schema: 'volunteer', tableName: 'task' })
@ObjectType({
  implements: Node,
  description: 'A volunteer task (deliver groceries, carry rubbish, escort…), standalone or for a core request.',
})
export class VolunteerTask extends NodeEntity<
  'updatedAt' | 'status' | 'description' | 'team' | 'request' | 'claimedBy' | 'claimedAt' | 'doneAt' | 'report' | 'createdBy'
> {
  @ManyToOne(() => VolunteerTeam, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => VolunteerTeam, { nullable: true })
  team?: VolunteerTeam | null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Request, { nullable: true, description: 'The core request this task serves, if any.' })
  request?: Request | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
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
  @RelationField(() => Person, { nullable: true })
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

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
