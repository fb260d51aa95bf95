import {
  ConnectionArgs,
  ConnectionPage,
  connectionType,
  findPage,
  type GongzhiContext,
  payloadType,
  perform,
  type Ref,
  RefArg,
  Request,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { GridFinding } from '../visit/visit.entity.js';
import { recordGridMeeting } from './meeting.commands.js';
import { GridMeeting } from './meeting.entity.js';
import { GridFindingConnection } from '../visit/visit.resolver.js';
import { FINDINGS_OLDEST_FIRST, handOffFindings, handOffRequests, handOffScope, REQUESTS_OLDEST_FIRST } from './meeting.queries.js';

const RequestConnection = connectionType(Request);

export const GridMeetingPayload = payloadType('GridMeetingPayload', 'meeting', () => GridMeeting);

@ObjectType({ description: 'What a weekly grid meeting (周一网格议事会) reviews: findings since the last meeting and the open requests.' })
export class GridMeetingHandOff {
  @Field(() => Grid)
  grid!: Grid;

  @Field(() => Date, { nullable: true, description: 'When the last meeting was held; null before the first.' })
  since!: Date | null;

  /** The paths of the places the grid covers. */
  paths!: string[];
}

/** The hand-off's lists, a page at a time. */
@Resolver(() => GridMeetingHandOff)
export class GridMeetingHandOffResolver {
  @FieldResolver(() => GridFindingConnection, {
    description: "Findings of visits to the grid's households since the last meeting, oldest first, a page at a time.",
  })
  findings(
    @Root() handOff: GridMeetingHandOff,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridFinding>> {
    const where = handOffFindings(handOff);
    if (!where) return Promise.resolve(ConnectionPage.empty());
    return findPage(ctx, GridFinding, where, FINDINGS_OLDEST_FIRST, page, {
      connection: 'GridMeetingHandOff.findings',
      filter: { grid: handOff.grid.uuid, since: handOff.since },
      defaultSize: 50,
    });
  }

  @FieldResolver(() => RequestConnection, { description: 'Requests under the grid still open, oldest first, a page at a time.' })
  openRequests(
    @Root() handOff: GridMeetingHandOff,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Request>> {
    const where = handOffRequests(handOff);
    if (!where) return Promise.resolve(ConnectionPage.empty());
    return findPage(ctx, Request, where, REQUESTS_OLDEST_FIRST, page, {
      connection: 'GridMeetingHandOff.openRequests',
      filter: { grid: handOff.grid.uuid },
      defaultSize: 50,
    });
  }
}

@Resolver(() => GridMeeting)
export class GridMeetingResolver {
  @Query(() => GridMeetingHandOff, {
    description: "A grid's hand-off to its weekly meeting: findings since the last meeting and open requests.",
  })
  async gridMeetingHandOff(@RefArg('gridId', () => Grid) gridId: Ref<Grid>, @Ctx() ctx: GongzhiContext): Promise<GridMeetingHandOff> {
    const grid = await requireRef(ctx, gridId);
    return Object.assign(new GridMeetingHandOff(), await handOffScope(ctx, grid.uuid));
  }

  @Mutation(() => GridMeetingPayload, {
    description:
      'Records that the weekly grid meeting was held (at heldAt, default now); the next hand-off starts after it. By an active worker of the grid, or with grid.manage at its community.',
  })
  recordGridMeeting(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @Arg('heldAt', () => Date, { nullable: true }) heldAt: Date | null | undefined,
    @Arg('notes', () => String, { nullable: true }) notes: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridMeetingPayload, recordGridMeeting, { grid, heldAt: heldAt ?? null, notes: notes ?? null });
  }
}
