import type { Migration } from '@gongzhi/core';

/**
 * The double-entry check keeps one generic plan per connection (0003), made at its first call.
 * A connection that made it while the ledger was still small (a new community, the first
 * transfers after a start) planned the transaction's lookup by key as a scan of the whole table,
 * cheaper on a page or two, and kept that plan as the ledger grew, until an ANALYZE replaced it:
 * under the bench's transfers its `SELECT minutes … WHERE id = tx` took ~0.13 ms per call, three
 * calls per transfer, where the index answers in ~0.005 ms. Both of its statements read by key
 * (the transaction's id, the entries' index on it), so the check plans with sequential scans
 * ruled out: the index plan at any size of the ledger.
 */
export const balanceCheckByKey: Migration = {
  name: '0004_balance_check_by_key',
  up: `
    ALTER FUNCTION moral_bank.check_transaction_balanced() SET enable_seqscan = off;
  `,
};
