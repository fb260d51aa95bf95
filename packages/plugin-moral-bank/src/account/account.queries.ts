import { executeRead, keyedRows, matchKeys, type ReadContext, type UnitOfWork } from '@gongzhi/core';
import { t } from '../db.js';

/** How far back verified service counts as activity for priority (积分): one year. */
const ACTIVITY_DAYS = 365;

/**
 * Activity points of accounts: service minutes verified in the last year. A person's are the
 * service credited to them; a team's are the service its members did for the team.
 */
export async function activityPoints(em: UnitOfWork['em'], accountIds: readonly string[], now: Date): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const since = new Date(now.getTime() - ACTIVITY_DAYS * 86_400_000);
  const accounts = matchKeys(accountIds, 'uuid');
  const rows = await executeRead<{ id: string; points: number }[]>(
    em,
    `SELECT a.id, coalesce((
       SELECT sum(t.service_minutes) FROM ${t('ledger_transaction')} t
       WHERE t.kind = 'earn' AND t.community_id = a.community_id AND t.occurred_at >= ?::timestamptz
         AND CASE WHEN a.holder_kind = 'team' THEN t.team_id = a.team_id
                  ELSE EXISTS (SELECT 1 FROM ${t('entry')} e WHERE e.transaction_id = t.id AND e.account_id = a.id) END
     ), 0)::int AS points
     FROM ${t('account')} a WHERE a.id ${accounts.match}`,
    [since, accounts.value],
    { fixedShape: true },
  );
  return new Map(rows.map((r) => [r.id, Math.max(0, r.points)]));
}

/** One line of an account's statement, with the balance right after it. */
export interface StatementRow {
  account_id: string;
  seq: string;
  transaction_id: string;
  kind: string;
  memo: string | null;
  amount: number;
  balance_after: number;
  occurred_at: Date;
  counterparty: string | null;
}

/** Which lines of the statements to read: those in [from, to), a page of them from a line on. */
export interface StatementPage {
  from: Date | null;
  to: Date | null;
  /** Lines per account: the page's size and one more (whether more follow). */
  size: number;
  /** Oldest first (a backward page of the newest-first statement). */
  backward: boolean;
  /** The `seq` of the line the page starts after (in reading order), or null from the start. */
  past: number | null;
}

/**
 * A page of the statement of several accounts at once (one query for a whole page of accounts),
 * newest first by posting order (`seq`). The running balance is a window over the account's
 * whole history before the range and the page are cut, so a line shows the balance right after
 * it on any page, and when the range starts late.
 */
export function statementPages(em: UnitOfWork['em'], accountIds: readonly string[], page: StatementPage): Promise<StatementRow[]> {
  const direction = page.backward ? 'ASC' : 'DESC';
  const accounts = matchKeys(accountIds, 'uuid');
  return executeRead<StatementRow[]>(
    em,
    `SELECT p.account_id, p.seq, p.transaction_id, t.kind, t.memo, p.amount, p.occurred_at, p.balance_after,
       (SELECT string_agg(a2.name, '、' ORDER BY a2.name) FROM ${t('entry')} e2 JOIN ${t('account')} a2 ON a2.id = e2.account_id
         WHERE e2.transaction_id = p.transaction_id AND e2.account_id <> p.account_id) AS counterparty
     FROM (
       SELECT s.*, row_number() OVER (PARTITION BY s.account_id ORDER BY s.seq ${direction}) AS page_row FROM (
         SELECT e.account_id, e.seq, e.transaction_id, e.amount, e.occurred_at,
           (sum(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.seq))::int AS balance_after
         FROM ${t('entry')} e WHERE e.account_id ${accounts.match}
       ) s WHERE (?::timestamptz IS NULL OR s.occurred_at >= ?::timestamptz) AND (?::timestamptz IS NULL OR s.occurred_at < ?::timestamptz)
         AND (?::bigint IS NULL OR s.seq ${page.backward ? '>' : '<'} ?::bigint)
     ) p JOIN ${t('ledger_transaction')} t ON t.id = p.transaction_id
     WHERE p.page_row <= ?::bigint ORDER BY p.account_id, p.page_row`,
    [accounts.value, page.from, page.from, page.to, page.to, page.past, page.past, page.size],
    { fixedShape: true },
  );
}

/**
 * The places a depositor sees through her accounts, batched per operation: the communities whose
 * banks keep an account she holds (or keeps, for a team) and the venues those banks book. A
 * depositor needs no role there: a member of an arts team living elsewhere earns in the community
 * she serves, and spends there.
 */
export async function depositorPlacesOf(ctx: ReadContext, personUuid: string): Promise<ReadonlySet<string>> {
  const rows = await keyedRows<{ person_id: string; place_id: string }>(ctx, 'moral-bank.depositorPlaces', personUuid, {
    sql: (match) => `SELECT coalesce(a.person_id, a.keeper_id) AS person_id, a.community_id AS place_id
         FROM ${t('account')} a WHERE a.person_id ${match} OR a.keeper_id ${match}
       UNION
       SELECT coalesce(a.person_id, a.keeper_id), v.venue_id
         FROM ${t('account')} a JOIN ${t('venue_policy')} v ON v.community_id = a.community_id
        WHERE a.person_id ${match} OR a.keeper_id ${match}`,
    keyColumn: 'person_id',
    type: 'uuid',
  });
  return new Set(rows.map((r) => r.place_id));
}

/** The people who hold (or keep) an account a transaction moves minutes on, batched per operation. */
export async function holdersOfTransaction(ctx: ReadContext, transactionUuid: string): Promise<string[]> {
  const rows = await keyedRows<{ transaction_id: string; person_id: string }>(ctx, 'moral-bank.transactionHolders', transactionUuid, {
    sql: (match) => `SELECT DISTINCT e.transaction_id, coalesce(a.person_id, a.keeper_id) AS person_id
         FROM ${t('entry')} e JOIN ${t('account')} a ON a.id = e.account_id
        WHERE e.transaction_id ${match} AND coalesce(a.person_id, a.keeper_id) IS NOT NULL`,
    keyColumn: 'transaction_id',
    type: 'uuid',
  });
  return rows.map((r) => r.person_id);
}
