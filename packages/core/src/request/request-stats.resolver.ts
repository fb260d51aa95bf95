import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { requireRef } from '../command/command.js';
import { requestStatsUnder } from './request.queries.js';
import { type Ref, RefArg } from '../command/reference.js';
import { Place } from '../place/place.entity.js';
import { RequestLevel, RequestStatus } from './request.entity.js';
import { BoundedList } from '../graphql/bounded-list.js';

@ObjectType({ description: 'How many requests have one status.' })
export class RequestStatusCount {
  @Field(() => RequestStatus)
  status!: RequestStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How many requests are at one level.' })
export class RequestLevelCount {
  @Field(() => RequestLevel)
  level!: RequestLevel;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Counts of the requests at a place and everything under it that the caller may see.' })
export class RequestStats {
  @Field(() => Int)
  total!: number;

  @BoundedList('one count per RequestStatus value')
  @Field(() => [RequestStatusCount], { description: 'Statuses that occur, in life-cycle order.' })
  byStatus!: RequestStatusCount[];

  @BoundedList('one count per RequestLevel value')
  @Field(() => [RequestLevelCount], { description: 'Levels that occur, grid first.' })
  byLevel!: RequestLevelCount[];
}

@Resolver()
export class RequestStatsResolver {
  /**
   * Counts computed by the database in one statement (GROUPING SETS), never rows loaded into
   * JavaScript; scoped like `requests`: the caller's subtrees, plus their own requests.
   */
  @Query(() => RequestStats, {
    description: 'Counts by status and by level of the requests at a place and anywhere under it (those you may see).',
  })
  async requestStats(@RefArg('under', () => Place) under: Ref<Place>, @Ctx() ctx: GongzhiContext): Promise<RequestStats> {
    // A plain row: only its path is needed, so no entity is hydrated or tracked.
    const place = await requireRef(ctx, under, { rows: true });
    return requestStatsUnder(ctx, place.path, await ctx.access());
  }
}
