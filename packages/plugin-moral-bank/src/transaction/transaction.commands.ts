import { defineCommand, type DomainError, type Named, personSummary, placeSummary, PlaceType, refId } from '@gongzhi/core';
import type { VolunteerServiceVerified } from '@gongzhi/plugin-volunteer/events';
import { assertMaySpend, bankAccountId, ensureAccount } from '../account/account.commands.js';
import { AccountHolderKind, type MoralBankAccount } from '../account/account.entity.js';
import { MoralBankPermission } from '../permissions.js';
import { communityRate } from '../rate/rate.queries.js';
import { MAX_MINUTES, type PostInput, postedTransaction, postTransaction, requestHash } from './ledger.js';
import { entriesOf } from './transaction.queries.js';
import { MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { bankOptions } from '../options.js';
import { bankMessages } from '../messages.js';

/** Longest single verified service the bank credits: 24 hours. */
const MAX_SERVICE_MINUTES = 24 * 60;

/** Checks an amount of minutes a client asked to move. */
function assertAmount(minutes: number, field: string): void {
  if (!Number.isSafeInteger(minutes) || minutes <= 0 || minutes > MAX_MINUTES) {
    throw bankMessages.wholeNumberMinutesFrom.error({ field, MAX_MINUTES, minutes }, field);
  }
}

function checkedKey(idempotencyKey: string): string {
  const key = idempotencyKey.trim();
  if (key.length < 8 || key.length > 200) {
    throw bankMessages.idempotencykeyCharactersUniquePer.error('input.idempotencyKey');
  }
  return key;
}

function keyReused(key: string): DomainError {
  return bankMessages.idempotencyKeyAlreadyUsed.error({ key }, 'input.idempotencyKey');
}

export interface TransferInput {
  from: Named<MoralBankAccount>;
  to: Named<MoralBankAccount>;
  minutes: number;
  kind: TransactionKind.TRANSFER | TransactionKind.GIFT;
  memo: string | null;
  idempotencyKey: string;
}

/**
 * Moves minutes between two holders' accounts of one community's bank, once per idempotency key:
 * a retry with the same key and body returns the first transaction; another body under that key
 * is refused. Only someone who may spend the sending account's minutes may move them.
 */
export const transferMinutes = defineCommand<TransferInput, MoralBankTransaction>({
  name: 'moral-bank.transferMinutes',
  // The sender's person is read with the accounts, in one round trip.
  requiresPerson: true,
  // Minutes move only within one community's bank (each bank issues its own); no widening.
  links: { to: { to: 'from' } },
  // The accounts are checked and named by id; the ledger's statement writes their balances.
  readOnly: ['from', 'to'],
  async run(uow, input) {
    // Who acts is only read (their id, their name in a refusal).
    const actor = await uow.actingPersonRow();
    const key = checkedKey(input.idempotencyKey);
    assertAmount(input.minutes, 'input.minutes');
    const memo = input.memo?.trim() || null;
    if (memo && memo.length > 500) throw bankMessages.memoMostCharacters.error('input.memo');
    // The actor is part of the body: someone else replaying a key learns nothing and moves nothing.
    const hash = requestHash({
      actor: actor.uuid,
      from: input.from.uuid,
      to: input.to.uuid,
      minutes: input.minutes,
      kind: input.kind,
      memo,
    });
    if (input.from.uuid === input.to.uuid) throw bankMessages.transferNeedsTwoDifferent.error('input.toAccountId');
    if (input.to.holderKind === AccountHolderKind.BANK) {
      throw bankMessages.minutesCannotTransferredBank.error('input.toAccountId');
    }
    await assertMaySpend(uow, input.from, actor, 'input.fromAccountId');
    const posting: PostInput = {
      communityId: refId(input.from.community)!,
      kind: input.kind,
      legs: [
        { accountId: input.from.uuid, amount: -input.minutes },
        { accountId: input.to.uuid, amount: input.minutes },
      ],
      memo,
      actorId: actor.uuid,
      idempotencyKey: key,
      requestHash: hash,
      occurredAt: uow.now(),
    };
    // A retry (after the first committed, or at the same moment: the insert waits for it) finds
    // the key taken and touches neither the ledger nor the balances: no lookup of its own first.
    const result = await postTransaction(uow, posting);
    if (result.status === 'posted') return postedTransaction(uow, result.transactionId, posting);
    if (result.requestHash !== hash) throw keyReused(key);
    return uow.em.findOneOrFail(MoralBankTransaction, { uuid: result.transactionId });
  },
});

/**
 * Corrects a transaction by posting its exact opposite (the ledger never changes a row); needs
 * `moral-bank.manage` at its community. A transaction is reversed at most once (a unique index,
 * see `constraintErrors`); reversals themselves and booking debits and refunds are not reversed.
 */
export const reverseTransaction = defineCommand<{ transaction: Named<MoralBankTransaction>; reason: string }, MoralBankTransaction>({
  name: 'moral-bank.reverseTransaction',
  async run(uow, { transaction: original, reason }) {
    const actor = await uow.actingPerson();
    const community = (await placeSummary(uow, refId(original.community)!))!;
    uow.actor.authorize(MoralBankPermission.MANAGE, community.path);
    if (original.kind === TransactionKind.REVERSAL) {
      throw bankMessages.reversalCannotItselfReversed.error('transactionId');
    }
    if (original.kind === TransactionKind.BOOKING || original.bookingId) {
      throw bankMessages.bookingDebitsRefundsFollow.error('transactionId');
    }
    const why = reason.trim();
    if (!why || why.length > 500) throw bankMessages.reasonSayWhyCharacters.error('reason');
    const entries = await entriesOf(uow.em, original.uuid);
    const result = await postTransaction(uow, {
      communityId: community.id,
      kind: TransactionKind.REVERSAL,
      legs: entries.map((e) => ({ accountId: e.accountId, amount: -e.amount })),
      memo: why,
      actorId: actor.uuid,
      reversesId: original.uuid,
      occurredAt: uow.now(),
    });
    return uow.em.findOneOrFail(MoralBankTransaction, { uuid: result.transactionId });
  },
});

/**
 * Credits verified volunteer service at the community's rate, as the system (the volunteer
 * plugin's `volunteer.service-verified`). The entry id is the transaction's unique source: a
 * second delivery of the same event, even at the same moment, credits nothing (null). A
 * correction (negative minutes) debits the volunteer, refused when they already spent them.
 * The volunteer's account is in the community where the service was done, wherever they live.
 */
export const creditVerifiedService = defineCommand<{ service: VolunteerServiceVerified }, MoralBankTransaction | null>({
  name: 'moral-bank.creditVerifiedService',
  async run(uow, { service }) {
    if (uow.actor.caller?.kind !== 'system') throw bankMessages.onlyPlatformCreditsVerified.error();
    const { entryId, personId, communityId, minutes } = service;
    if (!Number.isSafeInteger(minutes) || minutes === 0 || Math.abs(minutes) > MAX_SERVICE_MINUTES) {
      throw bankMessages.wholeMinutesEitherWay.error({ MAX_SERVICE_MINUTES, minutes }, 'minutes');
    }
    const [place, person] = await Promise.all([placeSummary(uow, communityId), personSummary(uow, personId)]);
    if (place?.type !== PlaceType.COMMUNITY) throw bankMessages.communityId.error({ communityId }, 'communityId');
    if (!person) throw bankMessages.personNotFound.error({ personId }, 'personId');
    const rate = await communityRate(uow.em, communityId, bankOptions(uow.services).defaultRate);
    const account = await ensureAccount(uow.em, communityId, { kind: AccountHolderKind.PERSON, id: personId, name: person.name });
    const credit = minutes * rate;
    const verifiedAt = new Date(service.verifiedAt);
    const result = await postTransaction(uow, {
      communityId,
      kind: TransactionKind.EARN,
      legs: [
        { accountId: account.id, amount: credit },
        { accountId: await bankAccountId(uow.em, communityId), amount: -credit },
      ],
      rate,
      serviceMinutes: minutes,
      sourceId: entryId,
      teamId: service.teamId,
      memo: service.correctsEntryId ? `${service.source} correcting ${service.correctsEntryId}` : service.source,
      occurredAt: Number.isNaN(verifiedAt.getTime()) ? uow.now() : verifiedAt,
    });
    return result.status === 'posted' ? uow.em.findOneOrFail(MoralBankTransaction, { uuid: result.transactionId }) : null;
  },
});
