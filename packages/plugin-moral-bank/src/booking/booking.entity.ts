import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MoralBankAccount } from '../account/account.entity.js';

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

/** A reservation of a venue paid in moral-bank minutes. Inserted by SQL (booking.commands.ts), so an overlap fails on the exclusion constraint at once. */
@Entity({ schema: 'moral_bank', tableName: 'booking' })
@ObjectType({ implements: Node, description: 'A booking of a venue paid with moral-bank minutes.' })
export class MoralBankBooking extends NodeEntity {
  @Property({ type: 'uuid', fieldName: 'venue_id' })
  venueUuid!: string;

  @ManyToOne(() => MoralBankAccount, { deleteRule: 'restrict' })
  @RelationField(() => MoralBankAccount)
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
