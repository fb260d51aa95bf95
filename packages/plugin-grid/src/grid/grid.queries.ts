import { batchLoader, executeRead, keyedRows, matchKeys, Place, type ReadContext, requestCountUnder, RequestStatus } from '@gongzhi/core';
import { pathIds, t, underSql } from '../db.js';
import { Grid, GridKind } from './grid.entity.js';

/** Statuses in which a request still needs work. */
export const OPEN_STATUSES: readonly RequestStatus[] = [
  RequestStatus.SUBMITTED,
  RequestStatus.ACCEPTED,
  RequestStatus.ASSIGNED,
  RequestStatus.CLAIMED,
  RequestStatus.IN_PROGRESS,
  RequestStatus.ESCALATED,
];

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
export async function coveringGrids(ctx: Pick<ReadContext, 'em'>, paths: readonly string[]): Promise<Map<string, Covering>> {
  const ids = [...new Set(paths.flatMap(pathIds))];
  const { match, value } = matchKeys(ids, 'uuid');
  // Plain rows mapped to grids: a hot path (every new request's routing), where the ORM's find would build the query each time.
  const rows = ids.length
    ? await executeRead<(Record<string, unknown> & { covered_place_id: string })[]>(
        ctx.em,
        `SELECT gp.place_id AS covered_place_id, g.* FROM ${t('grid_place')} gp JOIN ${t('grid')} g ON g.id = gp.grid_id WHERE gp.place_id ${match}`,
        [value],
        { fixedShape: true },
      )
    : [];
  const byPlace = new Map<string, Grid[]>();
  for (const { covered_place_id: placeId, ...grid } of rows)
    byPlace.set(placeId, [...(byPlace.get(placeId) ?? []), ctx.em.map(Grid, grid)]);
  const result = new Map<string, Covering>();
  for (const path of paths) {
    const covering: Covering = { grid: null, microGrid: null };
    for (const grid of pathIds(path).flatMap((id) => byPlace.get(id) ?? [])) {
      if (grid.kind === GridKind.MICRO_GRID) covering.microGrid = grid;
      else covering.grid = grid;
    }
    result.set(path, covering);
  }
  return result;
}

/** Which of `paths` lie in some grid (their place or one of its ancestors covered): one indexed query, no grid read. */
export async function pathsInAGrid(ctx: Pick<ReadContext, 'em'>, paths: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(paths.flatMap(pathIds))];
  if (!ids.length) return new Set();
  const { match, value } = matchKeys(ids, 'uuid');
  const rows = await executeRead<{ place_id: string }[]>(
    ctx.em,
    `SELECT DISTINCT place_id FROM ${t('grid_place')} WHERE place_id ${match}`,
    [value],
    { fixedShape: true },
  );
  const covered = new Set(rows.map((r) => r.place_id));
  return new Set(paths.filter((path) => pathIds(path).some((id) => covered.has(id))));
}

/** The grids covering the place at `path`, the most specific (the micro-grid) first; empty outside every grid. */
export async function gridsCovering(ctx: Pick<ReadContext, 'em'>, path: string): Promise<Grid[]> {
  const covering = (await coveringGrids(ctx, [path])).get(path)!;
  return [covering.microGrid, covering.grid].filter((g) => g !== null);
}

/** `coveringGrids` for one path, batched across an operation (Place.grid, Request.grid…). */
export function loadCovering(ctx: ReadContext, path: string): Promise<Covering> {
  return batchLoader<string, Covering>(ctx, 'grid.covering', async (paths) => {
    const map = await coveringGrids(ctx, paths);
    return paths.map((p) => map.get(p)!);
  }).load(path);
}

/** The community a grid belongs to. */
export function communityOf(ctx: Pick<ReadContext, 'em'>, grid: Grid): Promise<Place> {
  return ctx.em.findOneOrFail(Place, { uuid: grid.community.uuid });
}

/** The paths of the places each grid covers, batched across one operation (a page of grids' rates: one statement). */
export function loadCoveredPaths(ctx: ReadContext, gridId: string): Promise<string[]> {
  return batchLoader<string, string[]>(ctx, 'grid.covered-paths', async (gridIds) => {
    const rows = await executeRead<{ grid_id: string; place_path: string }[]>(
      ctx.em,
      `SELECT gp.grid_id, gp.place_path FROM ${t('grid_place')} gp WHERE gp.grid_id = ANY (?::uuid[])`,
      [[...gridIds]],
      { fixedShape: true },
    );
    return gridIds.map((id) => rows.filter((r) => r.grid_id === id).map((r) => r.place_path));
  }).load(gridId);
}

/** The paths of the places a grid covers. */
export async function coveredPaths(ctx: Pick<ReadContext, 'em'>, gridId: string): Promise<string[]> {
  const rows = await executeRead<{ place_path: string }[]>(
    ctx.em,
    `SELECT gp.place_path FROM ${t('grid_place')} gp WHERE gp.grid_id = ?`,
    [gridId],
    {
      fixedShape: true,
    },
  );
  return rows.map((r) => r.place_path);
}

/**
 * Serializes coverage changes of one community until the transaction ends, so two concurrent
 * additions cannot both pass the overlap check.
 */
export async function lockCoverage(ctx: Pick<ReadContext, 'em'>, communityId: string): Promise<void> {
  await ctx.em.execute('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', ['grid.coverage', communityId]);
}

/**
 * A grid of `kind` already covering the place at `path`, one of its ancestors or one of its
 * descendants: the grid's name and the place it covers; null when there is none.
 */
export async function coverageClash(
  ctx: Pick<ReadContext, 'em'>,
  kind: GridKind,
  path: string,
): Promise<{ gridName: string; placeId: string } | null> {
  const [row] = await ctx.em.execute<{ grid_name: string; place_id: string }[]>(
    `SELECT g.name AS grid_name, gp.place_id
       FROM ${t('grid_place')} gp JOIN ${t('grid')} g ON g.id = gp.grid_id
      WHERE gp.grid_kind = ? AND (gp.place_id IN (?) OR ${underSql('gp.place_path', '?')})
      LIMIT 1`,
    [kind, pathIds(path), path, path],
  );
  return row ? { gridName: row.grid_name, placeId: row.place_id } : null;
}

/** How many requests under each grid are open, batched per operation (one aggregate). */
export async function loadOpenRequestCount(ctx: ReadContext, gridId: string): Promise<number> {
  const places = await keyedRows<{ grid_id: string; place_path: string }>(ctx, 'grid.openRequestCount', gridId, {
    sql: (match) => `SELECT gp.grid_id, gp.place_path FROM ${t('grid_place')} gp WHERE gp.grid_id ${match}`,
    keyColumn: 'grid_id',
    type: 'uuid',
  });
  // Core counts the open requests under each grid's places, all grids of the tick in one batch.
  return requestCountUnder(
    ctx,
    places.map((p) => p.place_path),
    OPEN_STATUSES,
  );
}
