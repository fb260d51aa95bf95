import { type GongzhiContext, OrganizationMember, type Person, userError } from '@gongzhi/core';
import type { EntityManager } from './entity-manager.js';
import { AccountHolderKind, type MoralBankAccount } from './account.entity.js';
import { announce, isPgError, MAX_MINUTES, postTransaction, requestHash, sql } from './ledger.service.js';
import { MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { t } from './db.js';

/** What the plugin's options say: the default rate and the time zone of venues and reports. */
export interface MoralBankOptions {
  /** Venue minutes earned per service minute where a community set no rate ("5 for 1"). */
  defaultRate: number;
  /** IANA time zone for opening hours and monthly summaries. */
  timeZone: string;
}

export const DEFAULT_OPTIONS: MoralBankOptions = { defaultRate: 5, timeZone: 'Asia/Shanghai' };

/** Refuses unless `actor` may spend the account's minutes: its holder, a member, or the team's keeper. */
export async function assertMaySpend(em: EntityManager, account: MoralBankAccount, actor: Person, argument: string): Promise<void> {
  const holder = account.holderKind;
  if (holder === AccountHolderKind.PERSON && account.person?.uuid === actor.uuid) return;
  if (holder === AccountHolderKind.TEAM && account.keeper?.uuid === actor.uuid) return;
  if (holder === AccountHolderKind.ORGANIZATION && account.organization) {
    if (await em.count(OrganizationMember, { organization: account.organization.uuid, person: actor.uuid })) return;
  }
  const who =
    holder === AccountHolderKind.PERSON
      ? 'only its holder'
      : holder === AccountHolderKind.TEAM
        ? "only the team's keeper (who opened the account)"
        : holder === AccountHolderKind.ORGANIZATION
          ? 'only members of the organisation'
          : 'nobody (the issuance account moves only through earnings, bookings and reversals)';
  throw userError('NOT_ACCOUNT_HOLDER', `${actor.name} may not spend from account ${account.name}: ${who} may.`, argument);
}

/** Checks an amount of minutes a client asked to move. */
export function assertAmount(minutes: number, argument: string): void {
  if (!Number.isSafeInteger(minutes) || minutes <= 0 || minutes > MAX_MINUTES) {
    throw userError(
      'INVALID_AMOUNT',
      `"${argument}" must be a whole number of minutes from 1 to ${MAX_MINUTES} (1,000 hours); got ${minutes}.`,
      argument,
    );
  }
}

export interface TransferInput {
  from: MoralBankAccount;
  to: MoralBankAccount;
  minutes: number;
  kind: TransactionKind.TRANSFER | TransactionKind.GIFT;
  memo: string | null;
  idempotencyKey: string;
}

/**
 * Moves minutes between two holders' accounts, once per idempotency key: a retry with the
 * same key and body returns the first transaction; another body under that key is refused.
 */
export async function transfer(ctx: GongzhiContext, input: TransferInput, actor: Person): Promise<MoralBankTransaction> {
  const key = input.idempotencyKey.trim();
  if (key.length < 8 || key.length > 200) {
    throw userError(
      'BAD_USER_INPUT',
      '"idempotencyKey" must be 8 to 200 characters, unique per intended transfer (a UUID is ideal).',
      'idempotencyKey',
    );
  }
  assertAmount(input.minutes, 'minutes');
  if (input.memo && input.memo.length > 500) throw userError('BAD_USER_INPUT', '"memo" must be at most 500 characters.', 'memo');
  // The actor is part of the body: someone else replaying a key learns nothing and moves nothing.
  const hash = requestHash({
    actor: actor.uuid,
    from: input.from.uuid,
    to: input.to.uuid,
    minutes: input.minutes,
    kind: input.kind,
    memo: input.memo,
  });
  const reused = () =>
    userError(
      'IDEMPOTENCY_KEY_REUSED',
      `The idempotency key "${key}" was already used for a different transfer; use a new key for a new transfer, or resend exactly the same one to get its result.`,
      'idempotencyKey',
    );
  // A retry after the first one committed: answer without touching the ledger or checking the actor's balance again.
  const earlier = await ctx.em.findOne(MoralBankTransaction, { idempotencyKey: key });
  if (earlier) {
    if (earlier.requestHash !== hash) throw reused();
    return earlier;
  }
  if (input.from.uuid === input.to.uuid)
    throw userError('SAME_ACCOUNT', 'A transfer needs two different accounts; "toAccountId" names the sending account.', 'toAccountId');
  if (input.to.holderKind === AccountHolderKind.BANK) {
    throw userError(
      'BAD_USER_INPUT',
      "Minutes cannot be transferred to the bank's issuance account; spend them on a booking, or ask staff to reverse a transaction.",
      'toAccountId',
    );
  }
  if (input.from.community.uuid !== input.to.community.uuid) {
    throw userError(
      'BAD_USER_INPUT',
      "Both accounts must belong to the same community's bank; open an account for the receiver in this community first.",
      'toAccountId',
    );
  }
  await assertMaySpend(ctx.em, input.from, actor, 'fromAccountId');

  const transactionId = await ctx.events.transaction(
    ctx.em,
    async ({ em, emit }) => {
      const result = await postTransaction(em, {
        communityId: input.from.community.uuid,
        kind: input.kind,
        legs: [
          { accountId: input.from.uuid, amount: -input.minutes },
          { accountId: input.to.uuid, amount: input.minutes },
        ],
        memo: input.memo,
        actorId: actor.uuid,
        idempotencyKey: key,
        requestHash: hash,
        occurredAt: ctx.now(),
      });
      if (result.status === 'duplicate') {
        if (result.requestHash !== hash) throw reused();
        return result.transactionId;
      }
      await announce(em, emit, result.transactionId);
      return result.transactionId;
    },
    actor.uuid,
  );
  return ctx.em.fork().findOneOrFail(MoralBankTransaction, { uuid: transactionId });
}

/**
 * Corrects a transaction by posting its exact opposite (the ledger never changes a row).
 * A transaction is reversed at most once; reversals themselves are not reversed.
 */
export async function reverse(
  ctx: GongzhiContext,
  original: MoralBankTransaction,
  reason: string,
  actor: Person,
): Promise<MoralBankTransaction> {
  if (original.kind === TransactionKind.REVERSAL) {
    throw userError(
      'BAD_USER_INPUT',
      'A reversal cannot itself be reversed; post a new transfer if minutes must move again.',
      'transactionId',
    );
  }
  if (original.kind === TransactionKind.BOOKING || original.bookingId) {
    throw userError(
      'BAD_USER_INPUT',
      'Booking debits and refunds follow the booking: cancel the booking or record a no-show instead.',
      'transactionId',
    );
  }
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > 500) throw userError('BAD_USER_INPUT', '"reason" must say why, in 1 to 500 characters.', 'reason');
  const transactionId = await ctx.events.transaction(
    ctx.em,
    async ({ em, emit }) => {
      const entries = await sql<{ account_id: string; amount: number }>(
        em,
        `SELECT account_id, amount FROM ${t('entry')} WHERE transaction_id = ? ORDER BY seq`,
        [original.uuid],
      );
      let result;
      try {
        result = await postTransaction(em, {
          communityId: original.community.uuid,
          kind: TransactionKind.REVERSAL,
          legs: entries.map((e) => ({ accountId: e.account_id, amount: -e.amount })),
          memo: trimmed,
          actorId: actor.uuid,
          reversesId: original.uuid,
          occurredAt: ctx.now(),
        });
      } catch (err) {
        if (isPgError(err, '23505', 'ledger_transaction_reverses_uq')) {
          throw userError('CONFLICT', 'This transaction has already been reversed.', 'transactionId');
        }
        throw err;
      }
      await announce(em, emit, result.transactionId);
      return result.transactionId;
    },
    actor.uuid,
  );
  return ctx.em.fork().findOneOrFail(MoralBankTransaction, { uuid: transactionId });
}
