import {
  type EventHandlerContext,
  type GongzhiEvent,
  Request,
  RequestKind,
  RequestLevel,
  RequestService,
  RequestStatus,
} from '@gongzhi/core';
import { activeWorkersByLoad, coveringGrids } from './grid-queries.js';
import { localDate, type GridOptions } from './grid.options.js';

/**
 * After a request is created: if its place is inside a grid, route it there. The most
 * specific grid with a worker on duty (a micro-grid before its grid) takes it: the request
 * is accepted for the grid and assigned to its least loaded active worker. Every step is on
 * the request's timeline (`routed`, then core's `status` and `assigned` entries) and the
 * whole routing commits or fails as one unit. With nobody on duty the routing is noted and
 * the request waits to be accepted (and escalates in time like any other). Praise is not work
 * and wishes (微心愿) wait on the wish wall for a claimer: neither is routed.
 */
export async function routeNewRequest(
  event: GongzhiEvent<'request.created'>,
  tx: EventHandlerContext,
  deps: { now: () => Date; options: GridOptions },
): Promise<void> {
  const { requestId, placePath, level, status } = event.payload;
  if (level !== RequestLevel.GRID || status !== RequestStatus.SUBMITTED) return;
  const request = await tx.em.findOne(Request, { uuid: requestId }, { fields: ['kind'] });
  if (!request || request.kind === RequestKind.PRAISE || request.kind === RequestKind.WISH) return;
  const covering = (await coveringGrids(tx.em, [placePath])).get(placePath)!;
  const grids = [covering.microGrid, covering.grid].filter((g) => g !== null);
  const [mostSpecific] = grids;
  if (!mostSpecific) return;

  const today = localDate(deps.now(), deps.options.timeZone);
  const service = RequestService.within(tx, deps.now);
  for (const grid of grids) {
    const [least] = await activeWorkersByLoad(tx.em, grid.uuid, today);
    if (!least) continue;
    await service.annotate(
      requestId,
      'routed',
      `routed to grid ${grid.name}; ${least.person.name} has the fewest open requests (${least.open})`,
      null,
    );
    await service.changeStatus(requestId, RequestStatus.ACCEPTED, null, `accepted for grid ${grid.name}`);
    await service.assign(requestId, least.person, null);
    await tx.emit('grid.request-routed', { requestId, placePath, gridId: grid.uuid, assigneeId: least.person.uuid });
    return;
  }
  await service.annotate(
    requestId,
    'routed',
    `routed to grid ${mostSpecific.name}; no grid worker is on duty, so it waits to be accepted`,
    null,
  );
  await tx.emit('grid.request-routed', { requestId, placePath, gridId: mostSpecific.uuid, assigneeId: null });
}
