import {
  keyedCount,
  type ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  executeRead,
  expectRow,
  findPage,
  type ReadContext,
} from '@gongzhi/core';
import { t, underSql } from '../db.js';
import { GridReporter } from './reporter.entity.js';

/** Reads of little bees and their reports: registrations, counts per reporter and per area. */

/** A person's registrations that hold on `day` (YYYY-MM-DD). */
export function openRegistrationsOf(em: ReadContext['em'], personUuid: string, day: string): Promise<GridReporter[]> {
  return em.find(
    GridReporter,
    { person: personUuid, startsOn: { $lte: day }, $or: [{ endsOn: null }, { endsOn: { $gte: day } }] },
    { orderBy: { createdAt: 'asc' } },
  );
}

/** How many reports each reporter made, batched per operation. */
export function reportCountOf(ctx: ReadContext, reporterUuid: string): Promise<number> {
  return keyedCount(ctx, 'grid.reporterReportCount', reporterUuid, {
    sql: (match) => `SELECT reporter_id, count(*)::int AS n FROM ${t('reporter_report')} WHERE reporter_id ${match} GROUP BY reporter_id`,
    keyColumn: 'reporter_id',
    type: 'uuid',
  });
}

/** The order of little bees: by registration, the uuid breaking ties. */
export const BY_REGISTRATION: ConnectionOrder<GridReporter> = { keys: ['createdAt', 'uuid'], direction: 'asc' };

/** A page of the little bees registered for an area under `path` (the area itself or below it), by registration. */
export function reportersUnder(ctx: ReadContext, path: string, page: ConnectionArgs): Promise<ConnectionPage<GridReporter>> {
  return findPage(ctx, GridReporter, { areaPath: { $like: `${path}%` } }, BY_REGISTRATION, page, {
    connection: 'Query.littleBees',
    filter: { path },
    defaultSize: 100,
  });
}

/** The counts of an area: registered reporters (now), all of them, reports made at places under it (all, and since `since`). */
export async function areaCounts(
  ctx: ReadContext,
  path: string,
  day: string,
  since: Date,
): Promise<{ reporters: number; activeReporters: number; reports: number; recentReports: number }> {
  const rows = await executeRead<{ reporters: number; active: number; reports: number; recent: number }[]>(
    ctx.em,
    `SELECT (SELECT count(*) FROM ${t('reporter')} WHERE ${underSql('area_path', '?')})::int AS reporters,
            (SELECT count(*) FROM ${t('reporter')} WHERE ${underSql('area_path', '?')}
                AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?))::int AS active,
            (SELECT count(*) FROM ${t('reporter_report')} WHERE ${underSql('place_path', '?')})::int AS reports,
            (SELECT count(*) FROM ${t('reporter_report')} WHERE ${underSql('place_path', '?')} AND created_at >= ?)::int AS recent`,
    [path, path, path, path, day, day, path, path, path, path, since],
    { fixedShape: true },
  );
  const row = expectRow(rows, 'little-bee counts');
  return {
    reporters: Number(row.reporters),
    activeReporters: Number(row.active),
    reports: Number(row.reports),
    recentReports: Number(row.recent),
  };
}
