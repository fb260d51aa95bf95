import { batchLoader, type GongzhiContext, Person, RequestStatus } from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { GridKind } from './grid-enums.js';
import { type Grid } from './grid.entity.js';
import { GridPlace } from './grid-place.entity.js';

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
  const rows: { person_id: string; open: number; starts_on: string }[] = await em.execute(
    `SELECT w.person_id, to_char(min(w.starts_on), 'YYYY-MM-DD') AS starts_on,
            (SELECT count(*) FROM public.request r WHERE r.assignee_id = w.person_id AND r.status IN (?))::int AS open
       FROM grid.grid_worker w
      WHERE w.grid_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)
      GROUP BY w.person_id
      ORDER BY open, starts_on, w.person_id`,
    [WORKING_STATUSES, gridId, today, today],
  );
  if (!rows.length) return [];
  const people = await em.find(Person, { uuid: { $in: rows.map((r) => r.person_id) } });
  const byId = new Map(people.map((p) => [p.uuid, p]));
  return rows.map((r) => ({ person: byId.get(r.person_id)!, open: Number(r.open), startsOn: r.starts_on }));
}

/** Whether `personId` is a worker of the grid active on `today`. */
export async function isActiveWorker(em: EntityManager, gridIds: readonly string[], personId: string, today: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const rows = await em.execute(
    `SELECT 1 FROM grid.grid_worker w
      WHERE w.grid_id IN (?) AND w.person_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date) LIMIT 1`,
    [gridIds, personId, today, today],
  );
  return rows.length > 0;
}

/** Whether `personId` is a member of a partner unit that has adopted one of the grids on `today`. */
export async function isAdoptingMember(em: EntityManager, gridIds: readonly string[], personId: string, today: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const rows = await em.execute(
    `SELECT 1 FROM grid.grid_adoption a
       JOIN public.organization_member m ON m.organization_id = a.organization_id
      WHERE a.grid_id IN (?) AND m.person_id = ? AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date) LIMIT 1`,
    [gridIds, personId, today, today],
  );
  return rows.length > 0;
}

/** How many requests under each grid are open, batched per operation (one aggregate). */
export function loadOpenRequestCount(ctx: GongzhiContext, gridId: string): Promise<number> {
  return batchLoader<string, number>(ctx, 'grid.openRequestCount', async (ids) => {
    const rows: { grid_id: string; n: number }[] = await ctx.em.execute(
      `SELECT gp.grid_id, count(DISTINCT r.id)::int AS n
         FROM grid.grid_place gp
         JOIN public.request r ON ${underSql('r.place_path', 'gp.place_path')} AND r.status IN (?)
        WHERE gp.grid_id IN (?)
        GROUP BY gp.grid_id`,
      [OPEN_STATUSES, ids],
    );
    const byId = new Map(rows.map((r) => [r.grid_id, Number(r.n)]));
    return ids.map((id) => byId.get(id) ?? 0);
  }).load(gridId);
}
