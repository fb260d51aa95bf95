import { expectRow, pageSize, type Place, type ReadContext, Request } from '@gongzhi/core';
import { LockMode } from '@mikro-orm/core';
import type { Council } from '../council/council.entity.js';
import { t } from '../db.js';
import type { CouncilAgendaItem } from '../meeting/meeting.entity.js';
import { CouncilActionItem, type ActionItemStatus, CouncilDecision } from './decision.entity.js';

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

/** Action items of the councils of communities under `under`, optionally of some statuses; soonest due first. */
export function actionItemsUnder(
  ctx: ReadContext,
  filter: { under: Place; status: ActionItemStatus[] | null; first: number },
): Promise<CouncilActionItem[]> {
  return ctx.em.find(
    CouncilActionItem,
    { ...(filter.status?.length ? { status: { $in: filter.status } } : {}), placePath: { $like: `${filter.under.path}%` } },
    { orderBy: { dueOn: 'asc', uuid: 'asc' }, limit: pageSize(filter.first, 50) },
  );
}
