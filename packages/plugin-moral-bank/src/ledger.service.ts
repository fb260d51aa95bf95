import { createHash, randomUUID } from 'node:crypto';
import { type EventEmitter, expectRow, placeSummary, readContext, userError } from '@gongzhi/core';
import type { EntityManager } from './entity-manager.js';
import { AccountHolderKind } from './account.entity.js';
import { type TransactionKind } from './transaction.entity.js';
import { t } from './db.js';

/** Largest amount one transfer, gift or booking may move: 1,000 hours. Anything more is a typo. */
export const MAX_MINUTES = 60_000;

/** Runs one SQL statement in the EntityManager's transaction; `?` placeholders. */
export function sql<T extends object = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  return em.execute<T[]>(text, params);
}

/** `?, ?, ?` for a list of values. */
export const marks = (values: readonly unknown[]): string => values.map(() => '?').join(', ');

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
  | { status: 'posted'; transactionId: string }
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

/** Whether a driver error is the given PostgreSQL error (and constraint, when named). */
export function isPgError(err: unknown, code: string, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== code) return false;
  return !constraint || e.constraint === constraint || String(e.message).includes(constraint);
}

/**
 * Runs `work`, one whole database transaction, again when PostgreSQL aborted it to break a
 * deadlock (up to `attempts` runs in all). Racing inserts of overlapping rows under an
 * exclusion constraint can deadlock inside the constraint check, each waiting for the other's
 * uncommitted row; run again, the loser meets the winner's row and gets the constraint's error.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isPgError(err, '40P01')) throw err;
    }
  }
}

/**
 * Posts one balanced transaction in the caller's database transaction:
 *
 * 1. inserts the transaction row first; a unique source id or idempotency key already taken
 *    (even by a transaction committing at this moment) turns into `duplicate`;
 * 2. locks every account involved, in id order (so two transfers in opposite directions
 *    cannot deadlock), and refuses a debit that would take an account below its floor;
 * 3. inserts the entries in one statement; a trigger adds each amount to its account's cached
 *    balance, and a deferred trigger checks at commit that the entries sum to zero.
 */
export async function postTransaction(em: EntityManager, input: PostInput): Promise<PostResult> {
  const net = new Map<string, number>();
  for (const leg of input.legs) {
    if (!Number.isSafeInteger(leg.amount) || leg.amount === 0)
      throw new Error(`ledger leg amounts are non-zero integers, got ${leg.amount}`);
    net.set(leg.accountId, (net.get(leg.accountId) ?? 0) + leg.amount);
  }
  if (input.legs.reduce((s, l) => s + l.amount, 0) !== 0 || input.legs.length < 2)
    throw new Error('ledger legs must be at least two and sum to zero');
  const minutes = input.legs.filter((l) => l.amount > 0).reduce((s, l) => s + l.amount, 0);

  const id = randomUUID();
  const conflictTarget = input.sourceId
    ? 'ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO NOTHING'
    : input.idempotencyKey
      ? 'ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING'
      : '';
  const inserted = await sql(
    em,
    `INSERT INTO ${t('ledger_transaction')}
       (id, community_id, kind, minutes, rate, service_minutes, source_id, team_id, idempotency_key, request_hash, reverses_id, booking_id, memo, actor_id, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${conflictTarget} RETURNING id`,
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
    ],
  );
  if (inserted.length === 0) {
    // The insert skipped a conflicting row, so the earlier transaction exists.
    const existing = expectRow(
      await sql<{ id: string; request_hash: string | null }>(
        em,
        input.sourceId
          ? `SELECT id, request_hash FROM ${t('ledger_transaction')} WHERE source_id = ?`
          : `SELECT id, request_hash FROM ${t('ledger_transaction')} WHERE idempotency_key = ?`,
        [input.sourceId ?? input.idempotencyKey],
      ),
      'the earlier ledger transaction with this key',
    );
    return { status: 'duplicate', transactionId: existing.id, requestHash: existing.request_hash };
  }

  const ids = [...net.keys()].sort();
  const locked = await sql<{ id: string; community_id: string; name: string; balance: number; min_balance: number | null }>(
    em,
    `SELECT id, community_id, name, balance, min_balance FROM ${t('account')} WHERE id IN (${marks(ids)}) ORDER BY id FOR UPDATE`,
    ids,
  );
  const byId = new Map(locked.map((a) => [a.id, a]));
  for (const accountId of ids) {
    const account = byId.get(accountId);
    if (!account) throw userError('NOT_FOUND', `No moral-bank account has the id ${accountId}.`);
    if (account.community_id !== input.communityId) {
      throw userError(
        'BAD_USER_INPUT',
        `Account ${account.name} belongs to another community's bank; minutes move only within one community's bank.`,
      );
    }
    const change = net.get(accountId)!;
    if (change < 0 && account.min_balance !== null && account.balance + change < account.min_balance) {
      throw userError(
        'INSUFFICIENT_BALANCE',
        `Insufficient balance: account ${account.name} has ${account.balance} minutes and this needs ${-change}; ask for at most ${Math.max(0, account.balance - account.min_balance)}.`,
        null,
        { balance: account.balance, needed: -change },
      );
    }
  }

  const values = input.legs.map(() => '(?, ?, ?, ?)').join(', ');
  try {
    await sql(
      em,
      `INSERT INTO ${t('entry')} (transaction_id, account_id, amount, occurred_at) VALUES ${values}`,
      input.legs.flatMap((l) => [id, l.accountId, l.amount, input.occurredAt]),
    );
  } catch (err) {
    // The CHECK is a second line of defence behind the locked read above.
    if (isPgError(err, '23514', 'account_balance_floor'))
      throw userError('INSUFFICIENT_BALANCE', 'Insufficient balance for this transaction.');
    throw err;
  }
  return { status: 'posted', transactionId: id };
}

/**
 * The id of the account of `holder` in `communityId`'s bank, opened if missing. Safe under
 * concurrency: two callers opening the same account get the same row.
 */
export async function ensureAccount(
  em: EntityManager,
  communityId: string,
  holder:
    | { kind: AccountHolderKind.PERSON; id: string; name: string }
    | { kind: AccountHolderKind.ORGANIZATION; id: string; name: string }
    | { kind: AccountHolderKind.TEAM; id: string; name: string; keeperId: string | null }
    | { kind: AccountHolderKind.BANK; name: string },
): Promise<{ id: string; created: boolean }> {
  const column = { person: 'person_id', organization: 'organization_id', team: 'team_id', bank: null }[holder.kind];
  const target = column ? `(community_id, ${column}) WHERE ${column} IS NOT NULL` : `(community_id) WHERE holder_kind = 'bank'`;
  const id = randomUUID();
  const inserted = await sql(
    em,
    `INSERT INTO ${t('account')} (id, community_id, holder_kind, person_id, organization_id, team_id, keeper_id, name, min_balance)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ${target} DO NOTHING RETURNING id`,
    [
      id,
      communityId,
      holder.kind,
      holder.kind === AccountHolderKind.PERSON ? holder.id : null,
      holder.kind === AccountHolderKind.ORGANIZATION ? holder.id : null,
      holder.kind === AccountHolderKind.TEAM ? holder.id : null,
      holder.kind === AccountHolderKind.TEAM ? holder.keeperId : null,
      holder.name,
      holder.kind === AccountHolderKind.BANK ? null : 0,
    ],
  );
  if (inserted.length) return { id, created: true };
  const row = expectRow(
    await sql<{ id: string }>(
      em,
      column
        ? `SELECT id FROM ${t('account')} WHERE community_id = ? AND ${column} = ?`
        : `SELECT id FROM ${t('account')} WHERE community_id = ? AND holder_kind = 'bank'`,
      column ? [communityId, (holder as { id: string }).id] : [communityId],
    ),
    'the existing account',
  );
  return { id: row.id, created: false };
}

/** The community bank's issuance account (发行账户), opened on first use. */
export async function bankAccountId(em: EntityManager, communityId: string): Promise<string> {
  return (await ensureAccount(em, communityId, { kind: AccountHolderKind.BANK, name: '社区道德银行发行账户' })).id;
}

/** The community's rate ("5 for 1" is 5), or the plugin's default. */
export async function communityRate(em: EntityManager, communityId: string, defaultRate: number): Promise<number> {
  const [row] = await sql<{ rate: number }>(em, `SELECT rate FROM ${t('community_settings')} WHERE community_id = ?`, [communityId]);
  return row?.rate ?? defaultRate;
}

/** Emits the posted-transaction event (after commit, through the bus's transaction). */
export async function announce(em: EntityManager, emit: EventEmitter, transactionId: string): Promise<void> {
  const row = expectRow(
    await sql<{ community_id: string; kind: string; minutes: number; accounts: string[] }>(
      em,
      `SELECT t.community_id, t.kind, t.minutes,
         (SELECT array_agg(e.account_id::text ORDER BY e.seq) FROM ${t('entry')} e WHERE e.transaction_id = t.id) AS accounts
       FROM ${t('ledger_transaction')} t WHERE t.id = ?`,
      [transactionId],
    ),
    `ledger transaction ${transactionId}`,
  );
  const community = (await placeSummary(readContext(em), row.community_id))!;
  await emit('moral-bank.transaction-posted', {
    transactionId,
    communityId: row.community_id,
    placePath: community.path,
    kind: row.kind,
    minutes: row.minutes,
    accountIds: row.accounts,
  });
}
