import { type EventBus, type Logger, personSummary, placeSummary, PlaceType, readContext } from '@gongzhi/core';
import { AccountHolderKind } from './account.entity.js';
import type { MoralBankOptions } from './bank.service.js';
import { announce, bankAccountId, communityRate, ensureAccount, postTransaction, sql } from './ledger.service.js';
import { TransactionKind } from './transaction.entity.js';
import { t } from './db.js';

/** Longest single verified service the bank credits: 24 hours. */
const MAX_SERVICE_MINUTES = 24 * 60;

/**
 * Credits verified volunteer service (`volunteer.service-verified`) at the community's rate.
 * The entry id is the transaction's unique source: a second delivery of the same event, even
 * at the same moment, credits nothing. A correction (negative minutes) debits the volunteer;
 * if they already spent the minutes it is refused (logged) and can be redelivered later.
 */
export function subscribeEarnings(events: EventBus, options: MoralBankOptions, logger: Logger, now: () => Date): () => void {
  return events.on(
    'volunteer.service-verified',
    async ({ payload }, { em, emit }) => {
      const { entryId, personId, teamId, communityId, minutes } = payload;
      if (!Number.isSafeInteger(minutes) || minutes === 0 || Math.abs(minutes) > MAX_SERVICE_MINUTES) {
        logger.warn(
          { entryId, minutes },
          `moral-bank: ignored a verified service of ${minutes} minutes (whole minutes, 1 to ${MAX_SERVICE_MINUTES}, are credited)`,
        );
        return;
      }
      const [seen] = await sql(em, `SELECT 1 FROM ${t('ledger_transaction')} WHERE source_id = ?`, [entryId]);
      if (seen) return;
      const core = readContext(em);
      const [place, person] = await Promise.all([placeSummary(core, communityId), personSummary(core, personId)]);
      const community = place?.type === PlaceType.COMMUNITY ? place : null;
      if (!community || !person) {
        logger.warn(
          { entryId, communityId, personId },
          'moral-bank: verified service names an unknown community or person; nothing credited',
        );
        return;
      }
      const rate = await communityRate(em, communityId, options.defaultRate);
      const bank = await bankAccountId(em, communityId);
      const account = (await ensureAccount(em, communityId, { kind: AccountHolderKind.PERSON, id: personId, name: person.name })).id;
      const credit = minutes * rate;
      const verifiedAt = new Date(payload.verifiedAt);
      const result = await postTransaction(em, {
        communityId,
        kind: TransactionKind.EARN,
        legs: [
          { accountId: account, amount: credit },
          { accountId: bank, amount: -credit },
        ],
        rate,
        serviceMinutes: minutes,
        sourceId: entryId,
        teamId,
        memo: payload.correctsEntryId ? `${payload.source} correcting ${payload.correctsEntryId}` : payload.source,
        occurredAt: Number.isNaN(verifiedAt.getTime()) ? now() : verifiedAt,
      });
      if (result.status === 'posted') await announce(em, emit, result.transactionId);
    },
    { id: 'moral-bank.credit-verified-service' },
  );
}
