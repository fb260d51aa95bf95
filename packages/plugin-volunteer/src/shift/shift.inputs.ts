import { Place, type Ref, RefField } from '@gongzhi/core';
import { Field, InputType, Int } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';

@InputType({ description: 'A recurring shift rule: weekdays, local start and end time, capacity, validity.' })
export class CreateVolunteerShiftScheduleInput {
  @RefField(() => VolunteerTeam)
  teamId!: Ref<VolunteerTeam>;

  @RefField(() => Place, { description: "Where the shifts take place (a checkpoint, a compound…), within the team's community." })
  placeId!: Ref<Place>;

  @Field(() => String)
  title!: string;

  @Field(() => [Int], { description: 'ISO weekdays: 1 = Monday … 7 = Sunday.' })
  weekdays!: number[];

  @Field(() => String, { description: 'Local start time, HH:MM.' })
  startTime!: string;

  @Field(() => String, { description: 'Local end time, HH:MM; at or before the start time means the next day (a night shift).' })
  endTime!: string;

  @Field(() => Int, { description: 'Volunteers per slot (1–1000).' })
  capacity!: number;

  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; open-ended when omitted.' })
  validUntil?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "IANA time zone of the times (e.g. Asia/Shanghai); the volunteers' time zone (the district's unless set) when omitted.",
  })
  timeZone?: string | null;
}

@InputType({ description: 'A one-off shift slot.' })
export class CreateVolunteerShiftInput {
  @RefField(() => VolunteerTeam)
  teamId!: Ref<VolunteerTeam>;

  @RefField(() => Place, { description: "Where, within the team's community." })
  placeId!: Ref<Place>;

  @Field(() => String)
  title!: string;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date, { description: 'After startsAt, at most 24 hours later.' })
  endsAt!: Date;

  @Field(() => Int)
  capacity!: number;
}
