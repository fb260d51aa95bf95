import { Arg, Args, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { coreMessages } from '../i18n/core-messages.js';
import { Place } from '../place/place.entity.js';
import { loadPlace, placeSummaries } from '../place/place.queries.js';
import { type ConnectionOrder, ConnectionArgs, type ConnectionPage, connectionType, pageOfRows, pageSize } from '../relay/connection.js';
import { BoundedList } from '../graphql/bounded-list.js';
import { requestCategoriesUnder, type RequestPerformanceCounts, requestPerformanceUnder } from './request.queries.js';
import { batchLoader } from '../graphql/loaders.js';

const DAY_MS = 24 * 3600_000;

/** No request in the period. */
const EMPTY: RequestPerformanceCounts = {
  total: 0,
  responded: 0,
  averageResponseMinutes: null,
  resolved: 0,
  withDeadline: 0,
  resolvedOnTime: 0,
  rated: 0,
  averageRating: null,
  satisfied: 0,
};

/** A share of a whole, 0 to 1 to four places; null when there is no whole to share. */
function rate(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

@ObjectType({
  description:
    "How the requests submitted in a period were handled: the hotline's three rates (响应率 response, 解决率 resolution, 满意率 satisfaction), the on-time rate, and what they are made of.",
})
export class RequestPerformance {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => Int, { description: 'Requests submitted in the period (that you may see).' })
  total!: number;

  @Field(() => Int, { description: 'Of them, taken up: accepted, claimed, rejected or escalated (left SUBMITTED).' })
  responded!: number;

  @Field(() => Float, { nullable: true, description: 'responded ÷ total (响应率).' })
  responseRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Average minutes from submission to being taken up.' })
  averageResponseMinutes!: number | null;

  @Field(() => Int, { description: 'Of them, resolved or closed now.' })
  resolved!: number;

  @Field(() => Float, { nullable: true, description: 'resolved ÷ total (解决率).' })
  resolutionRate!: number | null;

  @Field(() => Int, { description: 'Of them, with a deadline.' })
  withDeadline!: number;

  @Field(() => Int, { description: 'Of those with a deadline, resolved (last) by it and resolved or closed now.' })
  resolvedOnTime!: number;

  @Field(() => Float, { nullable: true, description: 'resolvedOnTime ÷ withDeadline (按时办结率).' })
  onTimeRate!: number | null;

  @Field(() => Int, { description: 'Of them, rated by the requester.' })
  rated!: number;

  @Field(() => Float, { nullable: true, description: 'The average rating, 1 to 5.' })
  averageRating!: number | null;

  @Field(() => Int, { description: 'Of the rated, rated 4 or 5.' })
  satisfied!: number;

  @Field(() => Float, { nullable: true, description: 'satisfied ÷ rated (满意率).' })
  satisfactionRate!: number | null;
}

@ObjectType({ description: 'How the requests of one place (and everything under it) were handled in the period asked for.' })
export class RequestPlacePerformance extends RequestPerformance {
  /** The place's uuid: the order key. */
  placeId!: string;

  /** The place's name, then its uuid: the order of the list. */
  name!: string;

  @Field(() => Place, { description: 'A place directly under the one asked for, or that place itself for the requests made right at it.' })
  place!: Place;
}

const RequestPlacePerformanceConnection = connectionType(RequestPlacePerformance);
const BY_NAME: ConnectionOrder<RequestPlacePerformance> = { keys: ['name', 'placeId'], direction: 'asc' };
const DAY_LIMIT = 366;

/** Refuses a period that ends before it starts or runs longer than a year. */
function checkPeriod(from: Date, to: Date): void {
  if (!(to > from) || to.getTime() - from.getTime() > DAY_LIMIT * DAY_MS) throw coreMessages.performancePeriod.error('to');
}

/**
 * {@link RequestPerformance} of the requests submitted in [from, to) under a group of places (a
 * plugin's own unit: a grid's covered places) that the caller sees. Batched: the groups asked for in
 * one tick with the same period are counted in one statement, so a page of grids costs one. Refuses
 * a period that ends before it starts or runs past a year (BAD_USER_INPUT, field `to`).
 */
export async function requestPerformanceOf(
  ctx: GongzhiContext,
  group: { key: string; paths: readonly string[] },
  from: Date,
  to: Date,
): Promise<RequestPerformance> {
  checkPeriod(from, to);
  const period = `${from.toISOString()}/${to.toISOString()}`;
  const counts = await batchLoader<string, RequestPerformanceCounts>(ctx, `request.performance:${period}`, async (keys) => {
    const groups = keys.map((key) => JSON.parse(key) as { key: string; paths: string[] });
    const rows = await requestPerformanceUnder(ctx, { groups }, from, to, await ctx.access());
    const byKey = new Map(rows.map((row) => [row.child, row]));
    return groups.map((g) => byKey.get(g.key) ?? EMPTY);
  }).load(JSON.stringify({ key: group.key, paths: [...group.paths] }));
  return withRates(new RequestPerformance(), from, to, counts);
}

/** Counts with their rates, rounded as the API answers them. */
function withRates<T extends object>(into: T, from: Date, to: Date, counts: RequestPerformanceCounts): T & RequestPerformance {
  return Object.assign(into, {
    from,
    to,
    ...counts,
    responseRate: rate(counts.responded, counts.total),
    resolutionRate: rate(counts.resolved, counts.total),
    onTimeRate: rate(counts.resolvedOnTime, counts.withDeadline),
    satisfactionRate: rate(counts.satisfied, counts.rated),
    averageResponseMinutes: counts.averageResponseMinutes == null ? null : Math.round(counts.averageResponseMinutes * 10) / 10,
    averageRating: counts.averageRating == null ? null : Math.round(counts.averageRating * 100) / 100,
  });
}

@ObjectType({ description: 'How many requests of one category were submitted in a period, and where they are now (热点问题).' })
export class RequestCategoryCount {
  @Field(() => String, { nullable: true, description: 'The category as requests give it; null for those filed under none.' })
  category!: string | null;

  @Field(() => Int, { description: 'Requests of this category submitted in the period (that you may see).' })
  total!: number;

  @Field(() => Int, { description: 'Of them, still open (not resolved, closed or rejected).' })
  open!: number;

  @Field(() => Int, { description: 'Of them, resolved or closed now.' })
  resolved!: number;

  @Field(() => Float, { nullable: true, description: 'resolved ÷ total.' })
  resolutionRate!: number | null;
}

@Resolver()
export class RequestPerformanceResolver {
  /** One aggregate statement over the period's requests and their timelines; scoped like `requests`. */
  @Query(() => RequestPerformance, {
    description:
      'How the requests submitted from `from` to `to` (at most 366 days) at a place and under it were handled: response, resolution, on-time and satisfaction rates (those you may see).',
  })
  async requestPerformance(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPerformance> {
    const place = await requireRef(ctx, under, { rows: true });
    return requestPerformanceOf(ctx, { key: place.uuid, paths: [place.path] }, from, to);
  }

  /** One aggregate statement over the period's requests, scoped like `requests`. */
  @BoundedList('the most reported categories, as many as `limit` asks (at most 100)')
  @Query(() => [RequestCategoryCount], {
    description:
      'What the requests submitted from `from` to `to` (at most 366 days) at a place and under it were about (热点问题): their categories, the most reported first, with how many are open and resolved (those you may see; duplicates count once, in the request they were merged into).',
  })
  async requestCategories(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('limit', () => Int, { nullable: true, description: 'How many categories, the most reported first (default 20, at most 100).' })
    limit: number | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestCategoryCount[]> {
    const size = pageSize(limit, 20, 'limit');
    checkPeriod(from, to);
    const place = await requireRef(ctx, under, { rows: true });
    const rows = await requestCategoriesUnder(ctx, place.path, from, to, await ctx.access(), size);
    return rows.map((row) => Object.assign(new RequestCategoryCount(), row, { resolutionRate: rate(row.resolved, row.total) }));
  }

  /** The same statement grouped by the place directly under `under` each request lies in. */
  @Query(() => RequestPlacePerformanceConnection, {
    description:
      'requestPerformance for each place directly under `under` that had requests in the period (a subdistrict ranking its communities), by name, a page at a time; the requests made right at `under` are its own row.',
  })
  async requestPerformanceByPlace(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<RequestPlacePerformance>> {
    checkPeriod(from, to);
    const place = await requireRef(ctx, under, { rows: true });
    const rows = await requestPerformanceUnder(ctx, place, from, to, await ctx.access(), true);
    const names = await placeSummaries(ctx, rows.map((r) => r.child).filter(Boolean));
    const rated = rows.map((row) => {
      const placeId = row.child || place.uuid;
      return withRates(
        Object.assign(new RequestPlacePerformance(), { placeId, name: names.get(placeId)?.name ?? place.name }),
        from,
        to,
        row,
      );
    });
    const found = pageOfRows(rated, BY_NAME, page, {
      connection: 'Query.requestPerformanceByPlace',
      filter: { under: place.uuid, from, to },
      defaultSize: 50,
    });
    return found.mapNodes(async (row) => Object.assign(row, { place: (await loadPlace(ctx, row.placeId))! }));
  }
}
