import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType, BigIntType } from '@mikro-orm/core';
import { Node, NodeEntity, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';

/** Where an application to a recruitment call stands. */
export enum VolunteerApplicationStatus {
  PENDING = 'pending',
  WAITLISTED = 'waitlisted',
  ACCEPTED = 'accepted',
  DECLINED = 'declined',
  WITHDRAWN = 'withdrawn',
}
registerEnumType(VolunteerApplicationStatus, {
  name: 'VolunteerApplicationStatus',
  description: 'PENDING (the leader decides), WAITLISTED (the call was full when signing up), ACCEPTED, DECLINED, WITHDRAWN.',
});

/** A team's call for volunteers (招募): what, where, how many, which skills, until when. */
@Entity({ schema: 'volunteer', tableName: 'recruitment' })
@ObjectType({ implements: Node, description: "A team's call for volunteers (招募)." })
export class VolunteerRecruitment extends NodeEntity<'accepted' | 'skills' | 'description'> {
  @ManyToOne(() => VolunteerTeam, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerTeam)
  team!: VolunteerTeam;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
  place!: Place;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  description: string = '';

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How many volunteers the team wants.' })
  wanted!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How many were accepted so far (never more than wanted).' })
  accepted: number = 0;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String])
  skills: string[] = [];

  @Property({ type: 'datetime' })
  @Field(() => Date, { description: 'Sign-ups close at this time.' })
  openUntil!: Date;

  @Field(() => Date)
  override createdAt!: Date;
}

/** One person's sign-up to a recruitment call. */
@Entity({ schema: 'volunteer', tableName: 'application' })
@ObjectType({ implements: Node, description: 'A sign-up to a recruitment call; the team leader accepts or declines it.' })
export class VolunteerApplication extends NodeEntity<'reason' | 'decidedBy' | 'decidedAt' | 'seq'> {
  @ManyToOne(() => VolunteerRecruitment, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerRecruitment)
  recruitment!: VolunteerRecruitment;

  /** Sign-up order, given by the database (an identity column); a number, so the waitlist sorts 9 before 10. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint', nullable: true })
  seq?: number;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'text' })
  @Field(() => VolunteerApplicationStatus)
  status!: VolunteerApplicationStatus;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was declined.' })
  reason?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  decidedBy?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  decidedAt?: Date | null;

  @Field(() => Date)
  override createdAt!: Date;
}
