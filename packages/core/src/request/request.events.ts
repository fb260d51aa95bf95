import type { PluginEventCatalog } from '../events/event-catalog.js';
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

/** What each request event means, as `eventTypes` lists it. */
export const requestEvents = {
  'request.created': 'A request was submitted: by a resident, a hotline work order, a visit or a report.',
  'request.status-changed':
    'A request moved to another status (accepted, claimed, in progress, resolved, closed…); `from` is where it was.',
  'request.assigned': 'A request was given to a person to handle.',
  'request.claimed': 'A person took a request themselves.',
  'request.dispatched': 'A request was sent to an organisation (a partner unit) to take up.',
  'request.escalated': 'A request went up one level (grid › community › subdistrict): by hand, or because its time limit passed.',
  'request.rated': 'The requester rated how a finished request was handled.',
  'request.updated': 'A request changed without a new status: progress was reported, or its deadline moved.',
} as const satisfies PluginEventCatalog<'request'>;
