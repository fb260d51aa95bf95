import { randomUUID } from 'node:crypto';
import {
  keyedRows,
  type EscalationCandidate,
  escalationCandidates,
  executeRead,
  type ReadContext,
  Request,
  RequestKind,
  RequestLevel,
  RequestStatus,
} from '@gongzhi/core';
import { pathIds, t } from '../db.js';
import type { GridOptions } from '../options.js';

/** The levels a request escalates from (the subdistrict is the top). */
export type EscalatingLevel = RequestLevel.GRID | RequestLevel.COMMUNITY;
const LEVELS: readonly EscalatingLevel[] = [RequestLevel.GRID, RequestLevel.COMMUNITY];

/** A request found overdue at its level, with the limit that applied. */
export interface Overdue {
  id: string;
  level: EscalatingLevel;
  status: RequestStatus;
  /** The limit at its level, in minutes. */
  minutes: number;
  /** Set when its deadline (`dueAt`) passed before its limit at the level did: why it escalates. */
  pastDue: Date | null;
}

const MINUTE_MS = 60_000;
/** At most this many requests are escalated per run; candidates are read from core in pages of this size. */
export const RUN_LIMIT = 500;
/** Statuses that escalate: all but the finished ones. */
const ESCALATING_STATUSES = Object.values(RequestStatus).filter(
  (s) => s !== RequestStatus.RESOLVED && s !== RequestStatus.CLOSED && s !== RequestStatus.REJECTED,
);
/** Kinds that escalate: praise and wishes (微心愿, which wait for a claimer on the wish wall) never do. */
const ESCALATING_KINDS = Object.values(RequestKind).filter((k) => k !== RequestKind.PRAISE && k !== RequestKind.WISH);

/** The plugin's default limits in minutes, per level: the minute options when given, else the hour ones. */
function defaultMinutes(options: GridOptions): Record<EscalatingLevel, number> {
  return {
    grid: options.gridLevelMinutes ?? options.gridLevelHours * 60,
    community: options.communityLevelMinutes ?? options.communityLevelHours * 60,
  };
}

/**
 * The shortest limit (minutes) that may apply at each level: the default, or a shorter one set for some
 * grid or community. A request that arrived at its level less than this long ago is not overdue.
 */
async function shortestLimits(ctx: Pick<ReadContext, 'em'>, options: GridOptions): Promise<Record<EscalatingLevel, number>> {
  const shortest = defaultMinutes(options);
  const rows = await executeRead<{ level: EscalatingLevel; minutes: number }[]>(
    ctx.em,
    `SELECT l.level, min(l.minutes)::int AS minutes FROM ${t('escalation_limit')} l GROUP BY l.level`,
    [],
    { fixedShape: true },
  );
  for (const row of rows) shortest[row.level] = Math.min(shortest[row.level], Number(row.minutes));
  return shortest;
}

/**
 * The limit (minutes) of each candidate at its level: the most specific one set, the
 * micro-grid's, the grid's, the community's, else the plugin default. Grids and communities
 * covering a request are found through the ids in its place path (a community limit is only
 * ever set on a community, and places never change type).
 */
async function limitsOf(
  ctx: Pick<ReadContext, 'em'>,
  options: GridOptions,
  candidates: readonly EscalationCandidate[],
): Promise<Map<string, number>> {
  const defaults = defaultMinutes(options);
  const rows = await executeRead<{ id: string; minutes: number }[]>(
    ctx.em,
    `SELECT c.id,
            COALESCE(
              (SELECT l.minutes FROM ${t('grid_place')} gp
                 JOIN ${t('escalation_limit')} l ON l.grid_id = gp.grid_id AND l.level = c.level
                WHERE gp.place_id = ANY (c.place_ids)
                ORDER BY (gp.grid_kind = 'micro_grid') DESC LIMIT 1),
              (SELECT l.minutes FROM ${t('escalation_limit')} l
                WHERE l.community_id = ANY (c.place_ids) AND l.level = c.level LIMIT 1),
              CASE c.level WHEN 'grid' THEN ?::int ELSE ?::int END) AS minutes
       FROM jsonb_to_recordset(?::jsonb) AS c(id text, level text, place_ids uuid[])`,
    [
      defaults.grid,
      defaults.community,
      JSON.stringify(candidates.map((c) => ({ id: c.id, level: c.level, place_ids: pathIds(c.placePath) }))),
    ],
    { fixedShape: true },
  );
  return new Map(rows.map((r) => [r.id, Number(r.minutes)]));
}

/**
 * The open requests that stayed at the grid or community level longer than that level's
 * limit, or whose deadline (`dueAt`) passed since they arrived at their level, oldest first, at most {@link RUN_LIMIT}. Core answers the request side (requests
 * waiting at a level and since when: the last `escalated` timeline entry, else creation),
 * narrowed in the database by the shortest limit that may apply; the plugin applies each
 * request's own limit from its tables. With `only`, just that request at that level.
 */
export async function findOverdue(
  ctx: ReadContext,
  options: GridOptions,
  now: Date,
  only?: { id: string; level: EscalatingLevel },
): Promise<Overdue[]> {
  const shortest = await shortestLimits(ctx, options);
  const arrivedBy: Partial<Record<RequestLevel, Date>> = {};
  for (const level of only ? [only.level] : LEVELS) arrivedBy[level] = new Date(now.getTime() - shortest[level] * MINUTE_MS);
  const found: Overdue[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await escalationCandidates(ctx, {
      arrivedBy,
      statuses: ESCALATING_STATUSES,
      kinds: ESCALATING_KINDS,
      dueBy: now,
      ids: only ? [only.id] : undefined,
      after,
      limit: RUN_LIMIT,
    });
    if (!page.length) return found;
    const limits = await limitsOf(ctx, options, page);
    for (const candidate of page) {
      const minutes = limits.get(candidate.id)!;
      const { dueAt } = candidate;
      // Each deadline passes once: a request escalated after its dueAt arrived at its new level after it.
      const pastDue = dueAt && dueAt.getTime() <= now.getTime() && candidate.arrivedAt.getTime() < dueAt.getTime() ? dueAt : null;
      if (!pastDue && candidate.arrivedAt.getTime() + minutes * MINUTE_MS > now.getTime()) continue;
      found.push({ id: candidate.id, level: candidate.level as EscalatingLevel, status: candidate.status, minutes, pastDue });
      if (found.length === RUN_LIMIT) return found;
    }
    const last = page[page.length - 1];
    if (!last || page.length < RUN_LIMIT) return found;
    after = last.id;
  }
}

/** The requests `ids` (uuids), oldest first. */
export function requestsByIds(ctx: Pick<ReadContext, 'em'>, ids: readonly string[]): Promise<Request[]> {
  return ids.length
    ? ctx.em.find(Request, { uuid: { $in: [...ids] } }, { orderBy: { createdAt: 'asc', uuid: 'asc' } })
    : Promise.resolve([]);
}

/** Sets (or replaces) the limit at a level of a grid or a community. */
export async function saveLimit(
  ctx: Pick<ReadContext, 'em'>,
  scope: 'grid' | 'community',
  scopeId: string,
  level: EscalatingLevel,
  minutes: number,
  at: Date,
): Promise<void> {
  // One limit per scope and level: the partial unique index of the scope's column.
  const column = scope === 'grid' ? 'grid_id' : 'community_id';
  await ctx.em.execute(
    `INSERT INTO ${t('escalation_limit')} (id, ${column}, level, minutes, updated_at) VALUES (?, ?, ?, ?, ?::timestamptz)
     ON CONFLICT (${column}, level) WHERE ${column} IS NOT NULL DO UPDATE SET minutes = excluded.minutes, updated_at = excluded.updated_at`,
    [randomUUID(), scopeId, level, minutes, at.toISOString()],
  );
}

/** The limits that apply to requests under a grid, and where each is set (micro_grid, grid, community or default). */
export interface GridLimits {
  gridLevelMinutes: number;
  gridLevelSource: string;
  communityLevelMinutes: number;
  communityLevelSource: string;
}

/** {@link GridLimits} of a grid, batched per operation: one statement for a page of grids. */
export async function loadGridLimits(ctx: ReadContext, options: GridOptions, gridId: string): Promise<GridLimits> {
  const rows = await keyedRows<{
    grid_id: string;
    level: EscalatingLevel;
    own: number | null;
    parent: number | null;
    community: number | null;
    kind: string;
  }>(ctx, 'grid.escalationLimits', gridId, {
    sql: (match) => `SELECT g.id AS grid_id, g.kind, lv.level,
              (SELECT l.minutes FROM ${t('escalation_limit')} l WHERE l.grid_id = g.id AND l.level = lv.level) AS own,
              (SELECT l.minutes FROM ${t('escalation_limit')} l WHERE l.grid_id = g.parent_id AND l.level = lv.level) AS parent,
              (SELECT l.minutes FROM ${t('escalation_limit')} l WHERE l.community_id = g.community_id AND l.level = lv.level) AS community
         FROM ${t('grid')} g CROSS JOIN (VALUES ('grid'), ('community')) AS lv(level)
        WHERE g.id ${match}`,
    keyColumn: 'grid_id',
    type: 'uuid',
  });
  const limits = {} as GridLimits;
  const defaults = defaultMinutes(options);
  for (const r of rows) {
    const fallback = defaults[r.level];
    const [minutes, source] =
      r.own != null
        ? [r.own, r.kind]
        : r.parent != null
          ? [r.parent, 'grid']
          : r.community != null
            ? [r.community, 'community']
            : [fallback, 'default'];
    if (r.level === RequestLevel.GRID) Object.assign(limits, { gridLevelMinutes: Number(minutes), gridLevelSource: source });
    else Object.assign(limits, { communityLevelMinutes: Number(minutes), communityLevelSource: source });
  }
  return limits;
}
