import { type PluginRuntimeContext, runBatchesAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import { t } from '../db.js';
import type { CouncilOptions } from '../options.js';
import { remindCouncilMeeting } from './meeting.commands.js';

/** How the round's writes are named in the audit log: `system: council.meeting-reminders`. */
export const MEETING_REMINDER_LABEL = 'council.meeting-reminders';

/** Meetings read per statement, soonest first; a round reads on until it has seen them all. */
const BATCH = 500;

/**
 * Reminds every meeting starting within `meetingReminderMinutes` that was not reminded yet and
 * was convened before that time began, a meeting per unit of work run as the system
 * ({@link remindCouncilMeeting}), read a batch at a time: safe when several processes run it at
 * once. Returns the ids reminded.
 */
export async function remindMeetings(runtime: PluginRuntimeContext<CouncilOptions>, round?: ScheduledRound): Promise<string[]> {
  const minutes = runtime.options.meetingReminderMinutes;
  if (minutes <= 0) return [];
  const now = runtime.now();
  const reminded = await runBatchesAsSystem(
    runtime,
    MEETING_REMINDER_LABEL,
    remindCouncilMeeting,
    {
      size: BATCH,
      read: (after: { id: string; scheduled_at: Date } | null) =>
        runtime
          .em()
          .getConnection()
          .execute<{ id: string; scheduled_at: Date }[]>(
            `SELECT id, scheduled_at FROM ${t('meeting')}
              WHERE scheduled_at > ?::timestamptz AND scheduled_at <= ?::timestamptz + ? * interval '1 minute'
                AND reminded_at IS NULL AND cancelled_at IS NULL AND created_at < scheduled_at - ? * interval '1 minute'
                ${after ? 'AND (scheduled_at, id) > (?::timestamptz, ?::uuid)' : ''}
              ORDER BY scheduled_at, id LIMIT ${BATCH}`,
            after ? [now, now, minutes, minutes, after.scheduled_at, after.id] : [now, now, minutes, minutes],
          ),
      input: (row) => ({ meetingId: row.id, minutes }),
    },
    round,
  );
  return reminded.map((row) => row.id);
}

/** The meeting reminder round, every `meetingReminderIntervalMs`, one process of a deployment at a time; off when either option is 0. */
export const meetingReminderTask: ScheduledTask<CouncilOptions> = {
  id: 'meeting-reminders',
  intervalMs: (options) => (options.meetingReminderMinutes > 0 ? options.meetingReminderIntervalMs : 0),
  async run(ctx, round) {
    const reminded = await remindMeetings(ctx, round);
    if (reminded.length) ctx.logger.info({ reminded: reminded.length }, 'reminded council meetings');
  },
};
