import {
  assignedRequestCount,
  batchLoader,
  type GongzhiContext,
  organizationIdsOfPerson,
  Person,
  readContext,
  type ReadContext,
  requestCountUnder,
  RequestStatus,
} from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { GridKind } from './grid-enums.js';
import { type Grid } from './grid.entity.js';
import { GridPlace } from './grid-place.entity.js';
import { t } from './db.js';

/** Statuses in which a request still needs work. */
export const OPEN_STATUSES: readonly RequestStatus[] = [
  RequestStatus.SUBMITTED,
  RequestStatus.ACCEPTED,
  RequestStatus.ASSIGNED,
  RequestStatus.CLAIMED,
  RequestStatus.IN_PROGRESS,
  RequestStatus.ESCALATED,
];

/** Statuses in which someone is working on a request: a worker's load. */
export const WORKING_STATUSES: readonly RequestStatus[] = [RequestStatus.ASSIGNED, RequestStatus.CLAIMED, RequestStatus.IN_PROGRESS];

/** The ids in a materialized path (`/a/b/c/` → a, b, c): the place and all its ancestors. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** SQL: `col` is `path` or below it, in a form the text_pattern_ops index serves ('0' follows '/'). */
export function underSql(col: string, path: string): string {
  return `(${col} ~>=~ ${path} AND ${col} ~<~ (left(${path}, -1) || '0'))`;
}

/** The grids covering a place, by kind: at most one of each (the database keeps it so). */
export interface Covering {
  grid: Grid | null;
  microGrid: Grid | null;
}

/**
 * The grids covering each of `paths` (a place's materialized path): a grid covers a place
 * when it covers the place or one of its ancestors, all of whose ids are in the path. One
 * indexed query for any number of paths.
 */
export async function coveringGrids(em: EntityManager, paths: readonly string[]): Promise<Map<string, Covering>> {
  const ids = [...new Set(paths.flatMap(pathIds))];
  const rows = ids.length ? await em.find(GridPlace, { place: { $in: ids } }, { populate: ['grid'] }) : [];
  const byPlace = new Map<string, GridPlace[]>();
  for (const row of rows) {
    const key = row.place.uuid;
    byPlace.set(key, [...(byPlace.get(key) ?? []), row]);
  }
  const result = new Map<string, Covering>();
  for (const path of paths) {
    const covering: Covering = { grid: null, microGrid: null };
    for (const id of pathIds(path)) {
      for (const row of byPlace.get(id) ?? []) {
        if (row.gridKind === GridKind.MICRO_GRID) covering.microGrid = row.grid;
        else covering.grid = row.grid;
      }
    }
    result.set(path, covering);
  }
  return result;
}

/** `coveringGrids` for one path, batched across an operation (Place.grid, Request.grid…). */
export function loadCovering(ctx: GongzhiContext, path: string): Promise<Covering> {
  return batchLoader<string, Covering>(ctx, 'grid.covering', async (paths) => {
    const map = await coveringGrids(ctx.em, paths);
    return paths.map((p) => map.get(p)!);
  }).load(path);
}

/** Compares as PostgreSQL compares text in the C collation and uuids: by code unit. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An active worker of a grid with how many requests they are working on now. */
export interface WorkerLoad {
  person: Person;
  open: number;
  startsOn: string;
}

/**
 * The grid's workers active on `today`, the least loaded first; ties go to the longest
 * serving, then by person id, so the choice is deterministic.
 */
export async function activeWorkersByLoad(em: EntityManager, gridId: string, today: string): Promise<WorkerLoad[]> {
  const workers: { person_id: string; starts_on: string }[] = await em.execute(
    `SELECT w.person_id, to_char(min(w.starts_on), 'YYYY-MM-DD') AS starts_on
       FROM ${t('grid_worker')} w
      WHERE w.grid_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)
      GROUP BY w.person_id`,
    [gridId, today, today],
  );
  if (!workers.length) return [];
  // Each worker's open work, from core in one batch; then least loaded, longest serving, person id.
  const core = readContext(em);
  const rows = (
    await Promise.all(workers.map(async (w) => ({ ...w, open: await assignedRequestCount(core, w.person_id, WORKING_STATUSES) })))
  ).sort((a, b) => a.open - b.open || compare(a.starts_on, b.starts_on) || compare(a.person_id, b.person_id));
  const people = await em.find(Person, { uuid: { $in: rows.map((r) => r.person_id) } });
  const byId = new Map(people.map((p) => [p.uuid, p]));
  return rows.map((r) => ({ person: byId.get(r.person_id)!, open: Number(r.open), startsOn: r.starts_on }));
}

/** Whether `personId` is a worker of the grid active on `today`. */
export async function isActiveWorker(em: EntityManager, gridIds: readonly string[], personId: string, today: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const rows = await em.execute(
    `SELECT 1 FROM ${t('grid_worker')} w
      WHERE w.grid_id IN (?) AND w.person_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date) LIMIT 1`,
    [gridIds, personId, today, today],
  );
  return rows.length > 0;
}

/** Whether `personId` is a member of a partner unit that has adopted one of the grids on `today`. */
export async function isAdoptingMember(ctx: ReadContext, gridIds: readonly string[], personId: string, today: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const organizationIds = await organizationIdsOfPerson(ctx, personId);
  if (!organizationIds.length) return false;
  const rows = await ctx.em.execute(
    `SELECT 1 FROM ${t('grid_adoption')} a
      WHERE a.grid_id IN (?) AND a.organization_id IN (?) AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date) LIMIT 1`,
    [gridIds, organizationIds, today, today],
  );
  return rows.length > 0;
}

/** How many requests under each grid are open, batched per operation (one aggregate). */
export function loadOpenRequestCount(ctx: GongzhiContext, gridId: string): Promise<number> {
  return batchLoader<string, number>(ctx, 'grid.openRequestCount', async (ids) => {
    const rows: { grid_id: string; place_path: string }[] = await ctx.em.execute(
      `SELECT gp.grid_id, gp.place_path FROM ${t('grid_place')} gp WHERE gp.grid_id IN (?)`,
      [ids],
    );
    const paths = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const row of rows) paths.get(row.grid_id)?.push(row.place_path);
    // Core counts the open requests under each grid's places, all grids in one batch.
    return Promise.all(ids.map((id) => requestCountUnder(ctx, paths.get(id)!, OPEN_STATUSES)));
  }).load(gridId);
}
