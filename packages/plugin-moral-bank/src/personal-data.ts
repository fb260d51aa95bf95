import { ERASED_NAME, erasedRows, type PersonalDataPolicy } from '@gongzhi/core';
import { t } from './db.js';

/**
 * What the moral bank keeps about a person, and how an erasure (`erasePersonalData`) forgets it.
 * The ledger is a record of money and must still balance: the person's accounts, their balances,
 * transactions and entries all stay (transactions and entries are append-only in the database),
 * now pointing at the pseudonymised person row. What exists only for the person goes: the name on
 * their accounts (also shown as the counterparty on others' statements), their opt-in to the
 * public rankings, their keeping of a team's account, their pending priority requests and the
 * purposes they gave for their own bookings.
 */
export const moralBankPersonalData: PersonalDataPolicy = {
  entities: {
    MoralBankAccount:
      "the person's accounts renamed '（已删除）' and taken out of the rankings, and the person no longer keeps a team's account; kept with their balances: the ledger must balance",
    MoralBankBooking:
      "the person's pending priority requests deleted and the purpose cleared on their accounts' other bookings; kept as the venue's and the ledger's record, a booking they made for a team showing the pseudonymised row",
    MoralBankTransaction:
      'kept (append-only), with their entries: the ledger must sum to zero and every balance stay the sum of its entries; memos and idempotency keys stay as written, and who posted shows the pseudonymised row',
  },
  async erase(uow, person) {
    const id = person.uuid;
    const ownAccounts = `account_id IN (SELECT id FROM ${t('account')} WHERE person_id = ?)`;
    const requests = await erasedRows(uow, `DELETE FROM ${t('booking')} WHERE ${ownAccounts} AND status = 'requested'`, [id]);
    const purposes = await erasedRows(uow, `UPDATE ${t('booking')} SET purpose = NULL WHERE ${ownAccounts} AND purpose IS NOT NULL`, [id]);
    const held = await erasedRows(uow, `UPDATE ${t('account')} SET name = ?, in_rankings = false WHERE person_id = ?`, [ERASED_NAME, id]);
    const kept = await erasedRows(uow, `UPDATE ${t('account')} SET keeper_id = NULL WHERE keeper_id = ?`, [id]);
    return { MoralBankAccount: held + kept, MoralBankBooking: requests + purposes };
  },
};
