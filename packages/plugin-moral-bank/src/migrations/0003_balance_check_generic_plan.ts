import type { Migration } from '@gongzhi/core';

/**
 * The double-entry check (`check_transaction_balanced`, 0001) runs three times in every transfer:
 * for each of its two entries and for the transaction. Its sum over a transaction's entries was
 * planned afresh on every call whenever the statistics on `entry.transaction_id` were skewed: a
 * distribution to a thousand accounts is one transaction of a thousand entries, and until the
 * next ANALYZE the planner then estimates any transaction at a tenth of the table, so the plan
 * cache never settles on its generic plan. Every transaction is looked up by its key through
 * `entry_transaction_idx` anyway: the function always takes the generic plan, planned once per
 * connection (on a reduced copy of the ledger, a transfer's transaction took half the time in
 * that state, measured with pgbench).
 */
export const balanceCheckGenericPlan: Migration = {
  name: '0003_balance_check_generic_plan',
  up: `
    ALTER FUNCTION moral_bank.check_transaction_balanced() SET plan_cache_mode = force_generic_plan;
  `,
};
