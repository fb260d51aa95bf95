import { MoralBankPermission } from './moral-bank.permissions.js';
import {
  actingPerson,
  authorize,
  batchLoader,
  type GongzhiContext,
  loadById,
  Place,
  PlaceType,
  requireVisible,
  requirePlace,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MoralBankAccount } from './account.entity.js';
import { allocatePriorityRequests, book, cancel, configureVenue, markNoShow } from './booking.service.js';
import { bankOptions } from './moral-bank.service.js';
import { MoralBankTransaction } from './transaction.entity.js';
import { BookingStatus, MoralBankBooking, MoralBankVenuePolicy, OpeningHours, PriorityWindow } from './venue.entity.js';

@InputType({ description: 'How a venue is booked with moral-bank minutes.' })
export class MoralBankVenuePolicyInput {
  @Field(() => ID, { description: 'A place of type venue.' })
  venueId!: string;

  @Field(() => String, { nullable: true, description: 'IANA time zone; defaults to the plugin option (Asia/Shanghai).' })
  timeZone?: string | null;

  @Field(() => [OpeningHours])
  openingHours!: OpeningHours[];

  @Field(() => Int, { description: 'Longest booking outside priority windows, 15 to 1440 minutes.' })
  maxMinutes!: number;

  @Field(() => Int, { defaultValue: 1440, description: 'Cancelling at least this many minutes before the start refunds in full.' })
  refundCutoffMinutes!: number;

  @Field(() => Int, { defaultValue: 100, description: 'Percent of a booking kept when nobody comes.' })
  noShowForfeitPercent!: number;

  @Field(() => [PriorityWindow], { nullable: true })
  priorityWindows?: PriorityWindow[] | null;
}

@InputType({ description: 'A venue booking paid from a moral-bank account.' })
export class MoralBankBookingInput {
  @Field(() => ID)
  venueId!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date)
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  purpose?: string | null;
}

@Resolver(() => MoralBankBooking)
export class MoralBankBookingResolver {
  @Mutation(() => MoralBankVenuePolicy, {
    description: 'Sets how a venue is booked: opening hours, longest booking, refund cut-off, no-show rule, priority windows.',
  })
  async configureMoralBankVenue(
    @Arg('input', () => MoralBankVenuePolicyInput) input: MoralBankVenuePolicyInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankVenuePolicy> {
    const venue = await requirePlace(ctx, input.venueId, 'venueId', [PlaceType.VENUE]);
    await authorize(ctx, MoralBankPermission.MANAGE, venue.path);
    return configureVenue(ctx, venue, input, bankOptions(ctx));
  }

  @Mutation(() => MoralBankBooking, {
    description:
      'Books a venue, debiting its length in minutes. Inside a priority window the booking is REQUESTED and served later in priority order.',
  })
  async bookMoralBankVenue(
    @Arg('input', () => MoralBankBookingInput) input: MoralBankBookingInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankBooking> {
    const actor = await actingPerson(ctx);
    const venue = await requirePlace(ctx, input.venueId, 'venueId', [PlaceType.VENUE]);
    const account = await requireVisible(ctx, ctx.em, MoralBankAccount, 'MoralBankAccount', input.accountId, 'accountId');
    return book(ctx, { venue, account, startsAt: input.startsAt, endsAt: input.endsAt, purpose: input.purpose?.trim() || null }, actor);
  }

  @Mutation(() => MoralBankBooking, {
    description: "Cancels a booking before it starts; refunded in full when before the venue's cut-off.",
  })
  async cancelMoralBankBooking(@Arg('bookingId', () => ID) bookingId: string, @Ctx() ctx: GongzhiContext): Promise<MoralBankBooking> {
    const actor = await actingPerson(ctx);
    const booking = await requireVisible(ctx, ctx.em, MoralBankBooking, 'MoralBankBooking', bookingId, 'bookingId');
    await ctx.em.populate(booking, ['account']);
    return cancel(ctx, booking, actor);
  }

  @Mutation(() => MoralBankBooking, {
    description: "Records that nobody came; the venue's no-show rule decides the refund. The account's own holder cannot record it.",
  })
  async markMoralBankNoShow(@Arg('bookingId', () => ID) bookingId: string, @Ctx() ctx: GongzhiContext): Promise<MoralBankBooking> {
    const actor = await actingPerson(ctx);
    const booking = await requireVisible(ctx, ctx.em, MoralBankBooking, 'MoralBankBooking', bookingId, 'bookingId');
    await ctx.em.populate(booking, ['account']);
    if (booking.account.person?.uuid === actor.uuid)
      throw userError('NOT_ALLOWED', 'Nobody records their own no-show; venue staff do.', 'bookingId');
    return markNoShow(ctx, booking, actor);
  }

  @Mutation(() => [MoralBankBooking], {
    description:
      "Serves a venue's requested bookings in priority order (most activity points first): each is confirmed and debited, or declined.",
  })
  async allocateMoralBankPriorityRequests(
    @Arg('venueId', () => ID) venueId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankBooking[]> {
    const actor = await actingPerson(ctx);
    const venue = await requirePlace(ctx, venueId, 'venueId', [PlaceType.VENUE]);
    await authorize(ctx, MoralBankPermission.MANAGE, venue.path);
    return allocatePriorityRequests(ctx, venue, actor);
  }

  @Query(() => [MoralBankBooking], { description: "A venue's bookings overlapping [from, to), by start; at most 500." })
  async moralBankBookings(
    @Arg('venueId', () => ID) venueId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('status', () => [BookingStatus], { nullable: true }) status: BookingStatus[] | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankBooking[]> {
    const venue = await requirePlace(ctx, venueId, 'venueId', [PlaceType.VENUE]);
    if (to <= from) throw userError('BAD_USER_INPUT', '"to" must be after "from".', 'to');
    return ctx.em.find(
      MoralBankBooking,
      { venueUuid: venue.uuid, startsAt: { $lt: to }, endsAt: { $gt: from }, ...(status?.length ? { status: { $in: status } } : {}) },
      { orderBy: { startsAt: 'asc', uuid: 'asc' }, limit: 500 },
    );
  }

  @FieldResolver(() => Place)
  async venue(@Root() booking: MoralBankBooking, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, booking.venueUuid))!;
  }

  @FieldResolver(() => MoralBankAccount)
  async account(@Root() booking: MoralBankBooking, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount> {
    return (await loadById(ctx, MoralBankAccount, booking.account.uuid))!;
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

/** Adds `Place.moralBankVenuePolicy`. */
@Resolver(() => Place)
export class PlaceMoralBankVenueResolver {
  @FieldResolver(() => MoralBankVenuePolicy, {
    nullable: true,
    description: 'How this venue is booked with moral-bank minutes (plugin moral-bank).',
  })
  moralBankVenuePolicy(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<MoralBankVenuePolicy | null> | null {
    if (place.type !== PlaceType.VENUE) return null;
    return batchLoader<string, MoralBankVenuePolicy | null>(ctx, 'MoralBankVenuePolicy#byVenue', async (ids) => {
      const rows = await ctx.em.find(MoralBankVenuePolicy, { venueUuid: { $in: [...ids] } });
      return ids.map((id) => rows.find((r) => r.venueUuid === id) ?? null);
    }).load(place.uuid);
  }
}
