import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { requireRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import { Place } from '../place/place.entity.js';
import { RequestLevel, RequestStatus } from './request-enums.js';

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

  @Field(() => [RequestStatusCount], { description: 'Statuses that occur, in life-cycle order.' })
  byStatus!: RequestStatusCount[];

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
    const place = await requireRef(ctx, under);
    const access = await ctx.access();
    const params: unknown[] = [`${place.path}%`];
    let scope = '';
    if (!access.everywhere) {
      const alternatives = access.paths.map((path) => {
        params.push(`${path}%`);
        return 'place_path LIKE ?';
      });
      if (access.personId) {
        params.push(access.personId);
        alternatives.push('requester_id = ?');
      }
      scope = alternatives.length ? ` AND (${alternatives.join(' OR ')})` : ' AND false';
    }
    const rows = await ctx.em.execute<{ status: RequestStatus | null; level: RequestLevel | null; n: number; g: number }[]>(
      `SELECT status, level, count(*)::int AS n, GROUPING(status, level) AS g
         FROM request WHERE place_path LIKE ?${scope}
        GROUP BY GROUPING SETS ((status), (level), ())
        ORDER BY g, status, level`,
      params,
    );
    // GROUPING(): 1 = grouped by status, 2 = by level, 3 = the total.
    return {
      total: rows.find((r) => r.g === 3)?.n ?? 0,
      byStatus: rows.filter((r) => r.g === 1).map((r) => ({ status: r.status!, count: r.n })),
      byLevel: rows.filter((r) => r.g === 2).map((r) => ({ level: r.level!, count: r.n })),
    };
  }
}
