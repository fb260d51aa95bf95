import {
  type ConnectionArgs,
  type ConnectionOrder,
  ConnectionPage,
  executeRead,
  findPage,
  type GongzhiContext,
  householdIdsUnder,
  matchKeys,
  Person,
  type Place,
  type ReadContext,
  scopeCondition,
} from '@gongzhi/core';
import type { FilterQuery } from '@mikro-orm/core';
import { t, underSql } from '../db.js';
import type { Grid } from '../grid/grid.entity.js';
import { coveredPaths } from '../grid/grid.queries.js';
import { GridVisit } from './visit.entity.js';

/** Visits newest first, as a household's ledger lists them (those of one day by when they were recorded). */
export const VISITS_NEWEST_FIRST: ConnectionOrder<GridVisit> = { keys: ['visitedOn', 'createdAt', 'uuid'], direction: 'desc' };

/** What `gridVisits(filter:)` asks, its references resolved and its days checked. */
export interface VisitFilter {
  grid: Grid | null;
  under: Place | null;
  worker: Person | null;
  from: string | null;
  to: string | null;
}

/**
 * A page of the visits the caller may see (those under their places, and a worker's own), newest
 * first: by the grid covering the household now, a place above it, the worker and the days.
 */
export async function visitsPage(ctx: GongzhiContext, filter: VisitFilter, page: ConnectionArgs): Promise<ConnectionPage<GridVisit>> {
  const where: FilterQuery<GridVisit>[] = [];
  if (filter.grid) {
    const paths = await coveredPaths(ctx, filter.grid.uuid);
    if (!paths.length) return ConnectionPage.empty();
    where.push({ $or: paths.map((path) => ({ placePath: { $like: `${path}%` } })) });
  }
  if (filter.under) where.push({ placePath: { $like: `${filter.under.path}%` } });
  if (filter.worker) where.push({ worker: filter.worker.uuid });
  if (filter.from) where.push({ visitedOn: { $gte: filter.from } });
  if (filter.to) where.push({ visitedOn: { $lte: filter.to } });
  const access = await ctx.access();
  const scope = scopeCondition<FilterQuery<GridVisit>>(
    access,
    (pattern) => ({ placePath: { $like: pattern } }),
    // A worker sees their own visits wherever they are, as the place rule says.
    ...(access.personId ? [{ worker: access.personId }] : []),
  );
  if (scope === null) return ConnectionPage.empty();
  if (scope) where.push(scope);
  return findPage(ctx, GridVisit, { $and: where }, VISITS_NEWEST_FIRST, page, {
    connection: 'Query.gridVisits',
    filter: {
      grid: filter.grid?.uuid ?? null,
      under: filter.under?.uuid ?? null,
      worker: filter.worker?.uuid ?? null,
      from: filter.from,
      to: filter.to,
    },
    defaultSize: 50,
  });
}

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
