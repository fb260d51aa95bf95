import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType } from '@mikro-orm/core';
import { DEFAULT_TIME_ZONE, GlobalIdEntity, Node, NodeEntity, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';

/**
 * A recurring shift rule (every weekend morning; every evening 19:00–21:00; a checkpoint
 * rota). It holds no slots itself: `materializeVolunteerShifts` turns it into slots for a
 * date range, once per day (a unique key makes repeating it harmless).
 */
@Entity({ schema: 'volunteer', tableName: 'shift_schedule' })
@ObjectType({ implements: Node, description: 'A recurring shift rule; slots are materialised from it for a date range on demand.' })
export class VolunteerShiftSchedule extends NodeEntity<'timeZone' | 'validUntil'> {
  @ManyToOne(() => VolunteerTeam, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerTeam)
  team!: VolunteerTeam;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
  place!: Place;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @Property({ type: new ArrayType((i: string) => Number(i)), columnType: 'smallint[]' })
  @Field(() => [Int], { description: 'ISO weekdays the shift runs on: 1 = Monday … 7 = Sunday.' })
  weekdays!: number[];

  @Property({ type: 'time' })
  @Field(() => String, { description: 'Local start time, HH:MM:SS.' })
  startTime!: string;

  @Property({ type: 'time' })
  @Field(() => String, { description: 'Local end time, HH:MM:SS; at or before the start time means the next day.' })
  endTime!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'IANA time zone the times are in.' })
  timeZone: string = DEFAULT_TIME_ZONE;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Volunteers per slot.' })
  capacity!: number;

  @Property({ type: 'date' })
  @Field(() => String)
  validFrom!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true })
  validUntil?: string | null;
}

/** One slot: a time, a place and a capacity; `taken` counts active sign-ups. */
@Entity({ schema: 'volunteer', tableName: 'shift' })
@ObjectType({ implements: Node, description: 'A shift slot: when, where, how many volunteers.' })
export class VolunteerShift extends NodeEntity<'taken' | 'schedule' | 'cancelledAt' | 'cancelReason'> {
  @ManyToOne(() => VolunteerTeam, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerTeam)
  team!: VolunteerTeam;

  @ManyToOne(() => VolunteerShiftSchedule, { nullable: true, deleteRule: 'cascade' })
  schedule?: VolunteerShiftSchedule | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
  place!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  startsAt!: Date;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  endsAt!: Date;

  @Property({ type: 'integer' })
  @Field(() => Int)
  capacity!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Active sign-ups.' })
  taken: number = 0;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When the shift was called off (its sign-ups cancelled with it); null while it stands.',
  })
  cancelledAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was called off, for the volunteers it had.' })
  cancelReason?: string | null;
}

/**
 * A person on a shift. The database copies the shift's time range into a hidden `during`
 * column and refuses, by an exclusion constraint, two active sign-ups of one person whose
 * ranges overlap.
 */
@Entity({ schema: 'volunteer', tableName: 'shift_signup' })
@ObjectType({ implements: Node, description: 'A person signed up for a shift, with check-in and check-out.' })
export class VolunteerShiftSignup extends GlobalIdEntity<'signedUpAt' | 'cancelledAt' | 'checkedInAt' | 'checkedOutAt' | 'remindedAt'> {
  @ManyToOne(() => VolunteerShift, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerShift)
  shift!: VolunteerShift;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  signedUpAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  cancelledAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  checkedInAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  checkedOutAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      'When the person was reminded that the shift starts soon (volunteer.shift-reminder); null before, and for a sign-up made inside the reminder time.',
  })
  remindedAt?: Date | null = null;
}
