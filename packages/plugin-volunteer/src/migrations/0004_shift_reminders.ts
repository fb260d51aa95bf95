import type { Migration } from '@gongzhi/core';

/**
 * When a person was reminded of a shift they signed up for (`volunteer.shift-reminder`, once per
 * sign-up), and an index of the slots by their start, which the reminder round asks for.
 */
export const shiftReminders: Migration = {
  name: '0004_shift_reminders',
  up: `
    ALTER TABLE volunteer.shift_signup ADD COLUMN reminded_at timestamptz;
    CREATE INDEX shift_starts_idx ON volunteer.shift (starts_at);
  `,
};
