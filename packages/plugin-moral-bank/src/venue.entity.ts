import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place } from '@gongzhi/core';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MoralBankAccount } from './account.entity.js';

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
  @Field(() => [PriorityWindow])
  priorityWindows!: PriorityWindow[];

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

export enum BookingStatus {
  /** Inside a priority window: waits for allocation in priority order; nothing debited yet. */
  REQUESTED = 'requested',
  CONFIRMED = 'confirmed',
  CANCELLED = 'cancelled',
  NO_SHOW = 'no_show',
  DECLINED = 'declined',
}
registerEnumType(BookingStatus, {
  name: 'MoralBankBookingStatus',
  description: 'Requested (priority window), confirmed, cancelled, no-show or declined.',
});

/** A reservation of a venue paid in moral-bank minutes. Written by SQL in the booking service. */
@Entity({ schema: 'moral_bank', tableName: 'booking' })
@ObjectType({ implements: Node, description: 'A booking of a venue paid with moral-bank minutes.' })
export class MoralBankBooking extends NodeEntity {
  @Property({ type: 'uuid', fieldName: 'venue_id' })
  venueUuid!: string;

  @ManyToOne(() => MoralBankAccount, { deleteRule: 'restrict' })
  account!: MoralBankAccount;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  startsAt!: Date;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  endsAt!: Date;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Minutes it costs (its length).' })
  minutes!: number;

  @Enum({ items: () => BookingStatus, nativeEnumName: 'moral_bank.booking_status' })
  @Field(() => BookingStatus)
  status!: BookingStatus;

  @Property({ type: 'boolean' })
  @Field(() => Boolean)
  inPriorityWindow!: boolean;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'The account’s activity points when it asked: the order requests are served in.' })
  priorityPoints!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  purpose?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  bookedBy?: Person | null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'debit_transaction_id' })
  debitTransactionUuid?: string | null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'refund_transaction_id' })
  refundTransactionUuid?: string | null;

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  updatedAt!: Date;
}
