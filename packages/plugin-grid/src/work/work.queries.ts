import { organizationIdsOfPerson, type ReadContext, Request, requestIdsUnder } from '@gongzhi/core';
import { t } from '../db.js';
import { OPEN_STATUSES } from '../grid/grid.queries.js';

/**
 * The paths of the places covered by the grids `personId` works in on `day`, or whose adopting
 * partner unit they belong to: where their grid work lies.
 */
async function gridWorkPaths(ctx: ReadContext, personId: string, day: string): Promise<string[]> {
  const organizationIds = await organizationIdsOfPerson(ctx, personId);
  const rows = await ctx.em.execute<{ place_path: string }[]>(
    `WITH mine AS (
       SELECT w.grid_id FROM ${t('grid_worker')} w
        WHERE w.person_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)
       UNION
       SELECT a.grid_id FROM ${t('grid_adoption')} a
        WHERE a.organization_id = ANY (string_to_array(?, ',')::uuid[]) AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date))
     SELECT DISTINCT gp.place_path FROM mine JOIN ${t('grid_place')} gp ON gp.grid_id = mine.grid_id`,
    [personId, day, day, organizationIds.join(','), day, day],
  );
  return rows.map((r) => r.place_path);
}

/** The open requests under {@link gridWorkPaths}, newest first, at most `limit`. */
export async function gridWork(ctx: ReadContext, personId: string, day: string, limit: number): Promise<Request[]> {
  const paths = await gridWorkPaths(ctx, personId, day);
  if (!paths.length) return [];
  const ids = await requestIdsUnder(ctx, { paths, statuses: OPEN_STATUSES, limit });
  if (!ids.length) return [];
  return ctx.em.find(Request, { uuid: { $in: ids } }, { orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }] });
}
