import {
  actingPerson,
  authorize,
  type GongzhiContext,
  loadById,
  Person,
  Place,
  refId,
  Request,
  requireVisible,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { GridFinding } from './grid-finding.entity.js';
import { GridMeeting } from './grid-meeting.entity.js';
import { gridServices, requireVisibleGrid } from './grid-errors.js';
import { Grid } from './grid.entity.js';
import { loadHandOff } from './handoff.service.js';
import { GRID_MANAGE, today } from './grid.resolver.js';
import { isActiveWorker } from './grid-queries.js';

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
  async gridMeetingHandOff(@Arg('gridId', () => ID) gridId: string, @Ctx() ctx: GongzhiContext): Promise<GridMeetingHandOff> {
    const grid = await requireVisibleGrid(ctx, gridId, 'gridId');
    const rows = (await loadHandOff(ctx.em, grid.uuid))!;
    return Object.assign(new GridMeetingHandOff(), rows);
  }

  @Mutation(() => GridMeeting, {
    description:
      'Records that the weekly grid meeting was held (at heldAt, default now); the next hand-off starts after it. By an active worker of the grid, or with grid.manage at its community.',
  })
  async recordGridMeeting(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('heldAt', () => Date, { nullable: true }) heldAt: Date | undefined,
    @Arg('notes', () => String, { nullable: true }) notes: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridMeeting> {
    const at = heldAt ?? ctx.now();
    if (at.getTime() > ctx.now().getTime())
      throw userError('BAD_USER_INPUT', '"heldAt" is in the future; record a meeting once it has been held.', 'heldAt');
    const grid = await requireVisible(ctx, ctx.em, Grid, 'Grid', gridId, 'gridId');
    const me = ctx.caller?.kind === 'person' ? await actingPerson(ctx) : null;
    // The grid's own workers hold its weekly meeting; others need grid.manage at the community.
    if (!me || !(await isActiveWorker(ctx.em, [grid.uuid], me.uuid, today(ctx)))) {
      await authorize(ctx, GRID_MANAGE, (await ctx.em.findOneOrFail(Place, { uuid: grid.community.uuid })).path);
    }
    const id = await gridServices(ctx).recordMeeting(grid.uuid, at, notes?.trim() || null, me?.uuid ?? null);
    return ctx.em.findOneOrFail(GridMeeting, { uuid: id });
  }

  @FieldResolver(() => Grid)
  async grid(@Root() meeting: GridMeeting, @Ctx() ctx: GongzhiContext): Promise<Grid> {
    return (await loadById(ctx, Grid, refId(meeting.grid)!))!;
  }

  @FieldResolver(() => Person, { nullable: true })
  recordedBy(@Root() meeting: GridMeeting, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(meeting.recordedBy);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }
}
