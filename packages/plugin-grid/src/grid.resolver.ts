import { type GongzhiContext, loadByForeignKey, Place, PlaceType, requirePlace } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Grid } from './grid.entity.js';

@Resolver(() => Grid)
export class GridResolver {
  @Mutation(() => Grid, { description: 'Creates a grid in a community.' })
  async createGrid(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Grid> {
    const community = await requirePlace(ctx.em, communityId, 'communityId', [PlaceType.COMMUNITY]);
    const grid = ctx.em.create(Grid, { name: name.trim(), community });
    await ctx.em.flush();
    return grid;
  }
}

/** Adds `Place.grids` to core's Place type. */
@Resolver(() => Place)
export class PlaceGridsResolver {
  @FieldResolver(() => [Grid], { description: 'Grids of this community (plugin grid).' })
  async grids(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    return loadByForeignKey(ctx, Grid, 'community', place.uuid, { name: 'asc' });
  }
}
