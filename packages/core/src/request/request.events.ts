import type { RequestLevel, RequestStatus } from './request.entity.js';

/** What every request event carries: enough to route and refetch, small enough for NOTIFY. */
export interface RequestEventPayload {
  requestId: string;
  placePath: string;
  status: RequestStatus;
  level: RequestLevel;
}

declare module '../events/event-bus.js' {
  interface GongzhiEvents {
    'request.created': RequestEventPayload;
    'request.status-changed': RequestEventPayload & { from: RequestStatus };
    'request.assigned': RequestEventPayload & { assigneeId: string };
    'request.claimed': RequestEventPayload & { assigneeId: string };
    'request.dispatched': RequestEventPayload & { organizationId: string };
    'request.escalated': RequestEventPayload & { fromLevel: RequestLevel; reason: string };
    'request.rated': RequestEventPayload & { rating: number };
    /** Changed without a new status: progress reported, deadline moved. */
    'request.updated': RequestEventPayload & { change: 'progress' | 'deadline' };
  }
}
