import { Request } from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { GridFinding } from './grid-finding.entity.js';
import { GridMeeting } from './grid-meeting.entity.js';
import { GridPlace } from './grid-place.entity.js';
import { OPEN_STATUSES, underSql } from './grid-queries.js';
import { Grid } from './grid.entity.js';
import { t } from './db.js';

/** What a weekly grid meeting reviews, as entities (the GraphQL type wraps it). */
export interface HandOffRows {
  grid: Grid;
  since: Date | null;
  findings: GridFinding[];
  openRequests: Request[];
}

/**
 * A grid's hand-off to its weekly meeting (周一网格议事会): the findings of visits to its
 * households since the last meeting (all of them before the first), and every request under
 * the grid still open, oldest first.
 */
export async function loadHandOff(em: EntityManager, gridId: string): Promise<HandOffRows | null> {
  const grid = await em.findOne(Grid, { uuid: gridId });
  if (!grid) return null;
  const last = await em.findOne(GridMeeting, { grid: gridId }, { orderBy: { heldAt: 'desc' } });
  const since = last?.heldAt ?? null;
  const findingIds: { id: string }[] = await em.execute(
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

/** The hand-off as plain data, for other plugins (a council plugin) through `services`. */
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

export function toPlainHandOff(rows: HandOffRows): GridHandOff {
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
