import type { Migration } from '../migration.js';

/**
 * A deadline moved along the way (the sewer repair compressed from 20 days to 14) is a timeline
 * entry of its own: the old and the new `due_at` sit beside the reason in the note.
 */
export const requestDeadlines: Migration = {
  name: '0012_request_deadlines',
  up: `ALTER TABLE request_timeline ADD COLUMN from_due_at timestamptz, ADD COLUMN to_due_at timestamptz;`,
};
