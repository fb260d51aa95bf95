import { expectRow, type UnitOfWork } from '@gongzhi/core';
import { t } from '../db.js';

export interface MonthRow {
  month: string;
  service_minutes: number;
  earned_minutes: number;
  spent_minutes: number;
  transferred_minutes: number;
  outstanding_minutes: number;
}

/**
 * Per month of one community's bank (in its time zone): service verified, minutes earned,
 * minutes spent on venues (net of refunds), minutes moved between holders, and minutes
 * outstanding at the month's end (what holders hold: minus the issuance account's balance,
 * a running sum over months).
 */
export async function monthlySummary(
  em: UnitOfWork['em'],
  communityId: string,
  timeZone: string,
  fromMonth: string | null,
  toMonth: string | null,
): Promise<MonthRow[]> {
  return em.execute<MonthRow[]>(
    `WITH tx AS (
       SELECT t.kind, t.minutes, t.service_minutes, to_char(t.occurred_at AT TIME ZONE ?, 'YYYY-MM') AS month,
         coalesce((SELECT sum(e.amount) FROM ${t('entry')} e JOIN ${t('account')} a ON a.id = e.account_id
                   WHERE e.transaction_id = t.id AND a.holder_kind = 'bank'), 0) AS bank_amount
       FROM ${t('ledger_transaction')} t WHERE t.community_id = ?
     ), m AS (
       SELECT month,
         coalesce(sum(service_minutes) FILTER (WHERE kind = 'earn'), 0) AS service_minutes,
         coalesce(-sum(bank_amount) FILTER (WHERE kind = 'earn'), 0) AS earned_minutes,
         coalesce(sum(bank_amount) FILTER (WHERE kind IN ('booking', 'refund')), 0) AS spent_minutes,
         coalesce(sum(minutes) FILTER (WHERE kind IN ('transfer', 'gift')), 0) AS transferred_minutes,
         sum(bank_amount) AS bank_net
       FROM tx GROUP BY month
     )
     SELECT * FROM (
       SELECT month, service_minutes::int, earned_minutes::int, spent_minutes::int, transferred_minutes::int,
         (-sum(bank_net) OVER (ORDER BY month))::int AS outstanding_minutes
       FROM m
     ) r WHERE (?::text IS NULL OR month >= ?) AND (?::text IS NULL OR month <= ?) ORDER BY month`,
    [timeZone, communityId, fromMonth, fromMonth, toMonth, toMonth],
  );
}

/**
 * The ranking of a community: its opted-in people and teams with the service they did, most
 * first (one aggregate over them; the caller pages it).
 */
export async function topContributors(
  em: UnitOfWork['em'],
  communityId: string,
  since: Date | null,
): Promise<{ account_id: string; service_minutes: number }[]> {
  return em.execute(
    `SELECT a.id AS account_id, coalesce((
       SELECT sum(t.service_minutes) FROM ${t('ledger_transaction')} t
       WHERE t.kind = 'earn' AND t.community_id = a.community_id AND (?::timestamptz IS NULL OR t.occurred_at >= ?)
         AND CASE WHEN a.holder_kind = 'team' THEN t.team_id = a.team_id
                  ELSE EXISTS (SELECT 1 FROM ${t('entry')} e WHERE e.transaction_id = t.id AND e.account_id = a.id) END
     ), 0)::int AS service_minutes
     FROM ${t('account')} a
     WHERE a.community_id = ? AND a.in_rankings AND a.holder_kind IN ('person', 'team')`,
    [since, since, communityId],
  );
}

export interface LedgerCheck {
  transactions: number;
  entries: number;
  entrySum: number;
  mismatches: { account_id: string; cached: number; computed: number }[];
  unbalanced: string[];
  belowFloor: string[];
}

/** Checks the whole ledger (or one community's): balanced transactions, cached balances equal to entries, floors held. */
export async function verifyLedger(em: UnitOfWork['em'], communityId: string | null): Promise<LedgerCheck> {
  const scope = communityId ? 'WHERE community_id = ?' : '';
  const params = communityId ? [communityId] : [];
  const totals = expectRow(
    await em.execute<{ transactions: number; entries: number; entry_sum: number }[]>(
      `SELECT (SELECT count(*) FROM ${t('ledger_transaction')} ${scope})::int AS transactions,
         count(e.seq)::int AS entries, coalesce(sum(e.amount), 0)::bigint AS entry_sum
       FROM ${t('entry')} e JOIN ${t('account')} a ON a.id = e.account_id ${communityId ? 'WHERE a.community_id = ?' : ''}`,
      [...params, ...params],
    ),
    'the ledger totals',
  );
  const mismatches = await em.execute<{ account_id: string; cached: number; computed: number }[]>(
    `SELECT a.id AS account_id, a.balance AS cached, coalesce(s.total, 0)::int AS computed
     FROM ${t('account')} a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ${t('entry')} GROUP BY account_id) s ON s.account_id = a.id
     ${scope ? 'WHERE a.community_id = ? AND' : 'WHERE'} a.balance <> coalesce(s.total, 0)`,
    params,
  );
  const unbalanced = await em.execute<{ id: string }[]>(
    `SELECT t.id FROM ${t('ledger_transaction')} t LEFT JOIN ${t('entry')} e ON e.transaction_id = t.id
     ${communityId ? 'WHERE t.community_id = ?' : ''}
     GROUP BY t.id, t.minutes
     HAVING count(e.seq) < 2 OR coalesce(sum(e.amount), 0) <> 0 OR coalesce(sum(e.amount) FILTER (WHERE e.amount > 0), 0) <> t.minutes`,
    params,
  );
  const below = await em.execute<{ id: string }[]>(
    `SELECT id FROM ${t('account')} WHERE min_balance IS NOT NULL AND balance < min_balance ${communityId ? 'AND community_id = ?' : ''}`,
    params,
  );
  return {
    transactions: totals.transactions,
    entries: totals.entries,
    entrySum: Number(totals.entry_sum),
    mismatches,
    unbalanced: unbalanced.map((r) => r.id),
    belowFloor: below.map((r) => r.id),
  };
}
