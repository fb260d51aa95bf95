import { type GongzhiContext, payloadType, perform, type Ref, RefArg, Request, requireRef } from '@gongzhi/core';
import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { GridFinding } from '../visit/visit.entity.js';
import { recordGridMeeting } from './meeting.commands.js';
import { GridMeeting } from './meeting.entity.js';
import { loadHandOff } from './meeting.queries.js';

export const GridMeetingPayload = payloadType('GridMeetingPayload', 'meeting', () => GridMeeting);

@ObjectType({ description: 'What a weekly grid meeting (周一网格议事会) reviews: findings since the last meeting and the open requests.' })
export class GridMeetingHandOff {
  @Field(() => Grid)
  grid!: Grid;

  @Field(() => Date, { nullable: true, description: 'When the last meeting was held; null before the first.' })
  since!: Date | null;

  @Field(() => [GridFinding], { description: "Findings of visits to the grid's households since the last meeting, oldest first." })
  findings!: GridFinding[];

  @Field(() => [Request], { description: 'Requests under the grid still open, oldest first.' })
  openRequests!: Request[];
}

@Resolver(() => GridMeeting)
export class GridMeetingResolver {
  @Query(() => GridMeetingHandOff, {
    description: "A grid's hand-off to its weekly meeting: findings since the last meeting and open requests.",
  })
  async gridMeetingHandOff(@RefArg('gridId', () => Grid) gridId: Ref<Grid>, @Ctx() ctx: GongzhiContext): Promise<GridMeetingHandOff> {
    const grid = await requireRef(ctx, gridId);
    return Object.assign(new GridMeetingHandOff(), await loadHandOff(ctx, grid.uuid));
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
