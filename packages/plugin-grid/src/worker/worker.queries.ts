import {
  assignedRequestCount,
  batchLoader,
  type ConnectionArgs,
  executeRead,
  matchKeys,
  type ConnectionOrder,
  type ConnectionPage,
  pageOfRows,
  pageRequest,
  Person,
  type ReadContext,
  RequestStatus,
} from '@gongzhi/core';
import { t } from '../db.js';
import { GridWorker } from './worker.entity.js';

/** Statuses in which someone is working on a request: a worker's load. */
export const WORKING_STATUSES: readonly RequestStatus[] = [RequestStatus.ASSIGNED, RequestStatus.CLAIMED, RequestStatus.IN_PROGRESS];

/** SQL: assignment `w` is active on the day given as the next two parameters. */
const ACTIVE_ON = `w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)`;

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
 * The grid's workers active on `day`, the least loaded first; ties go to the longest
 * serving, then by person id, so the choice is deterministic.
 */
export async function activeWorkersByLoad(ctx: ReadContext, gridId: string, day: string): Promise<WorkerLoad[]> {
  const workers = await ctx.em.execute<{ person_id: string; starts_on: string }[]>(
    `SELECT w.person_id, to_char(min(w.starts_on), 'YYYY-MM-DD') AS starts_on
       FROM ${t('grid_worker')} w
      WHERE w.grid_id = ? AND ${ACTIVE_ON}
      GROUP BY w.person_id`,
    [gridId, day, day],
  );
  if (!workers.length) return [];
  // Each worker's open work, from core in one batch; then least loaded, longest serving, person id.
  const rows = (
    await Promise.all(workers.map(async (w) => ({ ...w, open: await assignedRequestCount(ctx, w.person_id, WORKING_STATUSES) })))
  ).sort((a, b) => a.open - b.open || compare(a.starts_on, b.starts_on) || compare(a.person_id, b.person_id));
  const people = await ctx.em.find(Person, { uuid: { $in: rows.map((r) => r.person_id) } });
  const byId = new Map(people.map((p) => [p.uuid, p]));
  return rows.map((r) => ({ person: byId.get(r.person_id)!, open: Number(r.open), startsOn: r.starts_on }));
}

/** Whether `personId` is a worker of one of the grids, active on `day`. */
export async function isActiveWorker(
  ctx: Pick<ReadContext, 'em'>,
  gridIds: readonly string[],
  personId: string,
  day: string,
): Promise<boolean> {
  if (!gridIds.length) return false;
  const grids = matchKeys(gridIds, 'uuid');
  const rows = await executeRead(
    ctx.em,
    `SELECT 1 FROM ${t('grid_worker')} w WHERE w.grid_id ${grids.match} AND w.person_id = ?::uuid AND ${ACTIVE_ON} LIMIT 1`,
    [grids.value, personId, day, day],
    { fixedShape: true },
  );
  return rows.length > 0;
}

/** Whether `personId` has an assignment to the grid overlapping `from`–`to` (to: null for an open end). */
export async function hasOverlappingAssignment(
  ctx: Pick<ReadContext, 'em'>,
  gridId: string,
  personId: string,
  from: string,
  to: string | null,
): Promise<boolean> {
  const rows = await ctx.em.execute(
    `SELECT 1 FROM ${t('grid_worker')} w WHERE w.grid_id = ? AND w.person_id = ?
        AND w.starts_on <= COALESCE(?::date, 'infinity'::date) AND COALESCE(w.ends_on, 'infinity'::date) >= ?::date LIMIT 1`,
    [gridId, personId, to, from],
  );
  return rows.length > 0;
}

/** Assignments by their first day, earliest first. */
const EARLIEST_FIRST: ConnectionOrder<GridWorker> = { keys: ['startsOn', 'uuid'], direction: 'asc' };

/**
 * One page of the assignments of a grid (`by: 'grid'`) or of a person (`by: 'person'`), earliest
 * first, only those active on `activeOn` when given. Batched like core's loadPageByForeignKey:
 * the pages of every parent asked for in one tick with the same arguments are one statement
 * (`row_number() over (partition by` the parent`)`, with the keyset and the day in SQL); its rows
 * (at most size + 1 per parent) become the page with core's cursors through `pageOfRows`.
 */
export function loadWorkerPage(
  ctx: ReadContext,
  by: 'grid' | 'person',
  parentId: string,
  activeOn: string | null,
  args: ConnectionArgs,
  options: { connection: string; filter?: unknown },
): Promise<ConnectionPage<GridWorker>> {
  const paging = { ...options, defaultSize: 50 };
  const request = pageRequest(args, paging.defaultSize, EARLIEST_FIRST.keys.length, paging.connection, paging.filter);
  const key = JSON.stringify([paging.connection, request.signature, request.size, request.backward, request.from, activeOn]);
  return batchLoader<string, ConnectionPage<GridWorker>>(ctx, `grid.workerPage:${key}`, async (parentIds) => {
    const direction = request.backward ? 'DESC' : 'ASC';
    const parents = matchKeys(parentIds, 'uuid');
    const params: unknown[] = [parents.value];
    let where = '';
    if (activeOn) {
      where += ` AND ${ACTIVE_ON}`;
      params.push(activeOn, activeOn);
    }
    if (request.from) {
      where += ` AND (w.starts_on, w.id) ${request.backward ? '<' : '>'} (?::date, ?::uuid)`;
      params.push(...request.from);
    }
    const rows = request.size
      ? await executeRead<Record<string, unknown>[]>(
          ctx.em,
          `SELECT * FROM (
             SELECT w.*, row_number() OVER (PARTITION BY w.${by}_id ORDER BY w.starts_on ${direction}, w.id ${direction}) AS page_row
               FROM ${t('grid_worker')} w
              WHERE w.${by}_id ${parents.match}${where}
           ) paged
           WHERE page_row <= ?::int`,
          [...params, request.size + 1],
          { fixedShape: true },
        )
      : [];
    const groups = new Map<string, GridWorker[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(String(row[`${by}_id`]))?.push(ctx.em.map(GridWorker, row));
    return parentIds.map((id) => pageOfRows(groups.get(id)!, EARLIEST_FIRST, args, paging));
  }).load(parentId);
}
