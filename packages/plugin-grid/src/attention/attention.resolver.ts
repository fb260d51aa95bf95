import {
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  loadPageByForeignKey,
  pageOfRows,
  pageRequest,
  payloadType,
  perform,
  Place,
  placeSummaries,
  PlaceType,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { pathIds } from '../db.js';
import { setGridAttentionLevel } from './attention.commands.js';
import { GridAttentionLevel, GridAttentionMark } from './attention.entity.js';
import { colourCounts, currentMarksAfter, loadCurrentMark, type MapPosition } from './attention.queries.js';

const COLOURS: Record<GridAttentionLevel, string> = { red: '#d73027', orange: '#fc8d59', green: '#1a9850' };
/** The map's order: red first, then orange, then green; in tree order within a colour. */
const MAP_ORDER: ConnectionOrder<MapPosition> = { keys: ['rank', 'placePath', 'uuid'], direction: 'asc' };
const NEWEST_FIRST: ConnectionOrder<GridAttentionMark> = { keys: ['setAt', 'uuid'], direction: 'desc' };

export const GridAttentionMarkPayload = payloadType('GridAttentionMarkPayload', 'mark', () => GridAttentionMark);

@ObjectType({ description: 'How many places under a place carry each colour now.' })
export class GridAttentionCounts {
  @Field(() => Int) red!: number;
  @Field(() => Int) orange!: number;
  @Field(() => Int) green!: number;
  @Field(() => Int) total!: number;
}

@ObjectType({ description: 'A GeoJSON Point geometry: coordinates are [longitude, latitude].' })
export class GridPointGeometry {
  @Field(() => String) type!: 'Point';
  @Field(() => [Float]) coordinates!: number[];
}

@ObjectType({ description: "A map feature's properties." })
export class GridAttentionFeatureProperties {
  @Field(() => ID, { description: 'Global id of the place.' }) placeId!: string;
  @Field(() => String) name!: string;
  @Field(() => PlaceType) placeType!: PlaceType;
  @Field(() => GridAttentionLevel) level!: GridAttentionLevel;
  @Field(() => String, { description: 'A display colour for the level (hex).' }) color!: string;
  @Field(() => String) reason!: string;
  @Field(() => Date) setAt!: Date;
  @Field(() => Boolean, { description: "True when the point is an ancestor's (e.g. the building of a household without coordinates)." })
  approximate!: boolean;
}

@ObjectType({ description: 'A GeoJSON Feature; geometry is null when neither the place nor an ancestor has coordinates.' })
export class GridAttentionFeature {
  @Field(() => String) type!: 'Feature';
  @Field(() => ID) id!: string;
  @Field(() => GridPointGeometry, { nullable: true }) geometry!: GridPointGeometry | null;
  @Field(() => GridAttentionFeatureProperties) properties!: GridAttentionFeatureProperties;
}

/**
 * A page of the map as GeoJSON: a FeatureCollection (`type`, `features`) that is also a Relay
 * connection (`edges`, `nodes`, `pageInfo`), so a map client serializes `{ type, features }` as is
 * and asks for the next page with `pageInfo.endCursor`.
 */
export const GridAttentionFeatureConnection = connectionType(GridAttentionFeature);
const GridAttentionMarkConnection = connectionType(GridAttentionMark);

@ObjectType({ description: "The people's-conditions map (民情图) under a place: counts by colour, the marks red first, and GeoJSON." })
export class GridAttentionMap {
  @Field(() => Place) under!: Place;
  @Field(() => GridAttentionCounts) counts!: GridAttentionCounts;
  /** The colours asked for (marks and geoJson show only these). */
  levels!: GridAttentionLevel[];
}

/** One page of a map's current marks in map order, with their positions (cursors) and marks. */
async function marksPage(
  ctx: GongzhiContext,
  map: GridAttentionMap,
  args: ConnectionArgs,
  connection: string,
): Promise<ConnectionPage<MapPosition & { mark: GridAttentionMark }>> {
  const options = { connection, filter: { under: map.under.uuid, levels: map.levels }, defaultSize: 50 };
  const request = pageRequest(args, options.defaultSize, MAP_ORDER.keys.length, connection, options.filter);
  const rows = await currentMarksAfter(ctx, await ctx.access(), { path: map.under.path, levels: map.levels, ...request });
  return pageOfRows(rows, MAP_ORDER, args, options);
}

/** The marks as GeoJSON features, at the place's coordinates or, marked approximate, its nearest ancestor's. */
async function features(ctx: GongzhiContext, marks: readonly GridAttentionMark[]): Promise<GridAttentionFeature[]> {
  const ancestorIds = [...new Set(marks.flatMap((m) => pathIds(m.placePath)))];
  const located = ancestorIds.length
    ? [...(await placeSummaries(ctx, ancestorIds)).values()].filter((p) => p.latitude !== null && p.longitude !== null)
    : [];
  const coords = new Map(located.map((p) => [p.id, [Number(p.longitude), Number(p.latitude)]]));
  return marks.map((mark) => {
    const from = pathIds(mark.placePath)
      .reverse()
      .find((id) => coords.has(id));
    const properties = Object.assign(new GridAttentionFeatureProperties(), {
      placeId: mark.place.id,
      name: mark.place.name,
      placeType: mark.place.type,
      level: mark.level,
      color: COLOURS[mark.level],
      reason: mark.reason,
      setAt: mark.setAt,
      approximate: from !== undefined && from !== mark.place.uuid,
    });
    const geometry = from ? Object.assign(new GridPointGeometry(), { type: 'Point' as const, coordinates: coords.get(from)! }) : null;
    return Object.assign(new GridAttentionFeature(), { type: 'Feature' as const, id: mark.place.id, geometry, properties });
  });
}

@Resolver(() => GridAttentionMark)
export class GridAttentionResolver {
  @Mutation(() => GridAttentionMarkPayload, {
    description:
      "Sets the colour of a household or building on the people's-conditions map, with a reason; the previous colour stays in its history. The signed-in person must be an active worker of the grid covering it.",
  })
  setGridAttentionLevel(
    @RefArg('placeId', () => Place) place: Ref<Place>,
    @Arg('level', () => GridAttentionLevel) level: GridAttentionLevel,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridAttentionMarkPayload, setGridAttentionLevel, { place, level, reason });
  }

  @Query(() => GridAttentionMap, {
    description:
      "The people's-conditions map (民情图) of everything under a place (district, community, grid's building…): counts by colour, the marked places, and GeoJSON for map clients. Only places inside your places count.",
  })
  async gridAttentionMap(
    @RefArg('underId', () => Place) underId: Ref<Place>,
    @Arg('levels', () => [GridAttentionLevel], {
      nullable: true,
      description: 'Only these colours in marks and geoJson (counts always show all).',
    })
    levels: GridAttentionLevel[] | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridAttentionMap> {
    const under = await requireRef(ctx, underId);
    const access = await ctx.access();
    const byColour = await colourCounts(ctx, access, under.path);
    const counts = Object.assign(new GridAttentionCounts(), { ...byColour, total: byColour.red + byColour.orange + byColour.green });
    const wanted = levels?.length ? [...new Set(levels)].sort() : Object.values(GridAttentionLevel);
    return Object.assign(new GridAttentionMap(), { under, counts, levels: wanted });
  }
}

/** The map's marks and GeoJSON, a page at a time. */
@Resolver(() => GridAttentionMap)
export class GridAttentionMapResolver {
  @FieldResolver(() => GridAttentionMarkConnection, {
    description: 'Current marks, red first, then orange, then green (in tree order within a colour), a page at a time.',
  })
  async marks(
    @Root() map: GridAttentionMap,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridAttentionMark>> {
    const page = await marksPage(ctx, map, args, 'GridAttentionMap.marks');
    return page.withNodes(page.nodes.map((p) => p.mark));
  }

  @FieldResolver(() => GridAttentionFeatureConnection, {
    description:
      "The same marks as GeoJSON features, in the same order, a page at a time: a FeatureCollection (serialize { type features } for Leaflet, MapLibre or OpenLayers) with the connection's pageInfo for the next page.",
  })
  async geoJson(
    @Root() map: GridAttentionMap,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridAttentionFeature>> {
    const page = await marksPage(ctx, map, args, 'GridAttentionMap.geoJson');
    return page.withNodes(
      await features(
        ctx,
        page.nodes.map((p) => p.mark),
      ),
    );
  }
}

/** The GeoJSON members of a page of features: a FeatureCollection's `type` and `features`. */
@Resolver(() => GridAttentionFeatureConnection)
export class GridAttentionFeatureCollectionResolver {
  @FieldResolver(() => String, { description: 'Always "FeatureCollection" (GeoJSON).' })
  type(): string {
    return 'FeatureCollection';
  }

  @FieldResolver(() => [GridAttentionFeature], { description: "The page's features (the nodes), under GeoJSON's member name." })
  features(@Root() page: ConnectionPage<GridAttentionFeature>): GridAttentionFeature[] {
    return page.nodes;
  }
}

/** Adds the map's fields to core's Place type. */
@Resolver(() => Place)
export class PlaceAttentionResolver {
  @FieldResolver(() => GridAttentionMark, {
    nullable: true,
    description: "The place's current colour on the people's-conditions map (民情图), if set (plugin grid).",
  })
  attention(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<GridAttentionMark | null> {
    return loadCurrentMark(ctx, place.uuid);
  }

  @FieldResolver(() => GridAttentionMarkConnection, {
    description: 'Every colour this place has had, newest first, a page at a time (plugin grid).',
  })
  attentionHistory(
    @Root() place: Place,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridAttentionMark>> {
    return loadPageByForeignKey(ctx, GridAttentionMark, 'place', place.uuid, NEWEST_FIRST, page, {
      connection: 'Place.attentionHistory',
      defaultSize: 50,
    });
  }
}
