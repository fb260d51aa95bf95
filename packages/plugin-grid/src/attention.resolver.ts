import {
  actingPerson,
  type GongzhiContext,
  loadById,
  Person,
  Place,
  placeSummaries,
  PlaceType,
  refId,
  requirePlace,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { GridAttentionMark } from './attention-mark.entity.js';
import { GridAttentionLevel } from './grid-enums.js';
import { scopeSql } from './grid-errors.js';
import { pathIds, underSql } from './grid-queries.js';
import { today } from './grid.resolver.js';
import { requireGridWorkerAt } from './visit.resolver.js';
import { t } from './db.js';

const ORDER: Record<GridAttentionLevel, number> = { red: 0, orange: 1, green: 2 };
const COLOURS: Record<GridAttentionLevel, string> = { red: '#d73027', orange: '#fc8d59', green: '#1a9850' };

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

@Resolver(() => GridAttentionMark)
export class GridAttentionResolver {
  @Mutation(() => GridAttentionMark, {
    description:
      "Sets the colour of a household or building on the people's-conditions map, with a reason; the previous colour stays in its history. The signed-in person must be an active worker of the grid covering it.",
  })
  async setGridAttentionLevel(
    @Arg('placeId', () => ID) placeId: string,
    @Arg('level', () => GridAttentionLevel) level: GridAttentionLevel,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridAttentionMark> {
    const me = await actingPerson(ctx);
    const why = reason.trim();
    if (!why)
      throw userError(
        'BAD_USER_INPUT',
        '"reason" must not be empty: say why the place gets this colour (e.g. "独居老人，行动不便").',
        'reason',
      );
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const place = await requirePlace(em, placeId, 'placeId', [PlaceType.HOUSEHOLD, PlaceType.BUILDING], ctx);
        await requireGridWorkerAt(em, place, me, today(ctx), 'placeId');
        // One colour change of a place at a time, so `previousLevel` is always the one replaced.
        await em.execute('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', ['grid.attention', place.uuid]);
        const [current] = await em.execute<{ level: GridAttentionLevel }[]>(
          `SELECT level FROM ${t('attention_current')} WHERE place_id = ?`,
          [place.uuid],
        );
        const mark = em.create(GridAttentionMark, {
          place,
          placePath: place.path,
          level,
          previousLevel: current?.level ?? null,
          reason: why,
          setBy: em.getReference(Person, me.uuid),
          setAt: ctx.now(),
        });
        await em.flush();
        await em.execute(
          `INSERT INTO ${t('attention_current')} (place_id, mark_id, level, place_path) VALUES (?, ?, ?, ?)
         ON CONFLICT (place_id) DO UPDATE SET mark_id = excluded.mark_id, level = excluded.level, place_path = excluded.place_path`,
          [place.uuid, mark.uuid, level, place.path],
        );
        await emit('grid.attention-changed', {
          markId: mark.uuid,
          placeId: place.uuid,
          placePath: place.path,
          level,
          previousLevel: current?.level ?? null,
        });
        return mark;
      },
      ctx.caller?.id,
    );
  }

  @Query(() => GridAttentionMap, {
    description:
      "The people's-conditions map (民情图) of everything under a place (district, community, grid's building…): counts by colour, the marked places, and GeoJSON for map clients.",
  })
  async gridAttentionMap(
    @Arg('underId', () => ID) underId: string,
    @Arg('levels', () => [GridAttentionLevel], {
      nullable: true,
      description: 'Only these colours in marks and geoJson (counts always show all).',
    })
    levels: GridAttentionLevel[] | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridAttentionMap> {
    const under = await requirePlace(ctx, underId, 'underId');
    // Counts and marks only of places inside the caller's places (under a district, a community worker sees their community's).
    const scope = await scopeSql(ctx, 'c.place_path');
    const countRows: { level: GridAttentionLevel; n: number }[] = await ctx.em.execute(
      `SELECT c.level, count(*)::int AS n FROM ${t('attention_current')} c WHERE ${underSql('c.place_path', '?')}${scope.sql} GROUP BY c.level`,
      [under.path, under.path, ...scope.params],
    );
    const counts = Object.assign(new GridAttentionCounts(), { red: 0, orange: 0, green: 0, total: 0 });
    for (const r of countRows) {
      counts[r.level] = Number(r.n);
      counts.total += Number(r.n);
    }
    const wanted = levels?.length ? levels : [GridAttentionLevel.RED, GridAttentionLevel.ORANGE, GridAttentionLevel.GREEN];
    const markIds: { mark_id: string }[] = await ctx.em.execute(
      `SELECT c.mark_id FROM ${t('attention_current')} c WHERE ${underSql('c.place_path', '?')} AND c.level IN (?)${scope.sql} LIMIT 2000`,
      [under.path, under.path, wanted, ...scope.params],
    );
    const marks = markIds.length
      ? await ctx.em.find(GridAttentionMark, { uuid: { $in: markIds.map((m) => m.mark_id) } }, { populate: ['place'] })
      : [];
    marks.sort((a, b) => ORDER[a.level] - ORDER[b.level] || a.placePath.localeCompare(b.placePath));
    // Coordinates: the place's own, else the nearest ancestor's (a household's building).
    const ancestorIds = [...new Set(marks.flatMap((m) => pathIds(m.placePath)))];
    const located = ancestorIds.length
      ? [...(await placeSummaries(ctx, ancestorIds)).values()].filter((p) => p.latitude !== null && p.longitude !== null)
      : [];
    const coords = new Map(located.map((p) => [p.id, [Number(p.longitude), Number(p.latitude)]]));
    const features = marks.map((mark) => {
      const chain = pathIds(mark.placePath).reverse();
      const from = chain.find((id) => coords.has(id));
      const props = Object.assign(new GridAttentionFeatureProperties(), {
        placeId: mark.place.id,
        name: mark.place.name,
        placeType: mark.place.type,
        level: mark.level,
        color: COLOURS[mark.level],
        reason: mark.reason,
        setAt: mark.setAt,
        approximate: from !== undefined && from !== mark.place.uuid,
      });
      return Object.assign(new GridAttentionFeature(), {
        type: 'Feature' as const,
        id: mark.place.id,
        geometry: from ? Object.assign(new GridPointGeometry(), { type: 'Point' as const, coordinates: coords.get(from)! }) : null,
        properties: props,
      });
    });
    return Object.assign(new GridAttentionMap(), {
      under,
      counts,
      marks,
      geoJson: Object.assign(new GridAttentionFeatureCollection(), { type: 'FeatureCollection' as const, features }),
    });
  }

  @FieldResolver(() => Place)
  async place(@Root() mark: GridAttentionMark, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(mark.place)!))!;
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The worker who set it.' })
  setBy(@Root() mark: GridAttentionMark, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(mark.setBy);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }
}
