import { type PluginRuntimeContext, runEachAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import { t } from '../db.js';
import type { CouncilOptions } from '../options.js';
import { remindCouncilMeeting } from './meeting.commands.js';

/** How the round's writes are named in the audit log: `system: council.meeting-reminders`. */
export const MEETING_REMINDER_LABEL = 'council.meeting-reminders';

/**
 * Reminds every meeting starting within `meetingReminderMinutes` that was not reminded yet and
 * was convened before that time began, a meeting per unit of work run as the system
 * ({@link remindCouncilMeeting}): safe when several processes run it at once. Returns the ids reminded.
 */
export async function remindMeetings(runtime: PluginRuntimeContext<CouncilOptions>, round?: ScheduledRound): Promise<string[]> {
  const minutes = runtime.options.meetingReminderMinutes;
  if (minutes <= 0) return [];
  const due = await runtime
    .em()
    .getConnection()
    .execute<{ id: string }[]>(
      `SELECT id FROM ${t('meeting')}
        WHERE scheduled_at > ?::timestamptz AND scheduled_at <= ?::timestamptz + ? * interval '1 minute'
          AND reminded_at IS NULL AND cancelled_at IS NULL AND created_at < scheduled_at - ? * interval '1 minute'
        ORDER BY scheduled_at, id`,
      [runtime.now(), runtime.now(), minutes, minutes],
    );
  const runs = await runEachAsSystem(
    runtime,
    MEETING_REMINDER_LABEL,
    remindCouncilMeeting,
    due.map(({ id }) => ({ meetingId: id, minutes })),
    round,
  );
  return runs.flatMap((r) => (r.value ? [r.input.meetingId] : []));
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
