import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { requireRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { Place } from '../place/place.entity.js';
import { Request, RequestKind, RequestStatus } from './request.entity.js';
import { wishCountsUnder } from './request.queries.js';
import { pageSize } from '../relay/connection.js';

/** Wishes waiting for a claimer: posted (submitted) or accepted by staff, nobody holds them yet. */
const OPEN_WISH: readonly RequestStatus[] = [RequestStatus.SUBMITTED, RequestStatus.ACCEPTED];

@ObjectType({
  description: "A community's wish wall (心愿墙): its micro-wishes (微心愿) waiting for a claimer, and how many were posted and fulfilled.",
})
export class WishWall {
  @Field(() => Place)
  place!: Place;

  @Field(() => Int, { description: 'Wishes posted here and under it, all time (rejected ones not counted): the "56 posted".' })
  posted!: number;

  @Field(() => Int, { description: 'Wishes fulfilled (resolved or closed): the "36 done", each with its red flag.' })
  fulfilled!: number;

  @Field(() => Int, { description: 'Wishes claimed and being worked on now.' })
  claimed!: number;

  @Field(() => [Request], {
    description: 'Wishes nobody has claimed yet (submitted or accepted), oldest first: claim one with claimRequest.',
  })
  open!: Request[];
}

@Resolver()
export class WishWallResolver {
  /**
   * Scoped like `requests`: the wishes under the caller's places (and their own). Two statements
   * whatever the size: the counts (one aggregate) and the open page.
   */
  @Query(() => WishWall, {
    description:
      'The wish wall of a community (or any place): its open micro-wishes, oldest first, for party members and volunteers to claim, with posted and fulfilled counts.',
  })
  async wishWall(
    @RefArg('placeId', () => Place) placeId: Ref<Place>,
    @Arg('first', () => Int, { defaultValue: 20, description: 'At most this many open wishes (up to 100).' }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<WishWall> {
    pageSize(first, 20);
    const place = await requireRef(ctx, placeId);
    const access = await ctx.access();
    const counts = await wishCountsUnder(ctx, place.path, access);
    const scope = scopeCondition<Record<string, unknown>>(
      access,
      (pattern) => ({ placePath: { $like: pattern } }),
      ...(access.personId ? [{ requester: access.personId }] : []),
    );
    const open =
      scope === null || first === 0
        ? []
        : await ctx.em.find(
            Request,
            {
              $and: [
                { kind: RequestKind.WISH, status: { $in: [...OPEN_WISH] }, placePath: { $like: `${place.path}%` } },
                ...(scope ? [scope] : []),
              ],
            },
            { orderBy: [{ createdAt: 'asc' }, { uuid: 'asc' }], limit: first },
          );
    return Object.assign(new WishWall(), { place, ...counts, open });
  }
}
