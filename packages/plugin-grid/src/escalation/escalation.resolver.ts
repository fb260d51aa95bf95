import {
  BoundedList,
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
import { escalateGridRequest, hoursOf, setCommunityEscalationLimit, setGridEscalationLimit } from './escalation.commands.js';
import { loadGridLimits, requestsByIds } from './escalation.queries.js';

@ObjectType({ description: 'How long a request may stay at a level before it escalates, and where that limit comes from.' })
export class GridEscalationLimits {
  @Field(() => Int, { description: 'Minutes at the grid level before escalating to the community.' })
  gridLevelMinutes!: number;

  @Field(() => Int, {
    description: 'Hours at the grid level before escalating to the community, rounded up.',
    deprecationReason: 'Limits are set to the minute: use gridLevelMinutes (this is rounded up to whole hours).',
  })
  get gridLevelHours(): number {
    return hoursOf(this.gridLevelMinutes);
  }

  @Field(() => String, { description: 'Where the grid-level limit is set: micro_grid, grid, community or default.' })
  gridLevelSource!: string;

  @Field(() => Int, { description: 'Minutes at the community level before escalating to the subdistrict.' })
  communityLevelMinutes!: number;

  @Field(() => Int, {
    description: 'Hours at the community level before escalating to the subdistrict, rounded up.',
    deprecationReason: 'Limits are set to the minute: use communityLevelMinutes (this is rounded up to whole hours).',
  })
  get communityLevelHours(): number {
    return hoursOf(this.communityLevelMinutes);
  }

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

  @Field(() => Int, { description: 'How long a request may stay at the level before it escalates, in minutes.' })
  minutes!: number;

  @Field(() => Int, {
    description: 'The limit in whole hours, rounded up.',
    deprecationReason: 'Limits are set to the minute: use minutes (this is rounded up to whole hours).',
  })
  hours!: number;
}

const MINUTES_ARG = {
  nullable: true,
  description: 'How long (1 – 525600 minutes, a year) a request may stay at the level before it escalates. Give this or hours, not both.',
} as const;
const HOURS_ARG = {
  nullable: true,
  description: 'The limit in whole hours (1 – 8760). Give this or minutes, not both.',
  deprecationReason: 'Limits are set to the minute: give minutes instead (hours: 2 is minutes: 120).',
} as const;

@ObjectType({ description: 'What one run of the automatic escalation did.' })
export class GridEscalationRun {
  @Field(() => Int)
  escalatedCount!: number;

  @BoundedList('the requests one escalation run escalated: at most the run limit (500)')
  @Field(() => [Request], { description: 'The requests escalated, each one level up.' })
  requests!: Request[];
}

export const GridEscalationLimitPayload = payloadType('GridEscalationLimitPayload', 'limit', () => GridEscalationLimitSetting);
export const GridEscalationRunPayload = payloadType('GridEscalationRunPayload', 'run', () => GridEscalationRun);

@Resolver(() => Grid)
export class GridEscalationResolver {
  @Mutation(() => GridEscalationLimitPayload, {
    description:
      'Sets how long (minutes) a request under this grid may stay at a level (GRID or COMMUNITY) before it escalates; overrides the community and the default. Give exactly one of minutes or the deprecated hours (BAD_USER_INPUT otherwise).',
  })
  setGridEscalationLimit(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('minutes', () => Int, MINUTES_ARG) minutes: number | null | undefined,
    @Arg('hours', () => Int, HOURS_ARG) hours: number | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridEscalationLimitPayload, setGridEscalationLimit, { grid, level, minutes, hours });
  }

  @Mutation(() => GridEscalationLimitPayload, {
    description:
      "Sets how long (minutes) a request in this community may stay at a level (GRID or COMMUNITY) before it escalates; a grid's own limit overrides it. Give exactly one of minutes or the deprecated hours (BAD_USER_INPUT otherwise).",
  })
  setCommunityEscalationLimit(
    @RefArg('communityId', () => Place) community: Ref<Place>,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('minutes', () => Int, MINUTES_ARG) minutes: number | null | undefined,
    @Arg('hours', () => Int, HOURS_ARG) hours: number | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridEscalationLimitPayload, setCommunityEscalationLimit, { community, level, minutes, hours });
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
