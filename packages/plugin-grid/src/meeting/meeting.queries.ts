import type { FilterQuery } from '@mikro-orm/core';
import { type ConnectionOrder, type ReadContext, Request } from '@gongzhi/core';
import { Grid, GridPlace } from '../grid/grid.entity.js';
import { OPEN_STATUSES } from '../grid/grid.queries.js';
import { GridFinding } from '../visit/visit.entity.js';
import { GridMeeting } from './meeting.entity.js';

/** Where a grid's hand-off to its weekly meeting (周一网格议事会) looks. */
export interface HandOffScope {
  grid: Grid;
  /** When the last meeting was held; null before the first. */
  since: Date | null;
  /** The paths of the places the grid covers. */
  paths: string[];
}

/** The hand-off's lists, oldest first. */
export const FINDINGS_OLDEST_FIRST: ConnectionOrder<GridFinding> = { keys: ['createdAt', 'uuid'], direction: 'asc' };
export const REQUESTS_OLDEST_FIRST: ConnectionOrder<Request> = { keys: ['createdAt', 'uuid'], direction: 'asc' };

/** A grid's hand-off scope: the last meeting and the grid's places; null for an unknown grid. */
export async function handOffScope(ctx: Pick<ReadContext, 'em'>, gridId: string): Promise<HandOffScope | null> {
  const grid = await ctx.em.findOne(Grid, { uuid: gridId });
  if (!grid) return null;
  const last = await ctx.em.findOne(GridMeeting, { grid: gridId }, { orderBy: { heldAt: 'desc' } });
  const places = await ctx.em.find(GridPlace, { grid: gridId });
  return { grid, since: last?.heldAt ?? null, paths: places.map((p) => p.placePath) };
}

/** The findings of visits to the grid's households since the last meeting (all of them before the first); null when it covers nothing. */
export function handOffFindings(scope: HandOffScope): FilterQuery<GridFinding> | null {
  if (!scope.paths.length) return null;
  const visit = { $or: scope.paths.map((path) => ({ placePath: { $like: `${path}%` } })) };
  return scope.since ? { visit, createdAt: { $gt: scope.since } } : { visit };
}

/** The requests under the grid still open; null when it covers nothing. */
export function handOffRequests(scope: HandOffScope): FilterQuery<Request> | null {
  if (!scope.paths.length) return null;
  return { $or: scope.paths.map((path) => ({ placePath: { $like: `${path}%` } })), status: { $in: [...OPEN_STATUSES] } };
}

/** What a weekly grid meeting reviews, as rows: every finding and open request, oldest first. */
interface HandOffRows {
  grid: Grid;
  since: Date | null;
  findings: GridFinding[];
  openRequests: Request[];
}

/** A grid's whole hand-off (for other plugins through the grid's services); null for an unknown grid. */
async function loadHandOff(ctx: Pick<ReadContext, 'em'>, gridId: string): Promise<HandOffRows | null> {
  const scope = await handOffScope(ctx, gridId);
  if (!scope) return null;
  const orderBy = { createdAt: 'asc', uuid: 'asc' } as const; // the lists' order (FINDINGS_OLDEST_FIRST, REQUESTS_OLDEST_FIRST)
  const findingsWhere = handOffFindings(scope);
  const requestsWhere = handOffRequests(scope);
  const findings = findingsWhere ? await ctx.em.find(GridFinding, findingsWhere, { orderBy }) : [];
  const openRequests = requestsWhere ? await ctx.em.find(Request, requestsWhere, { orderBy }) : [];
  return { grid: scope.grid, since: scope.since, findings, openRequests };
}

/** The hand-off as plain data (local ids), for other plugins (a council plugin) through the grid's services. */
export interface GridHandOff {
  gridId: string;
  gridName: string;
  /** When the last meeting was held; null before the first. */
  since: Date | null;
  findings: {
    findingId: string;
    description: string;
    category: string | null;
    visitId: string;
    requestId: string | null;
    createdAt: Date;
  }[];
  openRequests: { requestId: string; title: string; status: string; level: string; placePath: string; createdAt: Date }[];
}

/** {@link loadHandOff} as plain data; null for an unknown grid. */
export async function plainHandOff(ctx: Pick<ReadContext, 'em'>, gridId: string): Promise<GridHandOff | null> {
  const rows = await loadHandOff(ctx, gridId);
  if (!rows) return null;
  return {
    gridId: rows.grid.uuid,
    gridName: rows.grid.name,
    since: rows.since,
    findings: rows.findings.map((f) => ({
      findingId: f.uuid,
      description: f.description,
      category: f.category ?? null,
      visitId: f.visit.uuid,
      requestId: f.request?.uuid ?? null,
      createdAt: f.createdAt,
    })),
    openRequests: rows.openRequests.map((r) => ({
      requestId: r.uuid,
      title: r.title,
      status: r.status,
      level: r.level,
      placePath: r.placePath,
      createdAt: r.createdAt,
    })),
  };
}
