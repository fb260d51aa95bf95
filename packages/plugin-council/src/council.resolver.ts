import { type GongzhiContext, loadByForeignKey, Place, PlaceType, requirePlace } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Council, VotingRule } from './council.entity.js';

@Resolver(() => Council)
export class CouncilResolver {
  @Mutation(() => Council, { description: 'Sets up a deliberation council for a community.' })
  async createCouncil(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('name', () => String) name: string,
    @Arg('votingRule', () => VotingRule, { defaultValue: VotingRule.SIMPLE_MAJORITY }) votingRule: VotingRule,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Council> {
    const community = await requirePlace(ctx.em, communityId, 'communityId', [PlaceType.COMMUNITY]);
    const council = ctx.em.create(Council, { name: name.trim(), votingRule, community });
    await ctx.em.flush();
    return council;
  }
}

/** Adds `Place.councils` to core's Place type. */
@Resolver(() => Place)
export class PlaceCouncilsResolver {
  @FieldResolver(() => [Council], { description: 'Councils of this community (plugin council).' })
  councils(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Council[]> {
    return loadByForeignKey(ctx, Council, 'community', place.uuid, { name: 'asc' });
  }
}
