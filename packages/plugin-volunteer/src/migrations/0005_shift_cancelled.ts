import type { Migration } from '@gongzhi/core';

/** A shift called off (`cancelVolunteerShift`): when, and why, for the volunteers it had. */
export const shiftCancelled: Migration = {
  name: '0005_shift_cancelled',
  up: `ALTER TABLE volunteer.shift ADD COLUMN cancelled_at timestamptz, ADD COLUMN cancel_reason text`,
};
