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
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, Resolver, Root } from 'type-graphql';
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
