import {
  addDays,
  belongsUnder,
  defineCommand,
  type Named,
  type Person,
  type Place,
  handOverHeldRequests,
  refId,
  requireIsoDate,
  type UnitOfWork,
} from '@gongzhi/core';
import { Grid } from '../grid/grid.entity.js';
import { communityOf, coveredPaths, gridsCovering } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { GridPermission } from '../permissions.js';
import { GridWorker } from './worker.entity.js';
import { hasOverlappingAssignment, isActiveWorker } from './worker.queries.js';
import { gridMessages, gridPhrases } from '../messages.js';

/**
 * The rule of the work only a grid's own workers do (visits, colours, grid-level escalation):
 * `person` is an active worker today of the grid or micro-grid covering `place`. Refuses with
 * NOT_IN_GRID or NOT_GRID_WORKER, naming `field`.
 */
export async function requireGridWorkerAt(uow: UnitOfWork, place: Place, person: Person, field: string): Promise<Grid[]> {
  const grids = await gridsCovering(uow, place.path);
  if (!grids.length) {
    throw gridMessages.insideAnyGridAdd.error({ placeName: place.name }, field);
  }
  const ids = grids.map((g) => g.uuid);
  if (!(await isActiveWorker(uow, ids, person.uuid, today(uow)))) {
    throw gridMessages.activeWorkerGridWhich.error(
      { personName: person.name, gName: grids.map((g) => g.name).join(' / '), placeName: place.name },
      field,
    );
  }
  return grids;
}

/**
 * Assigns a grid worker (网格员) to a grid from `startsOn` (to `endsOn`, inclusive, if given).
 * The person must belong to the grid's community on `startsOn`: live there or hold a role there.
 */
export const assignGridWorker = defineCommand<
  { grid: Named<Grid>; person: Named<Person>; startsOn: string; endsOn?: string | null },
  GridWorker
>({
  name: 'grid.assignWorker',
  // Grid workers walk their own community: a person of another community is out of scope.
  links: { person: { to: 'grid' } },
  async run(uow, { grid, person, startsOn, endsOn }) {
    const from = requireIsoDate(startsOn, 'startsOn');
    const to = endsOn ? requireIsoDate(endsOn, 'endsOn') : null;
    if (to && to < from) throw gridMessages.endsonAfterStartson.error({ to, from }, 'endsOn');
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    // On the community's line of places is not enough (a role above it, a role that has ended): they must belong there that day.
    if (!(await belongsUnder(uow, person.uuid, community.path, from))) {
      throw gridMessages.neitherLivesNorHolds.error(
        { personName: person.name, communityName: community.name, from, gridName: grid.name },
        'personId',
      );
    }
    if (await hasOverlappingAssignment(uow, grid.uuid, person.uuid, from, to)) {
      throw gridMessages.alreadyWorkerGridPart.error(
        { personName: person.name, gridName: grid.name, from, end: to ?? gridPhrases.openEnd },
        'startsOn',
      );
    }
    const assignment = uow.em.create(GridWorker, { grid, person, startsOn: from, endsOn: to });
    await uow.em.flush();
    await uow.emit('grid.worker-assigned', {
      gridId: grid.uuid,
      placePath: community.path,
      personId: person.uuid,
      assignmentId: assignment.uuid,
      startsOn: from,
    });
    return assignment;
  },
});

/**
 * Ends a grid worker's assignment on `endsOn` (its last day; today in the grid's calendar when not
 * given): an open assignment, or one whose end comes later. From the next day the grid routes them
 * no new request and they no longer visit or colour its households as its worker. An end only comes
 * earlier: an assignment that ended is history, so working the grid again is a new one. With
 * `handOverTo` (a worker of the grid today), the open requests they hold under the grid's places
 * go to that colleague now, through core's `reassignRequest` (so `request.manage` there too), in
 * the same transaction: all of them or, on any refusal, none.
 */
export const endGridWorkerAssignment = defineCommand<
  { assignment: Named<GridWorker>; endsOn?: string | null; handOverTo?: Named<Person> | null },
  GridWorker
>({
  name: 'grid.endWorkerAssignment',
  lock: ['assignment'],
  async run(uow, { assignment, endsOn, handOverTo }) {
    const grid = await uow.em.findOneOrFail(Grid, { uuid: refId(assignment.grid)! });
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    const end = endsOn == null ? today(uow) : requireIsoDate(endsOn, 'endsOn');
    if (end < assignment.startsOn) throw gridMessages.endsonAfterStartson.error({ to: end, from: assignment.startsOn }, 'endsOn');
    if (assignment.endsOn != null && assignment.endsOn < end) {
      throw gridMessages.assignmentEndsEarlier.error({ end, current: assignment.endsOn, next: addDays(assignment.endsOn, 1) }, 'endsOn');
    }
    assignment.endsOn = end;
    await uow.em.flush();
    const handedOver = handOverTo ? await handOverWork(uow, grid, refId(assignment.person)!, handOverTo, end) : 0;
    await uow.emit('grid.worker-assignment-ended', {
      gridId: grid.uuid,
      placePath: community.path,
      personId: refId(assignment.person)!,
      assignmentId: assignment.uuid,
      endsOn: end,
      handedOverToId: handOverTo?.uuid ?? null,
      handedOver,
    });
    return assignment;
  },
});

/** Gives the open requests `leaving` holds under `grid`'s places to `colleague`, a worker of the grid today; how many. */
async function handOverWork(uow: UnitOfWork, grid: Grid, leaving: string, colleague: Person, end: string): Promise<number> {
  if (colleague.uuid !== leaving && !(await isActiveWorker(uow, [grid.uuid], colleague.uuid, today(uow)))) {
    throw gridMessages.handOverToWorker.error({ personName: colleague.name, gridName: grid.name }, 'handOverToId');
  }
  const reason = `grid ${grid.name}: assignment ends ${end}`;
  return handOverHeldRequests(uow, leaving, colleague, await coveredPaths(uow, grid.uuid), reason, 'handOverToId');
}
