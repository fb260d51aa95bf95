import type { Migration } from '../migration.js';
import { OPEN_REQUEST_STATUSES_SQL } from './0011_request_read_paths.js';

/**
 * When an open request was reminded of its coming deadline (`request.due-soon`, once per
 * deadline: moving the deadline clears it), and the index the reminder round reads: the open
 * requests with a deadline not reminded yet, by deadline.
 */
export const requestDueReminders: Migration = {
  name: '0035_request_due_reminders',
  up: `
    ALTER TABLE request ADD COLUMN due_reminded_at timestamptz;
    CREATE INDEX request_due_unreminded_idx ON request (due_at, id)
      WHERE due_at IS NOT NULL AND due_reminded_at IS NULL AND status IN ${OPEN_REQUEST_STATUSES_SQL};
  `,
};
