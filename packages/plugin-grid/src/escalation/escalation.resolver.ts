import {
  authorize,
  type GongzhiContext,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  Request,
  RequestLevel,
  RequestPayload,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { GridPermission } from '../permissions.js';
import { escalateGridRequest, setCommunityEscalationLimit, setGridEscalationLimit } from './escalation.commands.js';
import { loadGridLimits, requestsByIds } from './escalation.queries.js';

@ObjectType({ description: 'How long a request may stay at a level before it escalates, and where that limit comes from.' })
export class GridEscalationLimits {
  @Field(() => Int, { description: 'Hours at the grid level before escalating to the community.' })
  gridLevelHours!: number;

  @Field(() => String, { description: 'Where the grid-level limit is set: micro_grid, grid, community or default.' })
  gridLevelSource!: string;

  @Field(() => Int, { description: 'Hours at the community level before escalating to the subdistrict.' })
  communityLevelHours!: number;

  @Field(() => String, { description: 'Where the community-level limit is set: micro_grid, grid, community or default.' })
  communityLevelSource!: string;
}

@ObjectType({ description: 'An escalation time limit that was set.' })
export class GridEscalationLimitSetting {
  @Field(() => String, { description: 'grid or community.' })
  scope!: string;

  @Field(() => ID, { description: 'Global id of the grid or community.' })
  scopeId!: string;

  @Field(() => RequestLevel)
  level!: RequestLevel;

  @Field(() => Int)
  hours!: number;
}

@ObjectType({ description: 'What one run of the automatic escalation did.' })
export class GridEscalationRun {
  @Field(() => Int)
  escalatedCount!: number;

  @Field(() => [Request], { description: 'The requests escalated, each one level up.' })
  requests!: Request[];
}

export const GridEscalationLimitPayload = payloadType('GridEscalationLimitPayload', 'limit', () => GridEscalationLimitSetting);
export const GridEscalationRunPayload = payloadType('GridEscalationRunPayload', 'run', () => GridEscalationRun);

@Resolver(() => Grid)
export class GridEscalationResolver {
  @Mutation(() => GridEscalationLimitPayload, {
    description:
      'Sets how many hours a request under this grid may stay at a level (GRID or COMMUNITY) before it escalates; overrides the community and the default.',
  })
  setGridEscalationLimit(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('hours', () => Int) hours: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridEscalationLimitPayload, setGridEscalationLimit, { grid, level, hours });
  }

  @Mutation(() => GridEscalationLimitPayload, {
    description:
      "Sets how many hours a request in this community may stay at a level (GRID or COMMUNITY) before it escalates; a grid's own limit overrides it.",
  })
  setCommunityEscalationLimit(
    @RefArg('communityId', () => Place) community: Ref<Place>,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('hours', () => Int) hours: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridEscalationLimitPayload, setCommunityEscalationLimit, { community, level, hours });
  }

  @Mutation(() => GridEscalationRunPayload, {
    description:
      'Runs the automatic escalation now (the scheduled job does the same, as "system: grid.escalation"): every request overdue at its level goes one level up, once, even when several processes run it at the same moment. Needs grid.manage everywhere (it acts on every community).',
  })
  async escalateOverdueRequests(@Ctx() ctx: GongzhiContext) {
    // An operation-wide permission a command cannot declare: grid.manage everywhere ('' = the whole tree), for it escalates and counts in every community.
    await authorize(ctx, GridPermission.MANAGE, '');
    const ids = await ctx.services.get('grid').escalateOverdue();
    const requests = await requestsByIds(ctx, ids);
    return Object.assign(new GridEscalationRunPayload(), {
      run: Object.assign(new GridEscalationRun(), { escalatedCount: ids.length, requests }),
      errors: [],
    });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Escalates a request one level by hand, with a reason, recorded as done by the signed-in person, who needs request.manage at its place. At the grid level, inside a grid, only an active worker of that grid may (NOT_GRID_WORKER otherwise). A resolved, closed or rejected request cannot be escalated (ILLEGAL_TRANSITION).',
  })
  escalateGridRequest(
    @RefArg('requestId', () => Request) request: Ref<Request>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, escalateGridRequest, { request, reason });
  }

  @FieldResolver(() => GridEscalationLimits, { description: 'The time limits that apply to requests under this grid.' })
  async escalationLimits(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<GridEscalationLimits> {
    return Object.assign(new GridEscalationLimits(), await loadGridLimits(ctx, ctx.services.get('grid').options, grid.uuid));
  }
}
