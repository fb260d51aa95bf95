import { type PluginRuntimeContext, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import type { CouncilOptions } from '../options.js';
import { t } from '../db.js';
import { announceOverdueActionItem } from './decision.commands.js';
import { communityDate } from './due-day.js';

/** How the round's announcements are named in the audit log: `system: council.overdue-action-items`. */
export const OVERDUE_LABEL = 'council.overdue-action-items';

/** Items looked at in one round at most, soonest due first; the next round takes the rest. */
const ROUND_LIMIT = 500;

/**
 * Announces every unfinished action item whose due day has ended and that was not announced yet,
 * each in a unit of work of its own run as the system ({@link announceOverdueActionItem}): safe
 * when several processes run it at once. Returns the ids of the items this run announced.
 */
export async function announceOverdueActionItems(runtime: PluginRuntimeContext<CouncilOptions>, round?: ScheduledRound): Promise<string[]> {
  const due = await runtime
    .em()
    .getConnection()
    .execute<{ id: string }[]>(
      `SELECT id FROM ${t('action_item')} WHERE status <> 'done' AND overdue_at IS NULL AND due_on < ? ORDER BY due_on, id LIMIT ${ROUND_LIMIT}`,
      [communityDate(runtime.now())],
    );
  const announced: string[] = [];
  for (const { id } of due) {
    if (round?.stopped) break;
    const outcome = await runtime.runCommand(OVERDUE_LABEL, announceOverdueActionItem, { actionItemId: id });
    if (!outcome.ok) runtime.logger.error({ actionItemId: id, errors: outcome.errors }, 'announcing an overdue action item was refused');
    else if (outcome.value) announced.push(id);
  }
  return announced;
}

/** The overdue round, every `overdueCheckIntervalMs` (0: off) in every serving process. */
export const overdueActionItemsTask: ScheduledTask<CouncilOptions> = {
  id: 'overdue-action-items',
  intervalMs: (options) => options.overdueCheckIntervalMs,
  async run(ctx, round) {
    const announced = await announceOverdueActionItems(ctx, round);
    if (announced.length) ctx.logger.info({ announced: announced.length }, 'announced overdue council action items');
  },
};
