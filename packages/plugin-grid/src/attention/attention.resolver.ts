import {
  type GongzhiContext,
  loadByForeignKey,
  payloadType,
  perform,
  Place,
  placeSummaries,
  PlaceType,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { pathIds } from '../db.js';
import { setGridAttentionLevel } from './attention.commands.js';
import { GridAttentionLevel, GridAttentionMark } from './attention.entity.js';
import { colourCounts, currentMarks, loadCurrentMark } from './attention.queries.js';

const ORDER: Record<GridAttentionLevel, number> = { red: 0, orange: 1, green: 2 };
const COLOURS: Record<GridAttentionLevel, string> = { red: '#d73027', orange: '#fc8d59', green: '#1a9850' };
/** At most this many marks in one map. */
const MAP_LIMIT = 2000;

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

@ObjectType({ description: 'A GeoJSON FeatureCollection: serialize it as is for a map client (Leaflet, MapLibre, OpenLayers).' })
export class GridAttentionFeatureCollection {
  @Field(() => String) type!: 'FeatureCollection';
  @Field(() => [GridAttentionFeature]) features!: GridAttentionFeature[];
}

@ObjectType({ description: "The people's-conditions map (民情图) under a place: counts by colour, the marks red first, and GeoJSON." })
export class GridAttentionMap {
  @Field(() => Place) under!: Place;
  @Field(() => GridAttentionCounts) counts!: GridAttentionCounts;
  @Field(() => [GridAttentionMark], { description: 'Current marks, red first, then orange, then green; at most 2000.' })
  marks!: GridAttentionMark[];
  @Field(() => GridAttentionFeatureCollection) geoJson!: GridAttentionFeatureCollection;
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
    const wanted = levels?.length ? levels : Object.values(GridAttentionLevel);
    const marks = (await currentMarks(ctx, access, under.path, wanted, MAP_LIMIT)).sort(
      (a, b) => ORDER[a.level] - ORDER[b.level] || a.placePath.localeCompare(b.placePath),
    );
    const geoJson = Object.assign(new GridAttentionFeatureCollection(), {
      type: 'FeatureCollection' as const,
      features: await features(ctx, marks),
    });
    return Object.assign(new GridAttentionMap(), { under, counts, marks, geoJson });
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

  @FieldResolver(() => [GridAttentionMark], { description: 'Every colour this place has had, newest first (plugin grid).' })
  attentionHistory(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<GridAttentionMark[]> {
    return loadByForeignKey(ctx, GridAttentionMark, 'place', place.uuid, { setAt: 'desc' });
  }
}
