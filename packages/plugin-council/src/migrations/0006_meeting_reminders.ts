import type { Migration } from '@gongzhi/core';

/**
 * When a meeting's members were reminded that it starts soon (`council.meeting-reminder`, once
 * per meeting), and an index of the meetings by their time, which the reminder round asks for.
 */
export const meetingReminders: Migration = {
  name: '0006_meeting_reminders',
  up: `
    ALTER TABLE council.meeting ADD COLUMN reminded_at timestamptz;
    CREATE INDEX meeting_scheduled_idx ON council.meeting (scheduled_at);
  `,
};
