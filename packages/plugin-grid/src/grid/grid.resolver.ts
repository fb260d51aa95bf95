import {
  type GongzhiContext,
  loadByForeignKey,
  loadPlace,
  loadRef,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  refId,
  Request,
} from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { addGridPlaces, createGrid } from './grid.commands.js';
import { Grid, GridKind, GridPlace } from './grid.entity.js';
import { loadCovering, loadOpenRequestCount } from './grid.queries.js';

export const GridPayload = payloadType('GridPayload', 'grid', () => Grid);

@Resolver(() => Grid)
export class GridResolver {
  @Query(() => Grid, { nullable: true, description: 'One grid or micro-grid by its global id.' })
  grid(@RefArg('id', () => Grid) id: Ref<Grid>, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return loadRef(ctx, id);
  }

  @Mutation(() => GridPayload, {
    description: 'Creates a grid in a community, or a micro-grid in a grid (give parentId), covering the places given.',
  })
  createGrid(
    @RefArg('communityId', () => Place) community: Ref<Place>,
    @Arg('name', () => String) name: string,
    @Arg('kind', () => GridKind, { defaultValue: GridKind.GRID }) kind: GridKind,
    @RefArg('parentId', () => Grid, { nullable: true, description: 'For a micro-grid: the grid it nests in.' })
    parent: Ref<Grid> | null | undefined,
    @RefArg('placeIds', () => [Place], {
      defaultValue: [],
      description: 'Places it covers: compounds or buildings for a grid; buildings, units or households for a micro-grid.',
    })
    places: Ref<Place>[],
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridPayload, createGrid, { community, name, kind, parent: parent ?? null, places });
  }

  @Mutation(() => GridPayload, {
    description: "Adds places to a grid's coverage; refuses overlaps with another grid of the same kind (GRID_OVERLAP).",
  })
  addGridPlaces(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @RefArg('placeIds', () => [Place]) places: Ref<Place>[],
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridPayload, addGridPlaces, { grid, places });
  }

  @FieldResolver(() => [Grid], { description: 'The micro-grids nested in this grid.' })
  microGrids(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    return loadByForeignKey(ctx, Grid, 'parent', grid.uuid, { name: 'asc' });
  }

  @FieldResolver(() => [Place], { description: 'The places the grid covers (with everything under them).' })
  async places(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    const rows = await loadByForeignKey(ctx, GridPlace, 'grid', grid.uuid, { placePath: 'asc' });
    return (await Promise.all(rows.map((r) => loadPlace(ctx, refId(r.place)!)))).filter((p): p is Place => p !== null);
  }

  @FieldResolver(() => Int, { description: 'How many requests under the grid are still open.' })
  openRequestCount(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<number> {
    return loadOpenRequestCount(ctx, grid.uuid);
  }
}

/** Adds the grid plugin's fields to core's Place type. */
@Resolver(() => Place)
export class PlaceGridsResolver {
  @FieldResolver(() => [Grid], { description: 'Grids and micro-grids of this community (plugin grid).' })
  grids(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    return loadByForeignKey(ctx, Grid, 'community', place.uuid, { name: 'asc' });
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid covering this place (it or an ancestor), if any (plugin grid).' })
  async grid(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, place.path)).grid;
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The micro-grid covering this place, if any (plugin grid).' })
  async microGrid(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, place.path)).microGrid;
  }
}

/** Adds `Request.grid` to core's Request type. */
@Resolver(() => Request)
export class RequestGridResolver {
  @FieldResolver(() => Grid, { nullable: true, description: "The grid covering the request's place, if any (plugin grid)." })
  async grid(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, request.placePath)).grid;
  }
}
