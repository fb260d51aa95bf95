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
    'request.reassigned': RequestEventPayload & { assigneeId: string; previousAssigneeId: string; reason: string };
    'request.released': RequestEventPayload & { previousAssigneeId: string; reason: string };
    'request.dispatched': RequestEventPayload & { organizationId: string };
    'request.escalated': RequestEventPayload & { fromLevel: RequestLevel; reason: string };
    'request.rated': RequestEventPayload & { rating: number };
    'request.merged': RequestEventPayload & { from: RequestStatus; intoId: string; followed: number; note: string | null };
    'request.unmerged': RequestEventPayload & { intoId: string; reason: string };
    /** About a duplicate: the request it was merged into was finished (its `status`, the duplicate's own, stays closed). */
    'request.original-finished': RequestEventPayload & { originalId: string; originalStatus: RequestStatus };
    'request.due-soon': RequestEventPayload & { dueAt: string; assigneeId: string | null; dispatchedToId: string | null };
    /** Changed without a new status: progress reported, deadline moved, a duplicate merged into it or taken out, a photo added. */
    'request.updated': RequestEventPayload & { change: 'progress' | 'deadline' | 'duplicate' | 'photo' };
  }
}

/** The fields every request event carries, described. */
const requestFields = {
  requestId: { node: 'Request', description: 'The request.' },
  placePath: 'The materialised path of its place (ids from the root, /-separated): who may see the event.',
  status: 'Its status after the change, in lower case: submitted, accepted, assigned, claimed, in_progress, resolved, closed, rejected.',
  level: 'The level that handles it now: grid, community or subdistrict.',
} as const;

/** What each request event means, as `eventTypes` lists it. */
export const requestEvents = {
  'request.created': {
    description: 'A request was submitted: by a resident, a hotline work order, a visit or a report.',
    payload: requestFields,
  },
  'request.status-changed': {
    description: 'A request moved to another status (accepted, claimed, in progress, resolved, closed…); `from` is where it was.',
    payload: { ...requestFields, from: 'The status it left.' },
  },
  'request.assigned': {
    description: 'A request was given to a person to handle.',
    payload: { ...requestFields, assigneeId: { node: 'Person', description: 'The person it was given to.' } },
  },
  'request.claimed': {
    description: 'A person took a request themselves.',
    payload: { ...requestFields, assigneeId: { node: 'Person', description: 'The person who took it.' } },
  },
  'request.reassigned': {
    description: 'Work someone held was given to another person (the worker was ill, changed posts, left).',
    payload: {
      ...requestFields,
      assigneeId: { node: 'Person', description: 'The person it was given to.' },
      previousAssigneeId: { node: 'Person', description: 'The person who held it before.' },
      reason: 'Why, in words.',
    },
  },
  'request.released': {
    description: 'Work taken and not begun was given back: the request is accepted again, held by no one.',
    payload: {
      ...requestFields,
      previousAssigneeId: { node: 'Person', description: 'The person who held it.' },
      reason: 'Why, in words.',
    },
  },
  'request.dispatched': {
    description: 'A request was sent to an organisation (a partner unit) to take up.',
    payload: { ...requestFields, organizationId: { node: 'Organization', description: 'The organisation it was sent to.' } },
  },
  'request.escalated': {
    description: 'A request went up one level (grid › community › subdistrict): by hand, or because its time limit passed.',
    payload: { ...requestFields, fromLevel: 'The level it left.', reason: 'Why, in words (the time limit passed, or the reason given).' },
  },
  'request.merged': {
    description:
      'A request was merged into another as its duplicate (重复件: the same problem reported again) and closed; the other is handled for both.',
    payload: {
      ...requestFields,
      from: 'The status it left.',
      intoId: { node: 'Request', description: 'The request it was merged into.' },
      followed: 'How many of its own duplicates now point at that request too.',
      note: 'Why, in words, or null.',
    },
  },
  'request.original-finished': {
    description:
      'The request a duplicate was merged into was finished (resolved, closed or rejected): one event for each of its duplicates, about the duplicate, so its requester can be told (their timeline says so too).',
    payload: {
      ...requestFields,
      originalId: { node: 'Request', description: 'The request it was merged into, now finished.' },
      originalStatus: 'What became of that one: resolved, closed or rejected.',
    },
  },
  'request.unmerged': {
    description: 'A merge made by mistake was undone: the request is its own again, in the status it was merged from.',
    payload: {
      ...requestFields,
      intoId: { node: 'Request', description: 'The request it had been merged into.' },
      reason: 'Why, in words.',
    },
  },
  'request.due-soon': {
    description:
      'An open request’s deadline comes within the reminder window (GONGZHI_DUE_SOON_HOURS, 24 h unless set): once per deadline, so the holder can be reminded (催办) before it is late.',
    payload: {
      ...requestFields,
      dueAt: 'The deadline, ISO 8601.',
      assigneeId: { node: 'Person', description: 'Who holds it, or null.' },
      dispatchedToId: { node: 'Organization', description: 'The partner unit it was dispatched to, or null.' },
    },
  },
  'request.rated': {
    description: 'The requester rated how a finished request was handled.',
    payload: { ...requestFields, rating: 'The rating, 1 (bad) to 5 (very good).' },
  },
  'request.updated': {
    description:
      'A request changed without a new status: progress was reported, its deadline moved, a duplicate was merged into it (or taken out), or a photo was added.',
    payload: {
      ...requestFields,
      change: 'What changed: progress (a progress note), deadline, duplicate (a duplicate merged into it or taken out), or photo.',
    },
  },
} as const satisfies PluginEventCatalog<'request'>;
