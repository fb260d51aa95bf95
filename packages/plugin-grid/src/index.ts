import { definePlugin, isNotFound, packageVersion, peerRange, Request } from '@gongzhi/core';
import { GridAdoption } from './adoption/adoption.entity.js';
import { GridAdoptionResolver, GridAdoptionsResolver, OrganizationGridsResolver } from './adoption/adoption.resolver.js';
import { GridAttentionMark } from './attention/attention.entity.js';
import {
  GridAttentionFeatureCollectionResolver,
  GridAttentionMapResolver,
  GridAttentionResolver,
  PlaceAttentionResolver,
} from './attention/attention.resolver.js';
import { DB_SCHEMA } from './db.js';
import { escalationTask } from './escalation/escalation.task.js';
import { GridEscalationResolver } from './escalation/escalation.resolver.js';
import { Grid, GridPlace } from './grid/grid.entity.js';
import { GridResolver, PlaceGridsResolver, RequestGridResolver } from './grid/grid.resolver.js';
import { GridMeeting } from './meeting/meeting.entity.js';
import { GridMeetingHandOffResolver, GridMeetingResolver } from './meeting/meeting.resolver.js';
import { grids } from './migrations/0001_grids.js';
import { escalationMinutes } from './migrations/0002_escalation_minutes.js';
import { reporters } from './migrations/0003_reporters.js';
import { connectionIndexes } from './migrations/0004_connection_indexes.js';
import { visitLedgerIndex } from './migrations/0005_visit_ledger_index.js';
import { gridOptionDefaults, type GridOptions, validateGridOptions } from './options.js';
import { gridPersonalData } from './personal-data.js';
import { gridPermissions } from './permissions.js';
import { gridPlaceRules } from './place-rules.js';
import { seedGridDemo } from './seed.js';
import { createGridServices } from './services.js';
import { GridReport, GridReporter } from './reporter/reporter.entity.js';
import { GridReporterResolver, PersonLittleBeesResolver } from './reporter/reporter.resolver.js';
import { GridFinding, GridVisit } from './visit/visit.entity.js';
import { attentionExport } from './attention/attention.export.js';
import { visitLedgerExport } from './visit/visit.export.js';
import { GridCoverageResolver, GridVisitResolver, PlaceGridVisitsResolver } from './visit/visit.resolver.js';
import { routeRequest, routingInterest } from './work/work.commands.js';
import { GridWorkResolver } from './work/work.resolver.js';
import { GridWorker } from './worker/worker.entity.js';
import { GridWorkerResolver, GridWorkersResolver, PersonGridsResolver } from './worker/worker.resolver.js';
import { gridMessages } from './messages.js';
import { gridEvents } from './event-catalog.js';

export { Grid, GridAdoption, GridAttentionMark, GridFinding, GridMeeting, GridPlace, GridReport, GridReporter, GridVisit, GridWorker };
export { GridReporterKind } from './reporter/reporter.entity.js';
export { GridKind } from './grid/grid.entity.js';
export { GridAttentionLevel } from './attention/attention.entity.js';
export { GridCheckItem, GridVisitCheck } from './visit/visit.entity.js';
export { GridPermission } from './permissions.js';
export type { GridOptions } from './options.js';
export type { GridServices } from './services.js';
export type { GridHandOff } from './meeting/meeting.queries.js';
// The commands, for plugins that change grid rows inside their own units of work (`uow.run`).
export { addGridPlaces, createGrid, removeGridPlaces } from './grid/grid.commands.js';
export { assignGridWorker, endGridWorkerAssignment } from './worker/worker.commands.js';
export { adoptGrid } from './adoption/adoption.commands.js';
export { claimGridRequest, routeRequest } from './work/work.commands.js';
export { openRequestFromFinding, recordGridVisit } from './visit/visit.commands.js';
export { setGridAttentionLevel } from './attention/attention.commands.js';
export { escalateGridRequest, setCommunityEscalationLimit, setGridEscalationLimit } from './escalation/escalation.commands.js';
export { recordGridMeeting } from './meeting/meeting.commands.js';
export { registerReporter, reportAsLittleBee } from './reporter/reporter.commands.js';
export type * from './grid/grid.events.js';
export type * from './worker/worker.events.js';
export type * from './adoption/adoption.events.js';
export type * from './work/work.events.js';
export type * from './visit/visit.events.js';
export type * from './attention/attention.events.js';
export type * from './escalation/escalation.events.js';
export type * from './meeting/meeting.events.js';
export type * from './reporter/reporter.events.js';

/**
 * Grid management (网格化服务管理): grids and micro-grids, grid workers and partner units,
 * routing of new requests to the grid's workers, tiered escalation on a schedule, household
 * visits, the people's-conditions map and the weekly meeting hand-off.
 */
export const plugin = definePlugin<GridOptions>({
  id: 'grid',
  version: packageVersion(import.meta.url),
  dbSchema: DB_SCHEMA,
  coreRange: peerRange(import.meta.url, '@gongzhi/core'),
  events: gridEvents,
  entities: [Grid, GridPlace, GridWorker, GridAdoption, GridVisit, GridFinding, GridAttentionMark, GridMeeting, GridReporter, GridReport],
  placeRules: gridPlaceRules,
  personalData: gridPersonalData,
  permissions: gridPermissions,
  messages: gridMessages,
  constraintErrors: {
    grid_community_id_name_key: { message: gridMessages.constraintGridCommunityIdNameKey, field: 'name' },
    grid_place_one_grid_per_kind: { message: gridMessages.constraintGridPlaceOneGridPerKind, field: 'placeIds' },
    grid_worker_one_open_uq: { message: gridMessages.constraintGridWorkerOneOpenUq, field: 'personId' },
    grid_adoption_one_open_uq: { message: gridMessages.constraintGridAdoptionOneOpenUq, field: 'organizationId' },
    reporter_one_open_uq: { message: gridMessages.constraintReporterOneOpenUq, field: 'input.personId' },
    grid_finding_request_id_key: { message: gridMessages.constraintGridFindingRequestIdKey, field: 'findingId' },
  },
  migrations: [grids, escalationMinutes, reporters, connectionIndexes, visitLedgerIndex],
  resolvers: [
    GridResolver,
    PlaceGridsResolver,
    RequestGridResolver,
    GridWorkerResolver,
    GridWorkersResolver,
    PersonGridsResolver,
    GridAdoptionResolver,
    GridAdoptionsResolver,
    OrganizationGridsResolver,
    GridWorkResolver,
    GridVisitResolver,
    GridCoverageResolver,
    PlaceGridVisitsResolver,
    GridAttentionResolver,
    GridAttentionMapResolver,
    GridAttentionFeatureCollectionResolver,
    PlaceAttentionResolver,
    GridEscalationResolver,
    GridMeetingResolver,
    GridMeetingHandOffResolver,
    GridReporterResolver,
    PersonLittleBeesResolver,
  ],
  // Days (duty, adoption, visits) are counted in the district's time zone unless the grid is given its own.
  options: { defaults: (host) => ({ ...gridOptionDefaults, timeZone: host.timeZone }), validate: validateGridOptions },
  services: createGridServices,
  register(ctx) {
    // A new grid-level request is routed to the grid covering its place, as "system: grid.route-new-request".
    ctx.events.on(
      'request.created',
      async (event, handler) => {
        await handler.run(routeRequest, { request: handler.ref(Request, event.payload.requestId) }).catch((err: unknown) => {
          // Deleted since: nothing to route.
          if (!isNotFound(err)) throw err;
        });
      },
      { id: 'grid.route-new-request', interest: routingInterest },
    );
  },
  scheduledTasks: [escalationTask],
  spreadsheetExports: [visitLedgerExport, attentionExport],
  seed: seedGridDemo,
});

export default plugin;
