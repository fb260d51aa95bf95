import { expectRow, pageSize, personSummary, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerTask, type VolunteerTaskStatus } from './task.entity.js';

/** Reads of volunteer tasks. */

/** Tasks anywhere under a place path, newest first (a task board), optionally of some statuses. */
export function tasksUnder(
  ctx: ReadContext,
  path: string,
  statuses: readonly VolunteerTaskStatus[] | null | undefined,
  first: number,
): Promise<VolunteerTask[]> {
  return ctx.em.find(
    VolunteerTask,
    { placePath: { $like: `${path}%` }, ...(statuses?.length ? { status: { $in: [...statuses] } } : {}) },
    { orderBy: { createdAt: 'desc', uuid: 'desc' }, limit: pageSize(first, 50) },
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
