import { executeRead, householdIdsUnder, matchKeys, Person, type ReadContext } from '@gongzhi/core';
import { t, underSql } from '../db.js';
import { coveredPaths } from '../grid/grid.queries.js';

/** A grid's households and which of them were not visited since a day. */
export interface Coverage {
  householdCount: number;
  visitedCount: number;
  /** The uuids of the households not visited. */
  notVisitedIds: string[];
}

/** The households under a grid's places (from core) and which were visited on or after `since` (from the plugin's visits). */
export async function visitCoverage(ctx: ReadContext, gridId: string, since: string): Promise<Coverage> {
  const paths = await coveredPaths(ctx, gridId);
  const households = paths.length ? await householdIdsUnder(ctx, paths) : [];
  // matchKeys: a short list lengthened so the statement keeps its plan.
  const keys = matchKeys(households, 'uuid');
  const visited = households.length
    ? await executeRead<{ household_id: string }[]>(
        ctx.em,
        `SELECT DISTINCT v.household_id FROM ${t('grid_visit')} v
          WHERE v.household_id ${keys.match} AND v.visited_on >= ?::date`,
        [keys.value, since],
        { fixedShape: true },
      )
    : [];
  const seen = new Set(visited.map((v) => v.household_id));
  const missing = households.filter((id) => !seen.has(id));
  return { householdCount: households.length, visitedCount: households.length - missing.length, notVisitedIds: missing };
}

/** One worker's number of visits in one week. */
export interface WorkerWeek {
  worker: Person;
  /** The Monday the week starts on, YYYY-MM-DD. */
  weekStart: string;
  visits: number;
}

/** Visits to households under a grid per worker per week (weeks start on Monday), from `from` to `to` inclusive. */
export async function visitsPerWorkerWeek(ctx: ReadContext, gridId: string, from: string, to: string): Promise<WorkerWeek[]> {
  const rows = await executeRead<{ worker_id: string; week: string; n: number }[]>(
    ctx.em,
    `SELECT v.worker_id, to_char(date_trunc('week', v.visited_on)::date, 'YYYY-MM-DD') AS week, count(*)::int AS n
       FROM ${t('grid_visit')} v
      WHERE v.visited_on BETWEEN ?::date AND ?::date
        AND EXISTS (SELECT 1 FROM ${t('grid_place')} gp WHERE gp.grid_id = ? AND ${underSql('v.place_path', 'gp.place_path')})
      GROUP BY 1, 2
      ORDER BY 2, 1`,
    [from, to, gridId],
    { fixedShape: true },
  );
  const people = rows.length ? await ctx.em.find(Person, { uuid: { $in: [...new Set(rows.map((r) => r.worker_id))] } }) : [];
  const byId = new Map(people.map((p) => [p.uuid, p]));
  return rows
    .map((r) => ({ worker: byId.get(r.worker_id)!, weekStart: r.week, visits: Number(r.n) }))
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.worker.name.localeCompare(b.worker.name, 'zh'));
}
