import { type PluginRuntimeContext, runBatchesAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import type { CouncilOptions } from '../options.js';
import { t } from '../db.js';
import { announceOverdueActionItem } from './decision.commands.js';
import { communityDate } from './due-day.js';

/** How the round's announcements are named in the audit log: `system: council.overdue-action-items`. */
export const OVERDUE_LABEL = 'council.overdue-action-items';

/** Items read per statement, soonest due first; a round reads on until it has seen them all. */
const BATCH = 500;

/**
 * Announces every unfinished action item whose due day has ended and that was not announced yet,
 * each in a unit of work of its own run as the system ({@link announceOverdueActionItem}): safe
 * when several processes run it at once. Reads the candidates a batch at a time after the last
 * one seen, so an item refused or failing (logged) is not read again in this round. Returns the ids of the
 * items this run announced.
 */
export async function announceOverdueActionItems(runtime: PluginRuntimeContext<CouncilOptions>, round?: ScheduledRound): Promise<string[]> {
  const today = communityDate(runtime);
  const announced = await runBatchesAsSystem(
    runtime,
    OVERDUE_LABEL,
    announceOverdueActionItem,
    {
      size: BATCH,
      read: (after: { due_on: string; id: string } | null) =>
        runtime
          .em()
          .getConnection()
          .execute<{ due_on: string; id: string }[]>(
            `SELECT id, due_on::text AS due_on FROM ${t('action_item')}
              WHERE status <> 'done' AND overdue_at IS NULL AND due_on < ?${after ? ' AND (due_on, id) > (?::date, ?::uuid)' : ''}
              ORDER BY due_on, id LIMIT ${BATCH}`,
            after ? [today, after.due_on, after.id] : [today],
          ),
      input: (row) => ({ actionItemId: row.id }),
    },
    round,
  );
  return announced.map((row) => row.id);
}

/** The overdue round, every `overdueCheckIntervalMs` (0: off), one process of a deployment at a time. */
export const overdueActionItemsTask: ScheduledTask<CouncilOptions> = {
  id: 'overdue-action-items',
  intervalMs: (options) => options.overdueCheckIntervalMs,
  async run(ctx, round) {
    const announced = await announceOverdueActionItems(ctx, round);
    if (announced.length) ctx.logger.info({ announced: announced.length }, 'announced overdue council action items');
  },
};
