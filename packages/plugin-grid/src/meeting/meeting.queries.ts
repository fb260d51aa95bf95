import { type ReadContext, Request } from '@gongzhi/core';
import { t, underSql } from '../db.js';
import { Grid, GridPlace } from '../grid/grid.entity.js';
import { OPEN_STATUSES } from '../grid/grid.queries.js';
import { GridFinding } from '../visit/visit.entity.js';
import { GridMeeting } from './meeting.entity.js';

/** What a weekly grid meeting reviews, as rows (the GraphQL type wraps it). */
export interface HandOffRows {
  grid: Grid;
  /** When the last meeting was held; null before the first. */
  since: Date | null;
  findings: GridFinding[];
  openRequests: Request[];
}

/**
 * A grid's hand-off to its weekly meeting (周一网格议事会): the findings of visits to its
 * households since the last meeting (all of them before the first), and every request under
 * the grid still open, oldest first. Null for an unknown grid.
 */
export async function loadHandOff(ctx: Pick<ReadContext, 'em'>, gridId: string): Promise<HandOffRows | null> {
  const { em } = ctx;
  const grid = await em.findOne(Grid, { uuid: gridId });
  if (!grid) return null;
  const last = await em.findOne(GridMeeting, { grid: gridId }, { orderBy: { heldAt: 'desc' } });
  const since = last?.heldAt ?? null;
  const findingIds = await em.execute<{ id: string }[]>(
    `SELECT DISTINCT f.id, f.created_at FROM ${t('grid_finding')} f
       JOIN ${t('grid_visit')} v ON v.id = f.visit_id
       JOIN ${t('grid_place')} gp ON gp.grid_id = ? AND ${underSql('v.place_path', 'gp.place_path')}
      WHERE (?::timestamptz IS NULL OR f.created_at > ?::timestamptz)
      ORDER BY f.created_at, f.id`,
    [gridId, since?.toISOString() ?? null, since?.toISOString() ?? null],
  );
  const findings = findingIds.length
    ? await em.find(GridFinding, { uuid: { $in: findingIds.map((f) => f.id) } }, { orderBy: { createdAt: 'asc', uuid: 'asc' } })
    : [];
  const places = await em.find(GridPlace, { grid: gridId });
  const openRequests = places.length
    ? await em.find(
        Request,
        { $or: places.map((p) => ({ placePath: { $like: `${p.placePath}%` } })), status: { $in: [...OPEN_STATUSES] } },
        { orderBy: { createdAt: 'asc', uuid: 'asc' } },
      )
    : [];
  return { grid, since, findings, openRequests };
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
