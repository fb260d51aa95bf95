import { registerEnumType } from 'type-graphql';

export enum RequestKind {
  NEED = 'need',
  COMPLAINT = 'complaint',
  REPORT = 'report',
  PRAISE = 'praise',
  WISH = 'wish',
}

export enum RequestChannel {
  HOTLINE_12345 = 'hotline_12345',
  PHONE = 'phone',
  CHAT_GROUP = 'chat_group',
  HOUSEHOLD_VISIT = 'household_visit',
  MOBILE_REPORT = 'mobile_report',
  WISH_WALL = 'wish_wall',
}

export enum RequestStatus {
  SUBMITTED = 'submitted',
  ACCEPTED = 'accepted',
  ASSIGNED = 'assigned',
  CLAIMED = 'claimed',
  IN_PROGRESS = 'in_progress',
  RESOLVED = 'resolved',
  CLOSED = 'closed',
  REJECTED = 'rejected',
  ESCALATED = 'escalated',
}

/** Who handles it: small matters stay in the grid, big ones in the community, hard ones go up. */
export enum RequestLevel {
  GRID = 'grid',
  COMMUNITY = 'community',
  SUBDISTRICT = 'subdistrict',
}

export enum RequestPriority {
  LOW = 'low',
  NORMAL = 'normal',
  HIGH = 'high',
  URGENT = 'urgent',
}

registerEnumType(RequestKind, { name: 'RequestKind', description: 'Need, complaint, report, praise (表扬) or wish (微心愿).' });
registerEnumType(RequestChannel, { name: 'RequestChannel', description: 'How the request reached the community.' });
registerEnumType(RequestStatus, { name: 'RequestStatus', description: 'Where the request is in its life.' });
registerEnumType(RequestLevel, { name: 'RequestLevel', description: 'Grid, community or subdistrict (小事不出网格、大事不出社区).' });
registerEnumType(RequestPriority, { name: 'RequestPriority' });

const S = RequestStatus;

/**
 * The legal moves of the state machine, for moves made with `changeRequestStatus`.
 * Assigning, claiming and escalating have their own mutations, because they carry more
 * than a status (an assignee, a level); they follow the same table.
 */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  [S.SUBMITTED]: [S.ACCEPTED, S.REJECTED, S.ESCALATED],
  [S.ACCEPTED]: [S.ASSIGNED, S.CLAIMED, S.IN_PROGRESS, S.REJECTED, S.ESCALATED],
  [S.ASSIGNED]: [S.IN_PROGRESS, S.ESCALATED],
  [S.CLAIMED]: [S.IN_PROGRESS, S.ESCALATED],
  [S.IN_PROGRESS]: [S.RESOLVED, S.ESCALATED],
  [S.RESOLVED]: [S.CLOSED, S.IN_PROGRESS],
  [S.ESCALATED]: [S.ACCEPTED, S.REJECTED],
  [S.CLOSED]: [],
  [S.REJECTED]: [],
};

/** The next level up, or null at the top. */
export function levelAbove(level: RequestLevel): RequestLevel | null {
  if (level === RequestLevel.GRID) return RequestLevel.COMMUNITY;
  if (level === RequestLevel.COMMUNITY) return RequestLevel.SUBDISTRICT;
  return null;
}
