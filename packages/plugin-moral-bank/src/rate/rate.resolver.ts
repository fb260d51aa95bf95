import { type GongzhiContext, payloadType, perform, Place, type Ref, RefArg, requireRef } from '@gongzhi/core';
import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { bankOptions } from '../options.js';
import { requireCommunity } from '../place-types.js';
import { setRate } from './rate.commands.js';
import { communityRate } from './rate.queries.js';

@ObjectType({ description: "A community bank's rate: venue minutes earned per minute of verified service." })
export class MoralBankCommunityRate {
  @Field(() => Place)
  community!: Place;

  @Field(() => Int, { description: '"5 for 1" is 5.' })
  rate!: number;
}

export const MoralBankRatePayload = payloadType('MoralBankRatePayload', 'communityRate', () => MoralBankCommunityRate);

@Resolver()
export class MoralBankRateResolver {
  @Mutation(() => MoralBankRatePayload, {
    description:
      'Sets how many venue minutes one minute of verified service earns in a community ("5 for 1" is 5); applies to later earnings.',
  })
  setMoralBankRate(
    @RefArg('communityId', () => Place) community: Ref<Place>,
    @Arg('rate', () => Int) rate: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, MoralBankRatePayload, setRate, { community, rate });
  }

  @Query(() => Int, { description: "A community's rate: venue minutes per minute of verified service." })
  async moralBankRate(@RefArg('communityId', () => Place) community: Ref<Place>, @Ctx() ctx: GongzhiContext): Promise<number> {
    const place = requireCommunity(await requireRef(ctx, community), 'communityId');
    return communityRate(ctx.em, place.uuid, bankOptions(ctx.services).defaultRate);
  }
}
