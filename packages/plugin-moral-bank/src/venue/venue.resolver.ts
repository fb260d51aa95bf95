import { BoundedList, type GongzhiContext, payloadType, perform, Place, PlaceType, type Ref, RefField } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Resolver, Root } from 'type-graphql';
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
