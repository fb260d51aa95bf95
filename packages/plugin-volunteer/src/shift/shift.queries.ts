import { loadByForeignKey, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerShift, VolunteerShiftSignup } from './shift.entity.js';
import type { VolunteerTeam } from '../team/team.entity.js';

/** Reads of shifts and sign-ups. */

/** Most slots one list returns. */
const MAX_SHIFTS = 500;

/** A team's shifts starting from `from` until before `to`, in time order. */
export function shiftsOfTeam(ctx: ReadContext, team: VolunteerTeam, from: Date, to: Date): Promise<VolunteerShift[]> {
  return ctx.em.find(
    VolunteerShift,
    { team, startsAt: { $gte: from, $lt: to } },
    { orderBy: { startsAt: 'asc', uuid: 'asc' }, limit: MAX_SHIFTS },
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
