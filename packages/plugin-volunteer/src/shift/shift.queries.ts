import { type ConnectionArgs, type ConnectionPage, findPage, loadByForeignKey, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerShift, VolunteerShiftSignup } from './shift.entity.js';
import type { VolunteerTeam } from '../team/team.entity.js';

/** Reads of shifts and sign-ups. */

/** A team's shifts starting from `from` until before `to`, in time order, a page at a time. */
export function shiftsOfTeam(
  ctx: ReadContext,
  team: VolunteerTeam,
  from: Date,
  to: Date,
  page: ConnectionArgs,
): Promise<ConnectionPage<VolunteerShift>> {
  return findPage(
    ctx,
    VolunteerShift,
    { team, startsAt: { $gte: from, $lt: to } },
    { keys: ['startsAt', 'uuid'], direction: 'asc' },
    page,
    { connection: 'Query.volunteerShifts', filter: { team: team.uuid, from, to }, defaultSize: 50 },
  );
}

/** The slots of a schedule on the local days `from` to `to` (inclusive, in the schedule's time zone), in time order. */
export async function slotsOfSchedule(ctx: ReadContext, scheduleUuid: string, from: string, to: string): Promise<VolunteerShift[]> {
  const ids = await ctx.em.execute<{ id: string }[]>(
    `SELECT sh.id FROM ${t('shift')} sh JOIN ${t('shift_schedule')} s ON s.id = sh.schedule_id
      WHERE sh.schedule_id = ? AND (sh.starts_at AT TIME ZONE s.time_zone)::date BETWEEN ?::date AND ?::date`,
    [scheduleUuid, from, to],
  );
  return ctx.em.find(VolunteerShift, { uuid: { $in: ids.map((r) => r.id) } }, { orderBy: { startsAt: 'asc' } });
}

/** A shift's active (not cancelled) sign-ups, in sign-up order (batched per operation). */
export async function activeSignups(ctx: ReadContext, shiftUuid: string): Promise<VolunteerShiftSignup[]> {
  const all = await loadByForeignKey(ctx, VolunteerShiftSignup, 'shift', shiftUuid, { signedUpAt: 'asc' });
  return all.filter((s) => !s.cancelledAt);
}
