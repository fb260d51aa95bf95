import {
  keyedCount,
  keyedRows,
  type ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  expectRow,
  findPage,
  type Place,
  type ReadContext,
  Request,
} from '@gongzhi/core';
import { type FilterQuery, LockMode } from '@mikro-orm/core';
import type { Council } from '../council/council.entity.js';
import { t } from '../db.js';
import type { CouncilAgendaItem } from '../meeting/meeting.entity.js';
import { CouncilActionItem, ActionItemStatus, CouncilDecision } from './decision.entity.js';

/** The council that made `decision`, with its community loaded. */
export async function councilOfDecision(ctx: ReadContext, decision: CouncilDecision): Promise<Council> {
  await ctx.em.populate(decision, ['proposal.agendaItem.meeting.council.community']);
  return decision.proposal.agendaItem.meeting.council;
}

/** The decision row locked FOR UPDATE and read as committed now: its action items change one at a time. */
export function lockedDecision(ctx: ReadContext, decisionId: string): Promise<CouncilDecision> {
  return ctx.em.findOneOrFail(CouncilDecision, { uuid: decisionId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** The request an agenda item is about, read as committed now (its version guards the moves), or null. */
export async function requestOfAgendaItem(ctx: ReadContext, item: CouncilAgendaItem): Promise<Request | null> {
  if (!item.request) return null;
  return ctx.em.findOneOrFail(Request, { uuid: item.request.uuid }, { refresh: true });
}

/** How many of a decision's action items are done, of how many. */
export async function actionItemProgress(ctx: ReadContext, decision: CouncilDecision): Promise<{ done: number; total: number }> {
  const counts = expectRow(
    await ctx.em.execute<{ done: string; total: string }[]>(
      `SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) AS total FROM ${t('action_item')} WHERE decision_id = ?`,
      [decision.uuid],
    ),
    'the action item counts',
  );
  return { done: Number(counts.done), total: Number(counts.total) };
}

/** How far each decision's action items have come; batched per operation. */
export async function decisionProgressOf(
  ctx: ReadContext,
  decisionId: string,
): Promise<{ done: number; inProgress: number; total: number }> {
  const [counted] = await keyedRows<{ decision_id: string; done: number; in_progress: number; total: number }>(
    ctx,
    'CouncilDecision.progress',
    decisionId,
    {
      sql: (match) => `SELECT decision_id, (count(*) FILTER (WHERE status = 'done'))::int AS done,
              (count(*) FILTER (WHERE status = 'in_progress'))::int AS in_progress, count(*)::int AS total
         FROM ${t('action_item')} WHERE decision_id ${match} GROUP BY decision_id`,
      keyColumn: 'decision_id',
      type: 'uuid',
    },
  );
  return { done: counted?.done ?? 0, inProgress: counted?.in_progress ?? 0, total: counted?.total ?? 0 };
}

/** The sum of each decision's funding, in fen; batched per operation. */
export function fundingTotalOf(ctx: ReadContext, decisionId: string): Promise<number> {
  return keyedCount(ctx, 'CouncilDecision.totalFundingFen', decisionId, {
    sql: (match) => `SELECT decision_id, sum(amount_fen) AS n FROM ${t('funding_source')} WHERE decision_id ${match} GROUP BY decision_id`,
    keyColumn: 'decision_id',
    type: 'uuid',
  });
}

const SOONEST_DUE: ConnectionOrder<CouncilActionItem> = { keys: ['dueOn', 'uuid'], direction: 'asc' };

/**
 * A page of the action items of the councils of communities under `under`, optionally of some
 * statuses; soonest due first. The schema guard drops the items the caller may not see, as it
 * did from the list.
 */
export function actionItemsUnder(
  ctx: ReadContext,
  filter: { under: Place; status: ActionItemStatus[] | null; overdue: boolean | null; today: string },
  page: ConnectionArgs,
): Promise<ConnectionPage<CouncilActionItem>> {
  const status = filter.status?.length ? [...new Set(filter.status)].sort() : null;
  const where: FilterQuery<CouncilActionItem>[] = [{ placePath: { $like: `${filter.under.path}%` } }];
  if (status) where.push({ status: { $in: status } });
  // Past its due day and unfinished, as `CouncilActionItem.overdue` reads it (`today`: the community date).
  const { today } = filter;
  if (filter.overdue === true) where.push({ status: { $ne: ActionItemStatus.DONE }, dueOn: { $lt: today } });
  if (filter.overdue === false) where.push({ $or: [{ status: ActionItemStatus.DONE }, { dueOn: { $gte: today } }] });
  return findPage(ctx, CouncilActionItem, { $and: where }, SOONEST_DUE, page, {
    connection: 'Query.councilActionItems',
    filter: { under: filter.under.uuid, status, overdue: filter.overdue },
    defaultSize: 50,
  });
}
