import type { Migration } from '../migration.js';

/**
 * A request can be merged into another as its duplicate (重复件: the same broken lamp reported by
 * five callers): it is closed, pointing at the one handled for all. The index holds the few
 * duplicates only, for the original's list of them.
 */
export const requestDuplicates: Migration = {
  name: '0032_request_duplicates',
  up: `
    ALTER TABLE request ADD COLUMN duplicate_of_id uuid REFERENCES request (id) ON DELETE SET NULL;
    CREATE INDEX request_duplicate_of_idx ON request (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;
  `,
};
