import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  loadById,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  RefField,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MoralBankAccount } from '../account/account.entity.js';
import { requireVenue } from '../place-types.js';
import { MoralBankTransaction } from '../transaction/transaction.entity.js';
import { allocatePriorityRequests, bookVenue, cancelBooking, markNoShow } from './booking.commands.js';
import { BookingStatus, MoralBankBooking } from './booking.entity.js';
import { bookingsOfVenue } from './booking.queries.js';
import { bankMessages } from '../messages.js';

@InputType({ description: 'A venue booking paid from a moral-bank account.' })
export class MoralBankBookingInput {
  @RefField(() => Place, { description: 'A place of type venue whose rules were configured.' })
  venueId!: Ref<Place>;

  @RefField(() => MoralBankAccount, { description: "An account of the venue's community bank that the signed-in person may spend from." })
  accountId!: Ref<MoralBankAccount>;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date)
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  purpose?: string | null;
}

export const MoralBankBookingPayload = payloadType('MoralBankBookingPayload', 'booking', () => MoralBankBooking);
export const MoralBankBookingsPayload = payloadType('MoralBankBookingsPayload', 'bookings', () => [MoralBankBooking]);
const MoralBankBookingConnection = connectionType(MoralBankBooking);

@Resolver(() => MoralBankBooking)
export class MoralBankBookingResolver {
  @Mutation(() => MoralBankBookingPayload, {
    description:
      'Books a venue, debiting its length in minutes. Inside a priority window the booking is REQUESTED and served later in priority order.',
  })
  bookMoralBankVenue(@Arg('input', () => MoralBankBookingInput) input: MoralBankBookingInput, @Ctx() ctx: GongzhiContext) {
    const { venueId, accountId, ...slot } = input;
    return perform(ctx, MoralBankBookingPayload, bookVenue, { ...slot, venue: venueId, account: accountId });
  }

  @Mutation(() => MoralBankBookingPayload, {
    description: "Cancels a booking before it starts; refunded in full when before the venue's cut-off.",
  })
  cancelMoralBankBooking(@RefArg('bookingId', () => MoralBankBooking) booking: Ref<MoralBankBooking>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, MoralBankBookingPayload, cancelBooking, { booking });
  }

  @Mutation(() => MoralBankBookingPayload, {
    description: "Records that nobody came; the venue's no-show rule decides the refund. The account's own holder cannot record it.",
  })
  markMoralBankNoShow(@RefArg('bookingId', () => MoralBankBooking) booking: Ref<MoralBankBooking>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, MoralBankBookingPayload, markNoShow, { booking });
  }

  @Mutation(() => MoralBankBookingsPayload, {
    description:
      "Serves a venue's requested bookings in priority order (most activity points first): each is confirmed and debited, or declined.",
  })
  allocateMoralBankPriorityRequests(@RefArg('venueId', () => Place) venue: Ref<Place>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, MoralBankBookingsPayload, allocatePriorityRequests, { venue });
  }

  @Query(() => MoralBankBookingConnection, { description: "A venue's bookings overlapping [from, to), by start, a page at a time." })
  async moralBankBookings(
    @RefArg('venueId', () => Place) venueRef: Ref<Place>,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('status', () => [BookingStatus], { nullable: true }) status: BookingStatus[] | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<MoralBankBooking>> {
    const venue = requireVenue(await requireRef(ctx, venueRef), 'venueId');
    if (to <= from) throw bankMessages.afterFrom.error('to');
    return bookingsOfVenue(ctx, venue.uuid, from, to, status ?? null, page);
  }

  @FieldResolver(() => Place)
  async venue(@Root() booking: MoralBankBooking, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, booking.venueUuid))!;
  }

  @FieldResolver(() => MoralBankTransaction, { nullable: true, description: 'The debit, once confirmed.' })
  debitTransaction(@Root() booking: MoralBankBooking, @Ctx() ctx: GongzhiContext): Promise<MoralBankTransaction | null> | null {
    return booking.debitTransactionUuid ? loadById(ctx, MoralBankTransaction, booking.debitTransactionUuid) : null;
  }

  @FieldResolver(() => MoralBankTransaction, { nullable: true, description: 'The refund, if any.' })
  refundTransaction(@Root() booking: MoralBankBooking, @Ctx() ctx: GongzhiContext): Promise<MoralBankTransaction | null> | null {
    return booking.refundTransactionUuid ? loadById(ctx, MoralBankTransaction, booking.refundTransactionUuid) : null;
  }
}
