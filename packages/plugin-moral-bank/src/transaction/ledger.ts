import { createHash, randomUUID } from 'node:crypto';
import { executePrepared, placeSummary, plainRows, type UnitOfWork } from '@gongzhi/core';
import { MoralBankAccount } from '../account/account.entity.js';
import { MoralBankTransaction, type TransactionKind } from './transaction.entity.js';
import { t } from '../db.js';
import { bankMessages } from '../messages.js';

/**
 * The double-entry ledger's one way in: every earning, transfer, gift, booking, refund and
 * reversal is posted here, in the caller's database transaction. The database holds the rules
 * too (balanced at commit, append-only, balance floor); see the 0001 migration.
 */

/** Largest amount one transfer, gift or booking may move: 1,000 hours. Anything more is a typo. */
export const MAX_MINUTES = 60_000;

/** One line of a transaction to post: minutes added to (positive) or taken from (negative) an account. */
export interface Leg {
  accountId: string;
  amount: number;
}

export interface PostInput {
  communityId: string;
  kind: TransactionKind;
  legs: Leg[];
  occurredAt: Date;
  memo?: string | null;
  actorId?: string | null;
  rate?: number | null;
  serviceMinutes?: number | null;
  sourceId?: string | null;
  teamId?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  reversesId?: string | null;
  bookingId?: string | null;
}

export type PostResult =
  | {
      status: 'posted';
      transactionId: string;
      /** Each account's cached balance before and after, in account id order. */
      balances: { accountId: string; before: number; after: number }[];
    }
  /** The source (a verified entry) or the idempotency key was already used: the earlier transaction. */
  | { status: 'duplicate'; transactionId: string; requestHash: string | null };

/** Stable hash of what a client asked for, to tell a retry from a different request under one key. */
export function requestHash(body: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(body)
      .sort()
      .map((k) => [k, body[k] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** The net change per account; refuses legs that cannot make a balanced transaction (a bug, not a client error). */
function netChanges(legs: readonly Leg[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const leg of legs) {
    if (!Number.isSafeInteger(leg.amount) || leg.amount === 0)
      throw new Error(`ledger leg amounts are non-zero integers, got ${leg.amount}`);
    net.set(leg.accountId, (net.get(leg.accountId) ?? 0) + leg.amount);
  }
  if (legs.length < 2 || legs.reduce((s, l) => s + l.amount, 0) !== 0) throw new Error('ledger legs must be at least two and sum to zero');
  return net;
}

interface LockedAccount {
  id: string;
  community_id: string;
  name: string;
  balance: number;
  min_balance: number | null;
}

/**
 * Writes a transaction in **one** statement: the transaction row (or nothing, when its source id
 * or idempotency key is taken: ON CONFLICT waits for a transaction committing at this moment),
 * then every account involved locked in id order (two transfers in opposite directions cannot
 * deadlock; the lock comes before any entry touches a balance), then the entries, only if every
 * account is of this bank and no debit goes below its floor. Returns the new transaction's id
 * (null when the row was skipped) and the locked accounts as they were before the entries.
 */
async function writeTransaction(
  em: UnitOfWork['em'],
  id: string,
  input: PostInput,
  minutes: number,
  net: Map<string, number>,
): Promise<{ transactionId: string | null; accounts: LockedAccount[] }> {
  const conflictTarget = input.sourceId
    ? 'ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO NOTHING'
    : input.idempotencyKey
      ? 'ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING'
      : '';
  const changes = [...net];
  // A fixed shape per kind of conflict and number of legs: prepared once per connection.
  const [row] = await executePrepared<{ transaction_id: string | null; accounts: LockedAccount[] | null }>(
    em,
    `WITH tx AS (
       INSERT INTO ${t('ledger_transaction')}
         (id, community_id, kind, minutes, rate, service_minutes, source_id, team_id, idempotency_key, request_hash, reverses_id, booking_id, memo, actor_id, occurred_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${conflictTarget} RETURNING id
     ),
     net (account_id, change) AS (VALUES ${changes.map(() => '(?::uuid, ?::integer)').join(', ')}),
     locked AS (
       SELECT a.id, a.community_id, a.name, a.balance, a.min_balance FROM ${t('account')} a
        WHERE a.id IN (SELECT account_id FROM net) AND EXISTS (SELECT 1 FROM tx)
        ORDER BY a.id FOR UPDATE
     ),
     entries AS (
       INSERT INTO ${t('entry')} (transaction_id, account_id, amount, occurred_at)
       SELECT tx.id, leg.account_id, leg.amount, ?::timestamptz
         FROM tx, (VALUES ${input.legs.map(() => '(?::uuid, ?::integer, ?::integer)').join(', ')}) AS leg (account_id, amount, n)
        WHERE (SELECT count(*) FROM locked JOIN net ON net.account_id = locked.id
                WHERE locked.community_id = ?
                  AND (net.change >= 0 OR locked.min_balance IS NULL OR locked.balance + net.change >= locked.min_balance)) = ?
        ORDER BY leg.n
     )
     SELECT (SELECT id FROM tx) AS transaction_id, (SELECT json_agg(locked ORDER BY locked.id) FROM locked) AS accounts`,
    [
      id,
      input.communityId,
      input.kind,
      minutes,
      input.rate ?? null,
      input.serviceMinutes ?? null,
      input.sourceId ?? null,
      input.teamId ?? null,
      input.idempotencyKey ?? null,
      input.requestHash ?? null,
      input.reversesId ?? null,
      input.bookingId ?? null,
      input.memo ?? null,
      input.actorId ?? null,
      input.occurredAt,
      ...changes.flat(),
      input.occurredAt,
      ...input.legs.flatMap((l, n) => [l.accountId, l.amount, n]),
      input.communityId,
      changes.length,
    ],
  );
  return { transactionId: row?.transaction_id ?? null, accounts: row?.accounts ?? [] };
}

/** The earlier transaction holding the source id or idempotency key a skipped insert met. */
async function earlierTransaction(em: UnitOfWork['em'], input: PostInput): Promise<Extract<PostResult, { status: 'duplicate' }>> {
  // A statement of its own: the earlier row may have committed after the writing statement's snapshot.
  const [earlier] = await em.execute<{ id: string; request_hash: string | null }[]>(
    `SELECT id, request_hash FROM ${t('ledger_transaction')} WHERE ${input.sourceId ? 'source_id' : 'idempotency_key'} = ?`,
    [input.sourceId ?? input.idempotencyKey],
  );
  if (!earlier) throw new Error('the earlier ledger transaction with this key is missing');
  return { status: 'duplicate', transactionId: earlier.id, requestHash: earlier.request_hash };
}

/**
 * Each account's balance before and after `net`; refuses a debit below a floor (the statement
 * wrote no entries then, and the refusal rolls back the transaction row).
 */
function checkFloors(
  accounts: readonly LockedAccount[],
  communityId: string,
  net: Map<string, number>,
): { accountId: string; before: number; after: number }[] {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const balances = [];
  for (const accountId of [...net.keys()].sort()) {
    const account = byId.get(accountId);
    // Commands post only to accounts they resolved or opened: anything else is a bug.
    if (!account || account.community_id !== communityId) throw new Error(`account ${accountId} is not an account of bank ${communityId}`);
    const change = net.get(accountId)!;
    if (change < 0 && account.min_balance !== null && account.balance + change < account.min_balance) {
      throw bankMessages.insufficientBalanceAccountMinutes.error(
        { accountName: account.name, balance: account.balance, change: -change, max: Math.max(0, account.balance - account.min_balance) },
        null,
        { balance: account.balance, needed: -change },
      );
    }
    balances.push({ accountId, before: account.balance, after: account.balance + change });
  }
  return balances;
}

/**
 * Records one balanced transaction in the caller's database transaction, without announcing it
 * (the demo seed and benchmarks write this way), in one statement ({@link writeTransaction}):
 *
 * 1. the transaction row first; a unique source id or idempotency key already taken (even by a
 *    transaction committing at this moment) turns into `duplicate`;
 * 2. every account involved locked, in id order; a debit that would take an account below its
 *    floor writes no entry and is refused (INSUFFICIENT_BALANCE; the database's CHECK is the
 *    second line);
 * 3. the entries; a trigger adds each amount to its account's cached balance, and a deferred
 *    trigger checks at commit that the entries sum to zero.
 */
export async function recordTransaction(em: UnitOfWork['em'], input: PostInput): Promise<PostResult> {
  const net = netChanges(input.legs);
  const minutes = input.legs.filter((l) => l.amount > 0).reduce((s, l) => s + l.amount, 0);
  const written = await writeTransaction(em, randomUUID(), input, minutes, net);
  if (written.transactionId === null) return earlierTransaction(em, input);
  const balances = checkFloors(written.accounts, input.communityId, net);
  return { status: 'posted', transactionId: written.transactionId, balances };
}

/**
 * Records a transaction in the unit of work and, when it is new, emits
 * `moral-bank.transaction-posted` (delivered after commit). The audit log itemizes what the SQL
 * wrote: the transaction with its legs (its entry rows) and each account's balance before and after.
 */
export async function postTransaction(uow: UnitOfWork, input: PostInput): Promise<PostResult> {
  const result = await recordTransaction(uow.em, input);
  if (result.status === 'duplicate') return result;
  const community = await placeSummary(uow, input.communityId);
  const paths = community ? [community.path] : [];
  const minutes = input.legs.filter((l) => l.amount > 0).reduce((s, l) => s + l.amount, 0);
  const created = (value: unknown) => ({ before: null, after: value });
  uow.audit.record(
    MoralBankTransaction,
    {
      id: result.transactionId,
      operation: 'create',
      changes: {
        kind: created(input.kind),
        minutes: created(minutes),
        memo: created(input.memo ?? null),
        legs: created(input.legs),
        ...(input.idempotencyKey ? { idempotencyKey: created(input.idempotencyKey) } : {}),
      },
    },
    null,
    paths,
    { table: 'moral_bank.entry', inserted: input.legs.length },
  );
  for (const { accountId, before, after } of result.balances) {
    uow.audit.record(MoralBankAccount, { id: accountId, operation: 'update', changes: { balance: { before, after } } }, null, paths);
  }
  await uow.emit('moral-bank.transaction-posted', {
    transactionId: result.transactionId,
    communityId: input.communityId,
    placePath: community?.path ?? '',
    kind: input.kind,
    minutes,
    accountIds: input.legs.map((l) => l.accountId),
  });
  return result;
}

/**
 * The transaction just posted, built from what was written (no read back): the same row a later
 * read would give, as a plain row (the ledger's rows never change, so the unit of work has nothing
 * to track or compare at commit). Its columns are those {@link writeTransaction} inserts.
 */
export function postedTransaction(uow: UnitOfWork, transactionId: string, input: PostInput): MoralBankTransaction {
  const [row] = plainRows(uow, MoralBankTransaction, [
    {
      id: transactionId,
      community_id: input.communityId,
      kind: input.kind,
      minutes: input.legs.filter((l) => l.amount > 0).reduce((s, l) => s + l.amount, 0),
      rate: input.rate ?? null,
      service_minutes: input.serviceMinutes ?? null,
      source_id: input.sourceId ?? null,
      team_id: input.teamId ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      request_hash: input.requestHash ?? null,
      reverses_id: input.reversesId ?? null,
      booking_id: input.bookingId ?? null,
      memo: input.memo ?? null,
      actor_id: input.actorId ?? null,
      occurred_at: input.occurredAt,
    },
  ]);
  if (!row) throw new Error('plainRows maps one row per result row');
  return row;
}
