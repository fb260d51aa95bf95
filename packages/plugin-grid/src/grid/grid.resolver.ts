import {
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  loadPageByForeignKey,
  loadPlace,
  loadRef,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  refId,
  Request,
  RequestPerformance,
  requestPerformanceOf,
} from '@gongzhi/core';
import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { addGridPlaces, createGrid, removeGridPlaces, updateGrid } from './grid.commands.js';
import { Grid, GridKind, GridPlace } from './grid.entity.js';
import { loadCoveredPaths, loadCovering, loadOpenRequestCount } from './grid.queries.js';

export const GridPayload = payloadType('GridPayload', 'grid', () => Grid);
export const GridConnection = connectionType(Grid);
const PlaceConnection = connectionType(Place);

const BY_NAME: ConnectionOrder<Grid> = { keys: ['name', 'uuid'], direction: 'asc' };
/** Coverage rows in tree order (a place's path sorts it under its ancestors). */
const IN_TREE_ORDER: ConnectionOrder<GridPlace> = { keys: ['placePath', 'uuid'], direction: 'asc' };

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

  @Mutation(() => GridPayload, { description: 'Renames a grid or micro-grid; what is not given stays as it is.' })
  updateGrid(
    @RefArg('id', () => Grid) grid: Ref<Grid>,
    @Arg('name', () => String, { nullable: true }) name: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridPayload, updateGrid, { grid, name });
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

  @Mutation(() => GridPayload, {
    description:
      "Takes places off a grid's coverage (the grids are redrawn): new requests there are no longer routed to it. A micro-grid's places under them go first.",
  })
  removeGridPlaces(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @RefArg('placeIds', () => [Place]) places: Ref<Place>[],
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridPayload, removeGridPlaces, { grid, places });
  }

  @FieldResolver(() => GridConnection, { description: 'The micro-grids nested in this grid, by name, a page at a time.' })
  microGrids(
    @Root() grid: Grid,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Grid>> {
    return loadPageByForeignKey(ctx, Grid, 'parent', grid.uuid, BY_NAME, page, { connection: 'Grid.microGrids', defaultSize: 50 });
  }

  @FieldResolver(() => PlaceConnection, {
    description: 'The places the grid covers (with everything under them), in tree order, a page at a time.',
  })
  async places(
    @Root() grid: Grid,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Place>> {
    const rows = await loadPageByForeignKey(ctx, GridPlace, 'grid', grid.uuid, IN_TREE_ORDER, page, {
      connection: 'Grid.places',
      defaultSize: 50,
    });
    return rows.mapNodes((r) => loadPlace(ctx, refId(r.place)!));
  }

  @FieldResolver(() => RequestPerformance, {
    description:
      "How the grid's requests (under the places it covers) submitted from `from` to `to` (at most 366 days) were handled: response, resolution, on-time and satisfaction rates, of those you may see.",
  })
  async requestPerformance(
    @Root() grid: Grid,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPerformance> {
    return requestPerformanceOf(ctx, { key: grid.uuid, paths: await loadCoveredPaths(ctx, grid.uuid) }, from, to);
  }

  @FieldResolver(() => Int, { description: 'How many requests under the grid are still open.' })
  openRequestCount(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<number> {
    return loadOpenRequestCount(ctx, grid.uuid);
  }
}

/** Adds the grid plugin's fields to core's Place type. */
@Resolver(() => Place)
export class PlaceGridsResolver {
  @FieldResolver(() => GridConnection, { description: 'Grids and micro-grids of this community, by name, a page at a time (plugin grid).' })
  grids(@Root() place: Place, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext): Promise<ConnectionPage<Grid>> {
    return loadPageByForeignKey(ctx, Grid, 'community', place.uuid, BY_NAME, page, { connection: 'Place.grids', defaultSize: 50 });
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
