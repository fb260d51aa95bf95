import { refId } from '../graphql/loaders.js';
import { RequestStatus } from './request.entity.js';
import type { RequestEventPayload } from './request.events.js';
import { Request } from './request.entity.js';
import { type BoardItemRef, defineBoardItems } from '../board/board-item.js';

/** Statuses with nothing left to do. */
const DONE: readonly RequestStatus[] = [RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REJECTED];
/** Finished requests stay on a board this long, so the "done" columns are not always empty. */
const RECENTLY_DONE_MS = 3 * 24 * 3600_000;

const ref = (p: RequestEventPayload): BoardItemRef => ({ id: p.requestId, placePath: p.placePath });

/** Core's own board items: requests, changed by every `request.*` event. */
export const requestBoardItems = defineBoardItems<Request>({
  type: 'Request',
  events: {
    'request.created': ref,
    'request.status-changed': ref,
    'request.assigned': ref,
    'request.claimed': ref,
    'request.reassigned': ref,
    'request.released': ref,
    'request.dispatched': ref,
    'request.escalated': ref,
    'request.rated': ref,
    'request.merged': ref,
    'request.unmerged': ref,
    'request.updated': ref,
  },
  load: (em, ids) => em.find(Request, { uuid: { $in: [...ids] } }),
  list: (em, q) =>
    em.find(
      Request,
      {
        placePath: { $like: `${q.placePath}%` },
        $or: [{ status: { $nin: [...DONE] } }, { updatedAt: { $gte: new Date(q.now.getTime() - RECENTLY_DONE_MS) } }],
      },
      { orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }], limit: q.limit },
    ),
  card: (r) => ({
    id: r.uuid,
    placePath: r.placePath,
    title: r.title,
    status: r.status,
    open: !DONE.includes(r.status),
    dueAt: r.dueAt ?? null,
    kind: r.kind,
    level: r.level,
    assigneeId: refId(r.assignee),
  }),
});
