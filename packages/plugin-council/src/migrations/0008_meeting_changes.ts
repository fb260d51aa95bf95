import type { Migration } from '@gongzhi/core';

/**
 * A meeting called off (`cancelCouncilMeeting`): when, and why, for its members; both or neither.
 * A meeting moved (`rescheduleCouncilMeeting`) keeps its row: only its time and place change.
 */
export const meetingChanges: Migration = {
  name: '0008_meeting_changes',
  up: `
    ALTER TABLE council.meeting ADD COLUMN cancelled_at timestamptz, ADD COLUMN cancel_reason text,
      ADD CONSTRAINT meeting_cancelled_with_reason CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL));
  `,
};
