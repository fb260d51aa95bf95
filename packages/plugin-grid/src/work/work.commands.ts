import {
  annotateRequest,
  assignRequest,
  changeRequestStatus,
  claimRequest,
  defineCommand,
  type EventInterest,
  type GongzhiEvent,
  hasTimelineEntry,
  type Named,
  type Request,
  RequestKind,
  RequestLevel,
  RequestStatus,
} from '@gongzhi/core';
import { isAdoptingMember } from '../adoption/adoption.queries.js';
import { gridsCovering, pathsInAGrid } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { activeWorkersByLoad, isActiveWorker } from '../worker/worker.queries.js';
import { gridMessages } from '../messages.js';

/** Praise is not work, and wishes (微心愿) wait on the wish wall for a claimer: neither is routed. */
const UNROUTED_KINDS: readonly RequestKind[] = [RequestKind.PRAISE, RequestKind.WISH];

/**
 * Which new requests are worth routing (the router's interest, asked in the submitting
 * transaction): grid-level ones, still submitted, at places some grid covers. The others cost
 * no outbox row and no delivery (a place no grid covers yet: a district still drawing its grids); the command
 * checks again, under the request's lock, when the event is delivered.
 */
export const routingInterest: EventInterest<'request.created'> = async (em, created) => {
  const routable = (event: GongzhiEvent<'request.created'>) =>
    event.payload.level === RequestLevel.GRID && event.payload.status === RequestStatus.SUBMITTED;
  const inGrids = await pathsInAGrid(
    { em },
    created.filter(routable).map((e) => e.payload.placePath),
  );
  return (event) => routable(event) && inGrids.has(event.payload.placePath);
};

/**
 * Routes a new grid-level request to the grid covering its place: the most specific grid with
 * a worker on duty (a micro-grid before its grid) takes it, and the request is accepted for the
 * grid and assigned to its least loaded active worker, through core's commands. The timeline
 * shows `routed`, then core's `status` and `assigned` entries; with nobody on duty only the
 * `routed` note is written and the request waits to be accepted (and escalates in time).
 * Routing happens once per request: `request.created` reaches the router at least once, and a
 * second run finds the request routed and changes nothing.
 */
export const routeRequest = defineCommand<{ request: Named<Request> }, void>({
  name: 'grid.routeRequest',
  // Under the request's lock, so two runs at once cannot both route it.
  lock: ['request'],
  async run(uow, { request }) {
    if (request.level !== RequestLevel.GRID || request.status !== RequestStatus.SUBMITTED) return;
    if (UNROUTED_KINDS.includes(request.kind)) return;
    // Both reads in one round trip.
    const [routed, grids] = await Promise.all([hasTimelineEntry(uow, request.uuid, 'routed'), gridsCovering(uow, request.placePath)]);
    if (routed) return;
    const day = today(uow);
    for (const grid of grids) {
      const [least] = await activeWorkersByLoad(uow, grid.uuid, day);
      if (!least) continue;
      const note = `routed to grid ${grid.name}; ${least.person.name} has the fewest open requests (${least.open})`;
      await uow.run(annotateRequest, { request, action: 'routed', note });
      await uow.run(changeRequestStatus, { request, to: RequestStatus.ACCEPTED, note: `accepted for grid ${grid.name}` });
      await uow.run(assignRequest, { request, assignee: least.person });
      await uow.emit('grid.request-routed', {
        requestId: request.uuid,
        placePath: request.placePath,
        gridId: grid.uuid,
        assigneeId: least.person.uuid,
      });
      return;
    }
    const [mostSpecific] = grids;
    if (!mostSpecific) return;
    const note = `routed to grid ${mostSpecific.name}; no grid worker is on duty, so it waits to be accepted`;
    await uow.run(annotateRequest, { request, action: 'routed', note });
    await uow.emit('grid.request-routed', {
      requestId: request.uuid,
      placePath: request.placePath,
      gridId: mostSpecific.uuid,
      assigneeId: null,
    });
  },
});

/**
 * Claims a request of a grid for the signed-in person, who must be an active worker of the
 * grid covering it or a member of a partner unit that adopted that grid (NOT_GRID_MEMBER
 * otherwise); the claim itself is core's, with the person's authority (`request.claim` there).
 * Of two claims at once one wins (ALREADY_CLAIMED).
 */
export const claimGridRequest = defineCommand<{ request: Named<Request> }, Request>({
  name: 'grid.claimRequest',
  async run(uow, { request }) {
    const me = await uow.actingPerson();
    const grids = await gridsCovering(uow, request.placePath);
    if (!grids.length) {
      throw gridMessages.placeInsideAnyGrid.error({ requestTitle: request.title }, 'requestId');
    }
    const ids = grids.map((g) => g.uuid);
    const day = today(uow);
    if (!(await isActiveWorker(uow, ids, me.uuid, day)) && !(await isAdoptingMember(uow, ids, me.uuid, day))) {
      throw gridMessages.neitherWorkerGridNor.error({ meName: me.name, gName: grids.map((g) => g.name).join(' / ') }, 'requestId');
    }
    return uow.run(claimRequest, { request, person: null });
  },
});
