import {
  BoundedList,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  findPage,
  type GongzhiContext,
  payloadType,
  perform,
  Place,
  PlaceType,
  type Ref,
  RefArg,
  RefField,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { bankMessages } from '../messages.js';
import { venueFreeTimes } from './free-time.queries.js';
import { closeVenue, reopenVenue } from './venue-closure.commands.js';
import { MoralBankVenueClosure } from './venue-closure.entity.js';
import { configureVenue } from './venue.commands.js';
import { MoralBankVenuePolicy, OpeningHours, PriorityWindow } from './venue.entity.js';
import { venuePolicy } from './venue.queries.js';

@InputType({ description: 'How a venue is booked with moral-bank minutes.' })
export class MoralBankVenuePolicyInput {
  @RefField(() => Place, { description: 'A place of type venue.' })
  venueId!: Ref<Place>;

  @Field(() => String, {
    nullable: true,
    description: "IANA time zone; the moral bank's timeZone option (the district's unless set) when omitted.",
  })
  timeZone?: string | null;

  @BoundedList("one venue's weekly opening hours (part of its policy row)")
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

@InputType({ description: 'A time a venue closes (renovation, a lockdown); its bookings then are called off and refunded.' })
export class CloseMoralBankVenueInput {
  @RefField(() => Place, { description: 'A place of type venue that takes moral-bank bookings.' })
  venueId!: Ref<Place>;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date, { description: 'When it opens again; after startsAt, and after now.' })
  endsAt!: Date;

  @Field(() => String, { description: 'Why, told to the bookers (e.g. "活动室装修").' })
  reason!: string;
}

@ObjectType({ description: 'A stretch of one day in which a venue is open and neither booked nor closed (空闲时段).' })
export class MoralBankFreeTime {
  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date)
  endsAt!: Date;

  @Field(() => Int, { description: 'The longest booking that fits here: the stretch, or the longest booking allowed in it when shorter.' })
  longestBooking!: number;

  @Field(() => PriorityWindow, {
    nullable: true,
    description:
      'The priority window the stretch lies in: only accounts with its points may ask, and requests are served in priority order.',
  })
  priorityWindow?: PriorityWindow | null;
}

/** The longest span `freeTimes` reads at once: a month of a venue's calendar. */
export const FREE_TIMES_MAX_DAYS = 31;

export const MoralBankVenueClosurePayload = payloadType('MoralBankVenueClosurePayload', 'closure', () => MoralBankVenueClosure);
const MoralBankVenueClosureConnection = connectionType(MoralBankVenueClosure);
const BY_START: ConnectionOrder<MoralBankVenueClosure> = { keys: ['startsAt', 'uuid'], direction: 'asc' };

export const MoralBankVenuePolicyPayload = payloadType('MoralBankVenuePolicyPayload', 'policy', () => MoralBankVenuePolicy);

@Resolver(() => MoralBankVenuePolicy)
export class MoralBankVenuePolicyResolver {
  @Mutation(() => MoralBankVenuePolicyPayload, {
    description: 'Sets how a venue is booked: opening hours, longest booking, refund cut-off, no-show rule, priority windows.',
  })
  configureMoralBankVenue(@Arg('input', () => MoralBankVenuePolicyInput) input: MoralBankVenuePolicyInput, @Ctx() ctx: GongzhiContext) {
    const { venueId, ...policy } = input;
    return perform(ctx, MoralBankVenuePolicyPayload, configureVenue, { ...policy, venue: venueId });
  }

  @Mutation(() => MoralBankVenueClosurePayload, {
    description:
      'Closes a venue for a time (moral-bank.manage): no booking is made in it, and its bookings then not yet begun are called off, confirmed ones refunded in full.',
  })
  closeMoralBankVenue(@Arg('input', () => CloseMoralBankVenueInput) input: CloseMoralBankVenueInput, @Ctx() ctx: GongzhiContext) {
    const { venueId, ...closure } = input;
    return perform(ctx, MoralBankVenueClosurePayload, closeVenue, { ...closure, venue: venueId });
  }

  @Mutation(() => MoralBankVenueClosurePayload, {
    description:
      "Opens a closed venue again before the closure's end (moral-bank.manage): a closure under way ends now, one not begun is withdrawn. What it called off stays cancelled.",
  })
  reopenMoralBankVenue(@RefArg('closureId', () => MoralBankVenueClosure) closure: Ref<MoralBankVenueClosure>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, MoralBankVenueClosurePayload, reopenVenue, { closure });
  }

  @BoundedList(`at most ${FREE_TIMES_MAX_DAYS} days, a few stretches each (opening hours less bookings)`)
  @FieldResolver(() => [MoralBankFreeTime], {
    description: `When the venue can be booked in [from, to), at most ${FREE_TIMES_MAX_DAYS} days and from now on: its opening hours less the bookings and closures that hold it, a day at a time, cut at the edges of priority windows. Requested bookings hold nothing until served.`,
  })
  async freeTimes(
    @Root() policy: MoralBankVenuePolicy,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankFreeTime[]> {
    if (to <= from) throw bankMessages.afterFrom.error('to');
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    if (days > FREE_TIMES_MAX_DAYS) throw bankMessages.freeTimesSpan.error({ days: FREE_TIMES_MAX_DAYS, given: Math.ceil(days) }, 'to');
    // Bookings start and end on whole minutes, from now on.
    const start = Math.ceil(Math.max(from.getTime(), ctx.now().getTime()) / 60_000) * 60_000;
    const end = Math.floor(to.getTime() / 60_000) * 60_000;
    if (end <= start) return [];
    const rows = await venueFreeTimes(ctx, policy.venueUuid, new Date(start), new Date(end));
    return rows.map((row) => {
      const minutes = Math.floor((new Date(row.ends_at).getTime() - new Date(row.starts_at).getTime()) / 60_000);
      const window = row.priority_window;
      const longest = window ? Math.max(window.maxMinutes, policy.maxMinutes) : policy.maxMinutes;
      return {
        startsAt: new Date(row.starts_at),
        endsAt: new Date(row.ends_at),
        longestBooking: Math.min(minutes, longest),
        priorityWindow: window,
      };
    });
  }

  @FieldResolver(() => MoralBankVenueClosureConnection, {
    description: 'The times the venue is closed, now or ahead, by start, a page at a time.',
  })
  closures(
    @Root() policy: MoralBankVenuePolicy,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<MoralBankVenueClosure>> {
    const now = ctx.now();
    return findPage(ctx, MoralBankVenueClosure, { venueUuid: policy.venueUuid, endsAt: { $gt: now } }, BY_START, page, {
      connection: 'MoralBankVenuePolicy.closures',
      filter: { venue: policy.venueUuid, now },
      defaultSize: 20,
    });
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
    return place.type === PlaceType.VENUE ? venuePolicy(ctx, place.uuid) : null;
  }
}
