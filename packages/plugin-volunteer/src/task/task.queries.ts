import { type ConnectionArgs, type ConnectionPage, expectRow, findPage, type Place, personSummary, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerTask, type VolunteerTaskStatus } from './task.entity.js';

/** Reads of volunteer tasks. */

/** Tasks anywhere under a place, newest first (a task board), optionally of some statuses, a page at a time. */
export function tasksUnder(
  ctx: ReadContext,
  under: Place,
  statuses: readonly VolunteerTaskStatus[] | null | undefined,
  page: ConnectionArgs,
): Promise<ConnectionPage<VolunteerTask>> {
  return findPage(
    ctx,
    VolunteerTask,
    { placePath: { $like: `${under.path}%` }, ...(statuses?.length ? { status: { $in: [...statuses] } } : {}) },
    { keys: ['createdAt', 'uuid'], direction: 'desc' },
    page,
    { connection: 'Query.volunteerTasks', filter: { under: under.uuid, statuses: statuses ?? null }, defaultSize: 50 },
  );
}

/** A task as it stands in the database now (not as this unit of work last read it): its status and who claimed it. */
export async function taskStanding(ctx: ReadContext, taskUuid: string): Promise<{ status: VolunteerTaskStatus; claimedBy: string | null }> {
  const row = expectRow(
    await ctx.em.execute<{ status: VolunteerTaskStatus; claimed_by_id: string | null }[]>(
      `SELECT t.status, t.claimed_by_id FROM ${t('task')} t WHERE t.id = ?`,
      [taskUuid],
    ),
    `task ${taskUuid}`,
  );
  const claimer = row.claimed_by_id ? await personSummary(ctx, row.claimed_by_id) : null;
  return { status: row.status, claimedBy: claimer?.name ?? null };
}
