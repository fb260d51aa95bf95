import {
  type EventBus,
  type EventEmitter,
  type GongzhiContext,
  type Person,
  Request,
  RequestRuleError,
  RequestService,
  RequestStatus,
  TRANSITIONS,
  userError,
} from '@gongzhi/core';
import type { EntityManager } from './em.js';

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
 * Walks a request to `to` through core's RequestService, one legal move at a time, each on the
 * request's timeline with the actor and `note`. It runs inside the caller's unit of work: the
 * service is given a context whose event bus joins the open transaction, so the request's
 * changes commit (and its events go out) together with the council's, or not at all.
 * Returns the moves made (none when the request is already there, or is rejected or closed).
 */
export async function advanceRequest(
  ctx: GongzhiContext,
  tx: { em: EntityManager; emit: EventEmitter },
  requestId: string,
  to: RequestStatus.IN_PROGRESS | RequestStatus.RESOLVED,
  actor: Person,
  note: string,
): Promise<RequestStatus[]> {
  const request = await tx.em.findOneOrFail(Request, { uuid: requestId }, { refresh: true });
  if (AT_OR_AFTER[to].includes(request.status)) return [];
  const path = pathTo(request.status, to);
  if (!path) return [];
  const joined: Pick<EventBus, 'transaction'> = {
    transaction: (_em, work) => work(tx),
  };
  const service = new RequestService({ ...ctx, em: tx.em, events: joined as EventBus });
  try {
    for (const status of path) await service.changeStatus(requestId, status, actor, note);
  } catch (err) {
    if (err instanceof RequestRuleError) {
      throw userError('CONFLICT', `The linked request could not be moved to ${to}: ${err.message} Nothing was written; try again.`, null, {
        requestCode: err.code,
      });
    }
    throw err;
  }
  return path;
}
