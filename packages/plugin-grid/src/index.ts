import { definePlugin, packageVersion, Person, type PluginRuntimeContext } from '@gongzhi/core';
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
import { GridAdoptionResolver, GridResolver, GridWorkerResolver } from './grid.resolver.js';
import { seedGridDemo } from './grid.seed.js';
import type { GridServices } from './grid.services.js';
import { loadHandOff, toPlainHandOff } from './handoff.service.js';
import { GridMeetingResolver } from './meeting.resolver.js';
import { grids } from './migrations/0001_grids.js';
import { routeNewRequest } from './routing.js';
import { GridFindingResolver, GridVisitResolver } from './visit.resolver.js';

export { Grid, GridAdoption, GridAttentionMark, GridFinding, GridMeeting, GridPlace, GridVisit, GridWorker };
export * from './grid-enums.js';
export type { GridOptions } from './grid.options.js';
export type { GridServices } from './grid.services.js';
export type { GridHandOff } from './handoff.service.js';

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
      return ctx.events.transaction(ctx.em(), async ({ em, emit }) => {
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
      }, recordedById);
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
  coreRange: '^0.1.0',
  entities: [Grid, GridPlace, GridWorker, GridAdoption, GridVisit, GridFinding, GridAttentionMark, GridMeeting],
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
    const unsubscribe = ctx.events.on('request.created', (event, tx) => routeNewRequest(event, tx, { now: ctx.now, options: ctx.options }), {
      id: 'grid.route-new-request',
    });
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
