import { type GongzhiContext, loadByForeignKey, Organization, payloadType, perform, type Ref, RefArg } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { adoptGrid } from './adoption.commands.js';
import { GridAdoption } from './adoption.entity.js';

export const GridAdoptionPayload = payloadType('GridAdoptionPayload', 'adoption', () => GridAdoption);

@Resolver(() => GridAdoption)
export class GridAdoptionResolver {
  @Mutation(() => GridAdoptionPayload, {
    description:
      "Records that a partner unit adopts a grid (共建单位认领网格): its members then see (gridWork) and take (claimGridRequest) the grid's requests. The unit may sit anywhere in the grid's subdistrict.",
  })
  adoptGrid(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @RefArg('organizationId', () => Organization) organization: Ref<Organization>,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('note', () => String, { nullable: true }) note: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridAdoptionPayload, adoptGrid, { grid, organization, startsOn, note: note ?? null });
  }
}

/** Adds `Grid.adoptions`. */
@Resolver(() => Grid)
export class GridAdoptionsResolver {
  @FieldResolver(() => [GridAdoption], { description: 'Partner units that adopted the grid (共建单位认领).' })
  adoptions(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<GridAdoption[]> {
    return loadByForeignKey(ctx, GridAdoption, 'grid', grid.uuid, { startsOn: 'asc' });
  }
}

/** Adds `Organization.gridAdoptions` to core's Organization type. */
@Resolver(() => Organization)
export class OrganizationGridsResolver {
  @FieldResolver(() => [GridAdoption], { description: 'Grids this partner unit adopted (共建单位认领网格) (plugin grid).' })
  gridAdoptions(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<GridAdoption[]> {
    return loadByForeignKey(ctx, GridAdoption, 'organization', organization.uuid, { startsOn: 'asc' });
  }
}
