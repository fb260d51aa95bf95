import type { Migration } from '@gongzhi/core';

/**
 * `gridVisits(filter:)` pages every visit the caller sees newest first: without a place to start
 * from (a district's staff, the days alone) the page is read in this index's order, not sorted.
 */
export const visitLedgerIndex: Migration = {
  name: '0005_visit_ledger_index',
  up: `
    CREATE INDEX grid_visit_newest_idx ON grid.grid_visit (visited_on DESC, created_at DESC, id DESC);
  `,
};
