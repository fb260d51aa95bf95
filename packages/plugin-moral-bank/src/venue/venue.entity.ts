import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { BoundedList, Place } from '@gongzhi/core';
import { Field, InputType, Int, ObjectType } from 'type-graphql';

/** Opening hours of one weekday. */
@ObjectType('MoralBankOpeningHours', {
  description: 'A venue is open on `weekday` (1 = Monday … 7 = Sunday) from `opens` to `closes` (HH:MM, local time).',
})
@InputType('MoralBankOpeningHoursInput')
export class OpeningHours {
  @Field(() => Int)
  weekday!: number;

  @Field(() => String)
  opens!: string;

  @Field(() => String)
  closes!: string;
}

/** A priority window (积分换场地): reserved for active accounts, with longer slots. */
@ObjectType('MoralBankPriorityWindow', {
  description:
    'On `weekday` from `starts` to `ends`, only accounts with at least `minPoints` activity points may book, up to `maxMinutes`; requests are served in priority order.',
})
@InputType('MoralBankPriorityWindowInput')
export class PriorityWindow {
  @Field(() => Int)
  weekday!: number;

  @Field(() => String)
  starts!: string;

  @Field(() => String)
  ends!: string;

  @Field(() => Int, { description: 'Service minutes verified in the last 365 days that an account needs.' })
  minPoints!: number;

  @Field(() => Int, { description: 'Longest booking inside the window.' })
  maxMinutes!: number;
}

/** How a venue (a core place of type venue) is booked through the moral bank. */
@Entity({ schema: 'moral_bank', tableName: 'venue_policy' })
@ObjectType({ description: 'How a venue is booked with moral-bank minutes: hours, longest booking, refunds, no-shows, priority windows.' })
export class MoralBankVenuePolicy {
  @PrimaryKey({ type: 'uuid', fieldName: 'venue_id' })
  venueUuid!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  community!: Place;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'IANA time zone of the opening hours.' })
  timeZone!: string;

  @Property({ type: 'json' })
  @BoundedList("one venue's weekly opening hours (part of its policy row)")
  @Field(() => [OpeningHours])
  openingHours!: OpeningHours[];

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Longest booking outside priority windows, in minutes.' })
  maxMinutes!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'A cancellation at least this many minutes before the start is refunded in full.' })
  refundCutoffMinutes!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Share of a booking kept when nobody comes (100: all; 0: all refunded).' })
  noShowForfeitPercent!: number;

  @Property({ type: 'json' })
  @BoundedList("one venue's weekly priority windows (part of its policy row)")
  @Field(() => [PriorityWindow])
  priorityWindows!: PriorityWindow[];

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
