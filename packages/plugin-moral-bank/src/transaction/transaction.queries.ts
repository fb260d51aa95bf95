import { executeRead, matchKeys, type UnitOfWork } from '@gongzhi/core';
import { t } from '../db.js';

/** One entry of a transaction as plain data. */
export interface EntryRow {
  transactionId: string;
  accountId: string;
  amount: number;
}

/** The entries of several transactions in one statement, in posting order. */
export async function entriesOfTransactions(em: UnitOfWork['em'], transactionIds: readonly string[]): Promise<EntryRow[]> {
  if (transactionIds.length === 0) return [];
  const transactions = matchKeys(transactionIds, 'uuid');
  const rows = await executeRead<{ transaction_id: string; account_id: string; amount: number }[]>(
    em,
    `SELECT transaction_id, account_id, amount FROM ${t('entry')} WHERE transaction_id ${transactions.match} ORDER BY seq`,
    [transactions.value],
    { fixedShape: true },
  );
  return rows.map((r) => ({ transactionId: r.transaction_id, accountId: r.account_id, amount: r.amount }));
}

/** The entries of one transaction, in posting order. */
export function entriesOf(em: UnitOfWork['em'], transactionId: string): Promise<EntryRow[]> {
  return entriesOfTransactions(em, [transactionId]);
}
