import { Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { coreMessages } from '../i18n/core-messages.js';
import { Place } from '../place/place.entity.js';
import { requestPerformanceUnder } from './request.queries.js';

const DAY_MS = 24 * 3600_000;

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
    if (!(to > from) || to.getTime() - from.getTime() > 366 * DAY_MS) throw coreMessages.performancePeriod.error('to');
    const place = await requireRef(ctx, under, { rows: true });
    const counts = await requestPerformanceUnder(ctx, place.path, from, to, await ctx.access());
    return Object.assign(new RequestPerformance(), {
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
}
