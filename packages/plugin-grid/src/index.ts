import { definePlugin, type GongzhiContext, loadById, packageVersion, Person, type PluginRuntimeContext, refId } from '@gongzhi/core';
import './grid.events.js';
import { GridAttentionMark } from './attention-mark.entity.js';
import { GridAttentionResolver } from './attention.resolver.js';
import { OrganizationGridsResolver, PersonGridsResolver, PlaceGridsResolver, RequestGridResolver } from './core-types.resolver.js';
import { escalateOverdue, EscalationJob } from './escalation.service.js';
import { GridEscalationResolver } from './escalation.resolver.js';
import { GridAdoption } from './grid-adoption.entity.js';
import { GridFinding } from './grid-finding.entity.js';
import { GridMeeting } from './grid-meeting.entity.js';
import { GridPlace } from './grid-place.entity.js';
import { coveringGrids } from './grid-queries.js';
import { GridVisit } from './grid-visit.entity.js';
import { GridWorker } from './grid-worker.entity.js';
import { Grid } from './grid.entity.js';
import { gridOptionDefaults, type GridOptions, validateGridOptions } from './grid.options.js';
import { GRID_MANAGE, GridAdoptionResolver, GridResolver, GridWorkerResolver } from './grid.resolver.js';
import { seedGridDemo } from './grid.seed.js';
import type { GridServices } from './grid.services.js';
import { loadHandOff, toPlainHandOff } from './handoff.service.js';
import { GridMeetingResolver } from './meeting.resolver.js';
import { grids } from './migrations/0001_grids.js';
import { routeNewRequest } from './routing.js';
import { GridFindingResolver, GridVisitResolver } from './visit.resolver.js';
import { DB_SCHEMA } from './db.js';

export { Grid, GridAdoption, GridAttentionMark, GridFinding, GridMeeting, GridPlace, GridVisit, GridWorker };
export * from './grid-enums.js';
export type { GridOptions } from './grid.options.js';
export type { GridServices } from './grid.services.js';
export type { GridHandOff } from './handoff.service.js';

/** The community of a grid, for the place rules of rows that hang off a grid. */
async function gridCommunity(ctx: GongzhiContext, gridRef: unknown): Promise<string | null> {
  const grid = await loadById(ctx, Grid, refId(gridRef)!);
  return grid ? refId(grid.community) : null;
}

/** Per running platform: the escalation job and the routing subscription, stopped in destroy. */
const running = new WeakMap<object, { job: EscalationJob; unsubscribe: () => void }>();

function createServices(ctx: PluginRuntimeContext<GridOptions>): GridServices {
  return {
    options: ctx.options,
    escalateOverdue: () => escalateOverdue({ em: ctx.em, events: ctx.events, now: ctx.now, options: ctx.options, logger: ctx.logger }),
    async handOff(gridId) {
      const rows = await loadHandOff(ctx.em(), gridId);
      return rows && toPlainHandOff(rows);
    },
    recordMeeting(gridId, heldAt, notes, recordedById) {
      return ctx.events.transaction(
        ctx.em(),
        async ({ em, emit }) => {
          const grid = await em.findOneOrFail(Grid, { uuid: gridId });
          const meeting = em.create(GridMeeting, {
            grid,
            heldAt,
            notes: notes ?? null,
            recordedBy: recordedById ? em.getReference(Person, recordedById) : null,
            createdAt: ctx.now(),
          });
          await em.flush();
          await emit('grid.meeting-recorded', { meetingId: meeting.uuid, gridId, heldAt: heldAt.toISOString() });
          return meeting.uuid;
        },
        recordedById,
      );
    },
    async gridsCovering(placePath) {
      const covering = (await coveringGrids(ctx.em(), [placePath])).get(placePath)!;
      return { gridId: covering.grid?.uuid ?? null, microGridId: covering.microGrid?.uuid ?? null };
    },
  };
}

/**
 * Grid management (网格化服务管理): grids and micro-grids, grid workers and partner units,
 * routing of new requests to the grid's workers, tiered escalation on a schedule, household
 * visits, the people's-conditions map and the weekly meeting hand-off.
 */
export const plugin = definePlugin<GridOptions>({
  id: 'grid',
  version: packageVersion(import.meta.url),
  dbSchema: DB_SCHEMA,
  coreRange: '^0.2.0',
  entities: [Grid, GridPlace, GridWorker, GridAdoption, GridVisit, GridFinding, GridAttentionMark, GridMeeting],
  placeRules: [
    { entity: Grid, place: (row: Grid) => refId(row.community) },
    { entity: GridWorker, place: (row: GridWorker, ctx) => gridCommunity(ctx, row.grid), owners: (row: GridWorker) => [refId(row.person)] },
    { entity: GridAdoption, place: (row: GridAdoption, ctx) => gridCommunity(ctx, row.grid) },
    {
      entity: GridMeeting,
      place: (row: GridMeeting, ctx) => gridCommunity(ctx, row.grid),
      owners: (row: GridMeeting) => [refId(row.recordedBy)],
    },
    { entity: GridVisit, place: (row: GridVisit) => ({ path: row.placePath }), owners: (row: GridVisit) => [refId(row.worker)] },
    {
      entity: GridFinding,
      place: async (row: GridFinding, ctx) => {
        const visit = await loadById(ctx, GridVisit, refId(row.visit)!);
        return visit ? { path: visit.placePath } : null;
      },
    },
    {
      entity: GridAttentionMark,
      place: (row: GridAttentionMark) => ({ path: row.placePath }),
      owners: (row: GridAttentionMark) => [refId(row.setBy)],
    },
  ],
  permissions: {
    [GRID_MANAGE]: {
      description:
        'Create grids and micro-grids, change their coverage, assign grid workers, record adoptions and meetings, set escalation limits, run the escalation.',
      roles: ['social_worker'],
    },
  },
  migrations: [grids],
  resolvers: [
    GridResolver,
    GridWorkerResolver,
    GridAdoptionResolver,
    GridVisitResolver,
    GridFindingResolver,
    GridAttentionResolver,
    GridEscalationResolver,
    GridMeetingResolver,
    PlaceGridsResolver,
    PersonGridsResolver,
    RequestGridResolver,
    OrganizationGridsResolver,
  ],
  options: { defaults: gridOptionDefaults, validate: validateGridOptions },
  services: createServices,
  bootstrap(ctx) {
    const unsubscribe = ctx.events.on(
      'request.created',
      (event, tx) => routeNewRequest(event, tx, { now: ctx.now, options: ctx.options }),
      {
        id: 'grid.route-new-request',
      },
    );
    const services = createServices(ctx);
    const job = new EscalationJob(() => services.escalateOverdue(), ctx.logger);
    job.start(ctx.options.escalationIntervalMs);
    running.set(ctx.orm, { job, unsubscribe });
  },
  async destroy(ctx) {
    const state = running.get(ctx.orm);
    if (!state) return;
    running.delete(ctx.orm);
    state.unsubscribe();
    await state.job.stop();
  },
  seed: (ctx) => seedGridDemo(ctx.em(), ctx.now, ctx.options),
});

export default plugin;
