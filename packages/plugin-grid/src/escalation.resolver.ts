import {
  actingPerson,
  authorize,
  canSee,
  Permission,
  Place,
  batchLoader,
  type GongzhiContext,
  PlaceType,
  Request,
  RequestLevel,
  RequestPayload,
  RequestService,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import { randomUUID } from 'node:crypto';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { gridServices, requestPayload } from './grid-errors.js';
import { coveringGrids, isActiveWorker } from './grid-queries.js';
import { Grid } from './grid.entity.js';
import { GRID_MANAGE, today } from './grid.resolver.js';
import { t } from './db.js';

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

function checkLimit(level: RequestLevel, hours: number): void {
  if (level === RequestLevel.SUBDISTRICT) {
    throw userError(
      'BAD_USER_INPUT',
      '"level" must be GRID or COMMUNITY: the subdistrict is the top level, nothing escalates from it.',
      'level',
    );
  }
  if (!Number.isInteger(hours) || hours < 1 || hours > 8760) {
    throw userError('BAD_USER_INPUT', `"hours" must be a whole number from 1 to 8760 (a year), got ${hours}.`, 'hours');
  }
}

@Resolver(() => Grid)
export class GridEscalationResolver {
  @Mutation(() => GridEscalationLimitSetting, {
    description:
      'Sets how many hours a request under this grid may stay at a level (GRID or COMMUNITY) before it escalates; overrides the community and the default.',
  })
  async setGridEscalationLimit(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('hours', () => Int) hours: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridEscalationLimitSetting> {
    checkLimit(level, hours);
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const grid = await requireVisible(ctx, em, Grid, 'Grid', gridId, 'gridId');
        await authorize(ctx, GRID_MANAGE, (await em.findOneOrFail(Place, { uuid: grid.community.uuid })).path);
        await em.execute(
          `INSERT INTO ${t('escalation_limit')} (id, grid_id, level, hours, updated_at) VALUES (?, ?, ?, ?, ?::timestamptz)
         ON CONFLICT (grid_id, level) WHERE grid_id IS NOT NULL DO UPDATE SET hours = excluded.hours, updated_at = excluded.updated_at`,
          [randomUUID(), grid.uuid, level, hours, ctx.now().toISOString()],
        );
        await emit('grid.escalation-limit-set', { scope: 'grid', scopeId: grid.uuid, level, hours });
        return Object.assign(new GridEscalationLimitSetting(), { scope: 'grid', scopeId: grid.id, level, hours });
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => GridEscalationLimitSetting, {
    description:
      "Sets how many hours a request in this community may stay at a level (GRID or COMMUNITY) before it escalates; a grid's own limit overrides it.",
  })
  async setCommunityEscalationLimit(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('level', () => RequestLevel) level: RequestLevel,
    @Arg('hours', () => Int) hours: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridEscalationLimitSetting> {
    checkLimit(level, hours);
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const community = await requirePlace(em, communityId, 'communityId', [PlaceType.COMMUNITY], ctx);
        await authorize(ctx, GRID_MANAGE, community.path);
        await em.execute(
          `INSERT INTO ${t('escalation_limit')} (id, community_id, level, hours, updated_at) VALUES (?, ?, ?, ?, ?::timestamptz)
         ON CONFLICT (community_id, level) WHERE community_id IS NOT NULL DO UPDATE SET hours = excluded.hours, updated_at = excluded.updated_at`,
          [randomUUID(), community.uuid, level, hours, ctx.now().toISOString()],
        );
        await emit('grid.escalation-limit-set', { scope: 'community', scopeId: community.uuid, level, hours });
        return Object.assign(new GridEscalationLimitSetting(), { scope: 'community', scopeId: community.id, level, hours });
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => GridEscalationRun, {
    description:
      'Runs the automatic escalation now (the scheduled job does the same): every request overdue at its level goes one level up, once, even when several processes run it at the same moment. Needs grid.manage everywhere (it acts on every community).',
  })
  async escalateOverdueRequests(@Ctx() ctx: GongzhiContext): Promise<GridEscalationRun> {
    // It escalates in every community and counts them all: grid.manage everywhere ('' = the whole tree) only.
    await authorize(ctx, GRID_MANAGE, '');
    const ids = await gridServices(ctx).escalateOverdue();
    const requests = ids.length ? await ctx.em.find(Request, { uuid: { $in: ids } }, { orderBy: { createdAt: 'asc', uuid: 'asc' } }) : [];
    return Object.assign(new GridEscalationRun(), { escalatedCount: ids.length, requests });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Escalates a request one level by hand, with a reason, recorded as done by the signed-in person. At the grid level an active worker of the grid covering it (NOT_GRID_WORKER otherwise); above it, or outside any grid, someone with request.manage at its place (FORBIDDEN otherwise). A resolved, closed or rejected request cannot be escalated (ILLEGAL_TRANSITION).',
  })
  async escalateGridRequest(
    @Arg('requestId', () => ID) requestId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    const me = await actingPerson(ctx);
    const why = reason.trim();
    if (!why)
      throw userError(
        'BAD_USER_INPUT',
        '"reason" must not be empty: say why the grid cannot solve it (e.g. "需更换主管道，超出网格能力").',
        'reason',
      );
    const request = await requireVisible(ctx, ctx.em, Request, 'Request', requestId, 'requestId');
    const covering = (await coveringGrids(ctx.em, [request.placePath])).get(request.placePath)!;
    const ids = [covering.grid, covering.microGrid].filter((g) => g !== null).map((g) => g.uuid);
    if (request.level === RequestLevel.GRID && ids.length) {
      if (!(await isActiveWorker(ctx.em, ids, me.uuid, today(ctx)))) {
        throw userError(
          'NOT_GRID_WORKER',
          `${me.name} is not an active worker of the grid covering this request; at the grid level, its grid workers decide to escalate.`,
          'requestId',
        );
      }
    } else {
      // Above the grid (or outside any grid) it is the community's staff who escalate: core's permission.
      if (!(await canSee(ctx, request)))
        throw userError('NOT_FOUND', `No Request has the id given in "requestId" (${requestId}).`, 'requestId');
      await authorize(ctx, Permission.REQUEST_MANAGE, request.placePath);
    }
    return requestPayload(() => new RequestService(ctx).escalate(request.uuid, why, me));
  }

  @FieldResolver(() => GridEscalationLimits, { description: 'The time limits that apply to requests under this grid.' })
  escalationLimits(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<GridEscalationLimits> {
    const defaults = gridServices(ctx).options;
    return batchLoader<string, GridEscalationLimits>(ctx, 'grid.escalationLimits', async (ids) => {
      const rows: { grid_id: string; level: string; own: number | null; parent: number | null; community: number | null; kind: string }[] =
        await ctx.em.execute(
          `SELECT g.id AS grid_id, g.kind, lv.level,
                (SELECT l.hours FROM ${t('escalation_limit')} l WHERE l.grid_id = g.id AND l.level = lv.level) AS own,
                (SELECT l.hours FROM ${t('escalation_limit')} l WHERE l.grid_id = g.parent_id AND l.level = lv.level) AS parent,
                (SELECT l.hours FROM ${t('escalation_limit')} l WHERE l.community_id = g.community_id AND l.level = lv.level) AS community
           FROM ${t('grid')} g CROSS JOIN (VALUES ('grid'), ('community')) AS lv(level)
          WHERE g.id IN (?)`,
          [ids],
        );
      const result = new Map<string, GridEscalationLimits>();
      for (const r of rows) {
        const limits = result.get(r.grid_id) ?? new GridEscalationLimits();
        const fallback = r.level === 'grid' ? defaults.gridLevelHours : defaults.communityLevelHours;
        const [hours, source] =
          r.own != null
            ? [r.own, r.kind]
            : r.parent != null
              ? [r.parent, 'grid']
              : r.community != null
                ? [r.community, 'community']
                : [fallback, 'default'];
        if (r.level === 'grid') Object.assign(limits, { gridLevelHours: Number(hours), gridLevelSource: source });
        else Object.assign(limits, { communityLevelHours: Number(hours), communityLevelSource: source });
        result.set(r.grid_id, limits);
      }
      return ids.map((id) => result.get(id)!);
    }).load(grid.uuid);
  }
}
