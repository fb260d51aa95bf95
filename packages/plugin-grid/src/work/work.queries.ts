import {
  type ConnectionArgs,
  type ConnectionOrder,
  ConnectionPage,
  executeRead,
  findPage,
  organizationIdsOfPerson,
  type ReadContext,
  Request,
} from '@gongzhi/core';
import { t } from '../db.js';
import { OPEN_STATUSES } from '../grid/grid.queries.js';

/**
 * The paths of the places covered by the grids `personId` works in on `day`, or whose adopting
 * partner unit they belong to: where their grid work lies.
 */
async function gridWorkPaths(ctx: ReadContext, personId: string, day: string): Promise<string[]> {
  const organizationIds = await organizationIdsOfPerson(ctx, personId);
  const rows = await executeRead<{ place_path: string }[]>(
    ctx.em,
    `WITH mine AS (
       SELECT w.grid_id FROM ${t('grid_worker')} w
        WHERE w.person_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)
       UNION
       SELECT a.grid_id FROM ${t('grid_adoption')} a
        WHERE a.organization_id = ANY (?::uuid[]) AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date))
     SELECT DISTINCT gp.place_path FROM mine JOIN ${t('grid_place')} gp ON gp.grid_id = mine.grid_id`,
    [personId, day, day, organizationIds, day, day],
    { fixedShape: true },
  );
  return rows.map((r) => r.place_path);
}

const NEWEST_FIRST: ConnectionOrder<Request> = { keys: ['createdAt', 'uuid'], direction: 'desc' };

/** A page of the open requests under {@link gridWorkPaths}, newest first. */
export async function gridWork(ctx: ReadContext, personId: string, day: string, page: ConnectionArgs): Promise<ConnectionPage<Request>> {
  const paths = await gridWorkPaths(ctx, personId, day);
  if (!paths.length) return ConnectionPage.empty();
  const where = { $or: paths.map((path) => ({ placePath: { $like: `${path}%` } })), status: { $in: [...OPEN_STATUSES] } };
  return findPage(ctx, Request, where, NEWEST_FIRST, page, { connection: 'Query.gridWork', defaultSize: 50 });
}
