import {
  changeRequestStatus,
  defineCommand,
  escalateRequest,
  lockRequestForUpdate,
  type Named,
  type Place,
  Request,
  RequestLevel,
  RequestStatus,
} from '@gongzhi/core';
import type { Grid } from '../grid/grid.entity.js';
import { requireCommunity } from '../grid/grid.commands.js';
import { communityOf, gridsCovering } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { GridPermission } from '../permissions.js';
import { isActiveWorker } from '../worker/worker.queries.js';
import { type EscalatingLevel, findOverdue, saveLimit } from './escalation.queries.js';
import { gridMessages } from '../messages.js';

/** A limit as it was set: where (a grid or a community, by global id), at which level, how many minutes. */
export interface LimitSetting {
  scope: 'grid' | 'community';
  scopeId: string;
  level: RequestLevel;
  minutes: number;
  /** The limit in whole hours, rounded up: for clients of the deprecated `hours`. */
  hours: number;
}

/** How long a limit is, as the mutations take it: exactly one of `minutes` or the deprecated `hours`. */
export interface LimitLength {
  minutes?: number | null;
  hours?: number | null;
}

/** Minutes in a year: the longest limit. */
const MAX_MINUTES = 525_600;

function checkLimit(level: RequestLevel, { minutes, hours }: LimitLength): { level: EscalatingLevel; minutes: number } {
  if (level === RequestLevel.SUBDISTRICT) {
    throw gridMessages.levelGridCommunitySubdistrict.error('level');
  }
  if (minutes != null && hours != null) {
    throw gridMessages.giveLimitOnceMinutes.error({ minutes, hours }, 'hours');
  }
  if (minutes == null && hours == null) {
    throw gridMessages.minutesMissingGiveLimit.error('minutes');
  }
  if (hours != null) {
    if (!Number.isInteger(hours) || hours < 1 || hours > 8760) {
      throw gridMessages.hoursWholeNumberFrom.error({ hours }, 'hours');
    }
    return { level, minutes: hours * 60 };
  }
  if (!Number.isInteger(minutes) || minutes! < 1 || minutes! > MAX_MINUTES) {
    throw gridMessages.minutesWholeNumberFrom.error({ minutes }, 'minutes');
  }
  return { level, minutes: minutes! };
}

/** A limit in whole hours, rounded up (what the deprecated `hours` fields show). */
export function hoursOf(minutes: number): number {
  return Math.ceil(minutes / 60);
}

/** Sets how long (minutes) a request under a grid may stay at a level before it escalates; overrides the community and the default. */
export const setGridEscalationLimit = defineCommand<{ grid: Named<Grid>; level: RequestLevel } & LimitLength, LimitSetting>({
  name: 'grid.setEscalationLimit',
  async run(uow, { grid, level, ...length }) {
    const { level: at, minutes } = checkLimit(level, length);
    const { path: placePath } = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, placePath);
    await saveLimit(uow, 'grid', grid.uuid, at, minutes, uow.now());
    const hours = hoursOf(minutes);
    await uow.emit('grid.escalation-limit-set', { scope: 'grid', scopeId: grid.uuid, placePath, level, minutes, hours });
    return { scope: 'grid', scopeId: grid.id, level, minutes, hours };
  },
});

/** Sets how long (minutes) a request in a community may stay at a level before it escalates; a grid's own limit overrides it. */
export const setCommunityEscalationLimit = defineCommand<{ community: Named<Place>; level: RequestLevel } & LimitLength, LimitSetting>({
  name: 'grid.setCommunityEscalationLimit',
  async run(uow, { community, level, ...length }) {
    const { level: at, minutes } = checkLimit(level, length);
    requireCommunity(community, 'communityId');
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    await saveLimit(uow, 'community', community.uuid, at, minutes, uow.now());
    const hours = hoursOf(minutes);
    await uow.emit('grid.escalation-limit-set', {
      scope: 'community',
      scopeId: community.uuid,
      placePath: community.path,
      level,
      minutes,
      hours,
    });
    return { scope: 'community', scopeId: community.id, level, minutes, hours };
  },
});

/**
 * Escalates a request one level by hand, with a reason, in the signed-in person's name and with
 * their authority (core's `request.manage` at its place). At the grid level, inside a grid, only
 * an active worker of that grid decides it (NOT_GRID_WORKER otherwise): small matters stay in the grid.
 */
export const escalateGridRequest = defineCommand<{ request: Named<Request>; reason: string }, Request>({
  name: 'grid.escalateRequest',
  async run(uow, { request, reason }) {
    const me = await uow.actingPerson();
    const why = reason.trim();
    if (!why) {
      throw gridMessages.escalationReasonEmpty.error('reason');
    }
    const grids = request.level === RequestLevel.GRID ? await gridsCovering(uow, request.placePath) : [];
    if (
      grids.length &&
      !(await isActiveWorker(
        uow,
        grids.map((g) => g.uuid),
        me.uuid,
        today(uow),
      ))
    ) {
      throw gridMessages.activeWorkerGridCovering.error({ meName: me.name }, 'requestId');
    }
    return uow.run(escalateRequest, { request, reason: why });
  },
});

/**
 * The escalation job's step for one request, in a unit of work of its own: escalates it one
 * level if it is still overdue. Safe when several schedulers run at once: the request is locked
 * `FOR UPDATE SKIP LOCKED` (one another scheduler is escalating is skipped), then checked again
 * in a fresh statement, so one escalated meanwhile is no longer overdue and is left alone. A
 * request still waiting at its level (status escalated) is first accepted, since core escalates
 * only accepted work. Returns the request escalated, or null.
 */
export const escalateOverdueRequest = defineCommand<{ requestId: string; level: EscalatingLevel }, Request | null>({
  name: 'grid.escalateOverdueRequest',
  async run(uow, { requestId, level }) {
    if (!(await lockRequestForUpdate(uow, requestId, { skipLocked: true }))) return null;
    const [still] = await findOverdue(uow, uow.services.get('grid').options, uow.now(), { id: requestId, level });
    if (!still) return null;
    const waited = still.pastDue
      ? `its deadline ${still.pastDue.toISOString()} at the ${still.level} level`
      : `${still.minutes % 60 ? `${still.minutes} min` : `${still.minutes / 60} h`} at the ${still.level} level`;
    let request = await uow.em.findOneOrFail(Request, { uuid: requestId });
    if (still.status === RequestStatus.ESCALATED) {
      const note = `not taken up within ${waited}: accepted automatically to escalate`;
      request = await uow.run(changeRequestStatus, { request, to: RequestStatus.ACCEPTED, note });
    }
    return uow.run(escalateRequest, { request, reason: `automatic: not resolved within ${waited}` });
  },
});
