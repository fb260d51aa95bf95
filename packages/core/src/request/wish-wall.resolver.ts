import type { FilterQuery } from '@mikro-orm/core';
import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { requireRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { Place } from '../place/place.entity.js';
import { Request, RequestKind, RequestStatus } from './request.entity.js';
import { wishCountsUnder } from './request.queries.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, findPage } from '../relay/connection.js';
import { RequestConnection } from './request.types.js';

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

  /** The scope of the caller who asked (null: they see none of it), for the open page. */
  scope!: FilterQuery<Request> | null | undefined;
}

/** Open wishes, oldest first (request_created_idx read backward). */
const OLDEST_FIRST: ConnectionOrder<Request> = { keys: ['createdAt', 'uuid'], direction: 'asc' };

@Resolver(() => WishWall)
export class WishWallResolver {
  /**
   * Scoped like `requests`: the wishes under the caller's places (and their own). Two statements
   * whatever the size: the counts (one aggregate) and the open page.
   */
  @Query(() => WishWall, {
    description:
      'The wish wall of a community (or any place): its open micro-wishes, oldest first, for party members and volunteers to claim, with posted and fulfilled counts.',
  })
  async wishWall(@RefArg('placeId', () => Place) placeId: Ref<Place>, @Ctx() ctx: GongzhiContext): Promise<WishWall> {
    const place = await requireRef(ctx, placeId);
    const access = await ctx.access();
    const counts = await wishCountsUnder(ctx, place.path, access);
    const scope = scopeCondition<FilterQuery<Request>>(
      access,
      (pattern) => ({ placePath: { $like: pattern } }),
      ...(access.personId ? [{ requester: access.personId }] : []),
    );
    return Object.assign(new WishWall(), { place, ...counts, scope });
  }

  @FieldResolver(() => RequestConnection, {
    description: 'Wishes nobody has claimed yet (submitted or accepted), oldest first, a page at a time: claim one with claimRequest.',
  })
  async open(
    @Root() wall: WishWall,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestConnection> {
    if (wall.scope === null) return ConnectionPage.empty();
    const where: FilterQuery<Request> = {
      $and: [
        { kind: RequestKind.WISH, status: { $in: [...OPEN_WISH] }, placePath: { $like: `${wall.place.path}%` } },
        ...(wall.scope ? [wall.scope] : []),
      ],
    };
    return findPage(ctx, Request, where, OLDEST_FIRST, page, {
      connection: 'WishWall.open',
      filter: { place: wall.place.uuid },
      defaultSize: 20,
    });
  }
}
