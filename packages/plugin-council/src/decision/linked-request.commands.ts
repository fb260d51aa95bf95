import {
  changeRequestStatus,
  defineCommand,
  DomainError,
  type Named,
  Permission,
  type Request,
  RequestStatus,
  TRANSITIONS,
  type UnitOfWork,
} from '@gongzhi/core';
import { councilMessages } from '../messages.js';

/**
 * The request a decision is about (its agenda item's): decisions move it only through core's
 * `changeRequestStatus`, run in the decision's unit of work with the actor's authority, so the
 * request, its timeline and the council's rows commit together or not at all.
 */

/** Moves that carry more than a status (an assignee, a level): a council never makes them. */
const NOT_BY_COUNCIL = new Set([RequestStatus.ASSIGNED, RequestStatus.CLAIMED, RequestStatus.ESCALATED]);

/**
 * The shortest legal path through core's request state machine from `from` to `to`, using
 * only plain status moves; null when there is none (a rejected or closed request).
 */
export function pathTo(from: RequestStatus, to: RequestStatus): RequestStatus[] | null {
  if (from === to) return [];
  const previous = new Map<RequestStatus, RequestStatus>();
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    for (const next of TRANSITIONS[at]) {
      if (NOT_BY_COUNCIL.has(next) || next === from || previous.has(next)) continue;
      previous.set(next, at);
      if (next === to) {
        const path = [to];
        for (let step = previous.get(to); step !== undefined && step !== from; step = previous.get(step)) path.unshift(step);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

/** Statuses at or after which a request needs no push towards `to`. */
const AT_OR_AFTER: Record<RequestStatus.IN_PROGRESS | RequestStatus.RESOLVED, RequestStatus[]> = {
  [RequestStatus.IN_PROGRESS]: [RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REJECTED],
  [RequestStatus.RESOLVED]: [RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REJECTED],
};

/**
 * Whether the actor may move `request`: what `changeRequestStatus` will check (`request.manage`
 * at the request's place). Asked first, so a decision can say what it needs, or leave the move to
 * staff, instead of failing half-way; the command still checks for itself.
 */
export function mayMoveRequest(uow: UnitOfWork, request: Request): boolean {
  return uow.actor.access.can(Permission.REQUEST_MANAGE, request.placePath);
}

/**
 * Walks a request to `to`, one legal move at a time, each a run of core's `changeRequestStatus`
 * (on the request's timeline with the actor and `note`). Returns the moves made: none when the
 * request is already there or beyond, or is rejected or closed. A move core refuses (someone
 * changed the request meanwhile) stops the whole unit of work, saying which request move failed.
 */
export const advanceDecidedRequest = defineCommand<
  { request: Named<Request>; to: RequestStatus.IN_PROGRESS | RequestStatus.RESOLVED; note: string },
  RequestStatus[]
>({
  name: 'council.advanceDecidedRequest',
  async run(uow, { request, to, note }) {
    if (AT_OR_AFTER[to].includes(request.status)) return [];
    const path = pathTo(request.status, to) ?? [];
    try {
      for (const status of path) await uow.run(changeRequestStatus, { request, to: status, note });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      throw councilMessages.linkedRequestNotMoved.relay(err, { to }, null, { requestCode: err.code });
    }
    return path;
  },
});
