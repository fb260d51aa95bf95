import { type ConnectionOrder, type GongzhiContext, hasMany, Organization, payloadType, perform, type Ref, RefArg } from '@gongzhi/core';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
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

/** Adoptions by their first day, earliest first. */
const EARLIEST_FIRST: ConnectionOrder<GridAdoption> = { keys: ['startsOn', 'uuid'], direction: 'asc' };

/** Adds `Grid.adoptions`. */
export const GridAdoptionsResolver = hasMany(
  () => Grid,
  'adoptions',
  () => GridAdoption,
  'grid',
  {
    order: EARLIEST_FIRST,
    description: 'Partner units that adopted the grid (共建单位认领), earliest first, a page at a time.',
  },
);

/** Adds `Organization.gridAdoptions` to core's Organization type. */
export const OrganizationGridsResolver = hasMany(
  () => Organization,
  'gridAdoptions',
  () => GridAdoption,
  'organization',
  {
    order: EARLIEST_FIRST,
    description: 'Grids this partner unit adopted (共建单位认领网格), earliest first, a page at a time (plugin grid).',
  },
);
