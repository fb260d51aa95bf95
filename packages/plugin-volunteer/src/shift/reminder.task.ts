import { type PluginRuntimeContext, runBatchesAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import { t } from '../db.js';
import type { VolunteerOptions } from '../options.js';
import { remindShiftSignup } from './signup.commands.js';

/** How the round's writes are named in the audit log: `system: volunteer.shift-reminders`. */
export const REMINDER_LABEL = 'volunteer.shift-reminders';

/** Sign-ups read per statement, soonest shift first; a round reads on until it has seen them all. */
const BATCH = 500;

/**
 * Reminds every active sign-up of a shift starting within `shiftReminderMinutes` that was not
 * reminded yet and was made before that time began, a sign-up per unit of work run as the system
 * ({@link remindShiftSignup}), read a batch at a time: safe when several processes run it at once.
 * Returns the ids reminded.
 */
export async function remindShifts(runtime: PluginRuntimeContext<VolunteerOptions>, round?: ScheduledRound): Promise<string[]> {
  const minutes = runtime.options.shiftReminderMinutes;
  if (minutes <= 0) return [];
  const now = runtime.now();
  const reminded = await runBatchesAsSystem(
    runtime,
    REMINDER_LABEL,
    remindShiftSignup,
    {
      size: BATCH,
      read: (after: { id: string; starts_at: Date } | null) =>
        runtime
          .em()
          .getConnection()
          .execute<{ id: string; starts_at: Date }[]>(
            `SELECT su.id, s.starts_at FROM ${t('shift_signup')} su JOIN ${t('shift')} s ON s.id = su.shift_id
              WHERE s.starts_at > ?::timestamptz AND s.starts_at <= ?::timestamptz + ? * interval '1 minute'
                AND su.cancelled_at IS NULL AND su.reminded_at IS NULL AND su.signed_up_at < s.starts_at - ? * interval '1 minute'
                ${after ? 'AND (s.starts_at, su.id) > (?::timestamptz, ?::uuid)' : ''}
              ORDER BY s.starts_at, su.id LIMIT ${BATCH}`,
            after ? [now, now, minutes, minutes, after.starts_at, after.id] : [now, now, minutes, minutes],
          ),
      input: (row) => ({ signupId: row.id, minutes }),
    },
    round,
  );
  return reminded.map((row) => row.id);
}

/** The reminder round, every `reminderIntervalMs`, one process of a deployment at a time; off when either option is 0. */
export const shiftReminderTask: ScheduledTask<VolunteerOptions> = {
  id: 'shift-reminders',
  intervalMs: (options) => (options.shiftReminderMinutes > 0 ? options.reminderIntervalMs : 0),
  async run(ctx, round) {
    const reminded = await remindShifts(ctx, round);
    if (reminded.length) ctx.logger.info({ reminded: reminded.length }, 'reminded volunteers of their shifts');
  },
};
