import {
  belongsUnder,
  defineCommand,
  DomainError,
  type Named,
  type Person,
  type Place,
  requireIsoDate,
  type UnitOfWork,
} from '@gongzhi/core';
import type { Grid } from '../grid/grid.entity.js';
import { communityOf, gridsCovering } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { GridPermission } from '../permissions.js';
import { GridWorker } from './worker.entity.js';
import { hasOverlappingAssignment, isActiveWorker } from './worker.queries.js';

/**
 * The rule of the work only a grid's own workers do (visits, colours, grid-level escalation):
 * `person` is an active worker today of the grid or micro-grid covering `place`. Refuses with
 * NOT_IN_GRID or NOT_GRID_WORKER, naming `field`.
 */
export async function requireGridWorkerAt(uow: UnitOfWork, place: Place, person: Person, field: string): Promise<Grid[]> {
  const grids = await gridsCovering(uow, place.path);
  if (!grids.length) {
    throw new DomainError(
      'NOT_IN_GRID',
      `${place.name} is not inside any grid; add its building to a grid (addGridPlaces) before grid workers record anything there.`,
      field,
    );
  }
  const ids = grids.map((g) => g.uuid);
  if (!(await isActiveWorker(uow, ids, person.uuid, today(uow)))) {
    throw new DomainError(
      'NOT_GRID_WORKER',
      `${person.name} is not an active worker of grid ${grids.map((g) => g.name).join(' / ')}, which covers ${place.name}; only its grid workers do this there.`,
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
    if (to && to < from) throw new DomainError('BAD_USER_INPUT', `"endsOn" (${to}) must be on or after "startsOn" (${from}).`, 'endsOn');
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    // On the community's line of places is not enough (a role above it, a role that has ended): they must belong there that day.
    if (!(await belongsUnder(uow, person.uuid, community.path, from))) {
      throw new DomainError(
        'WORKER_OUTSIDE_COMMUNITY',
        `${person.name} neither lives in nor holds a role in ${community.name} on ${from}, the community of grid ${grid.name}; assign a person of that community, or give them a role there first (assignRole).`,
        'personId',
      );
    }
    if (await hasOverlappingAssignment(uow, grid.uuid, person.uuid, from, to)) {
      throw new DomainError(
        'CONFLICT',
        `${person.name} is already a worker of grid ${grid.name} for part of ${from}–${to ?? 'open end'}; end that assignment first or choose other dates.`,
        'startsOn',
      );
    }
    const assignment = uow.em.create(GridWorker, { grid, person, startsOn: from, endsOn: to });
    await uow.em.flush();
    await uow.emit('grid.worker-assigned', { gridId: grid.uuid, personId: person.uuid, assignmentId: assignment.uuid, startsOn: from });
    return assignment;
  },
});
