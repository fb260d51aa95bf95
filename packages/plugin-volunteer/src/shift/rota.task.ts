import { localDate, type PluginRuntimeContext, runEachAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import { t } from '../db.js';
import type { VolunteerOptions } from '../options.js';
import { openScheduleAhead } from './shift.commands.js';

/** How the round's writes are named in the audit log: `system: volunteer.rota-ahead`. */
export const ROTA_LABEL = 'volunteer.rota-ahead';

/**
 * Opens every current schedule's slots up to `shiftsAheadDays` after today, a schedule per unit of
 * work run as the system ({@link openScheduleAhead}); a slot already open stays as it is, so
 * several processes may run it at once. Returns how many slots it added.
 */
export async function openShiftsAhead(runtime: PluginRuntimeContext<VolunteerOptions>, round?: ScheduledRound): Promise<number> {
  const days = runtime.options.shiftsAheadDays;
  if (days <= 0) return 0;
  // Schedules not ended before yesterday (UTC): a day's margin for the time zones east of it.
  const schedules = await runtime
    .em()
    .getConnection()
    .execute<{ id: string }[]>(
      `SELECT id FROM ${t('shift_schedule')} WHERE valid_until IS NULL OR valid_until >= ?::date - 1 ORDER BY id`,
      [localDate(runtime.now(), 'UTC')],
    );
  const runs = await runEachAsSystem(
    runtime,
    ROTA_LABEL,
    openScheduleAhead,
    schedules.map(({ id }) => ({ scheduleId: id, days })),
    round,
  );
  return runs.reduce((sum, r) => sum + r.value, 0);
}

/** The rota round, every `rotaIntervalMs`, one process of a deployment at a time; off when either option is 0. */
export const rotaTask: ScheduledTask<VolunteerOptions> = {
  id: 'rota-ahead',
  intervalMs: (options) => (options.shiftsAheadDays > 0 ? options.rotaIntervalMs : 0),
  async run(ctx, round) {
    const opened = await openShiftsAhead(ctx, round);
    if (opened) ctx.logger.info({ opened }, 'opened shift slots coming into the rota window');
  },
};
