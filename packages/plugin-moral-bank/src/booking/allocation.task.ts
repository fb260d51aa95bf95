import { type PluginRuntimeContext, runEachAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import { t } from '../db.js';
import type { MoralBankOptions } from '../options.js';
import { allocateDuePriorityRequests, DUE_DAY_SQL } from './booking.commands.js';

/** How the round's writes are named in the audit log and the ledger: `system: moral-bank.priority-allocation`. */
export const ALLOCATION_LABEL = 'moral-bank.priority-allocation';

/**
 * Serves, venue by venue (each in a unit of work of its own, run as the system), the priority
 * requests for the days that begin within `priorityAllocationHours` ({@link allocateDuePriorityRequests}):
 * a venue's lock makes two processes' rounds serve each request once. Answers the bookings served.
 */
export async function allocateDueRequests(runtime: PluginRuntimeContext<MoralBankOptions>, round?: ScheduledRound): Promise<string[]> {
  const hoursAhead = runtime.options.priorityAllocationHours;
  if (hoursAhead <= 0) return [];
  const venues = await runtime
    .em()
    .getConnection()
    .execute<{ venue_id: string }[]>(
      `SELECT DISTINCT b.venue_id FROM ${t('booking')} b JOIN ${t('venue_policy')} v ON v.venue_id = b.venue_id
        WHERE b.status = 'requested'
          AND ${DUE_DAY_SQL}
        ORDER BY b.venue_id`,
      [runtime.now(), hoursAhead],
    );
  const runs = await runEachAsSystem(
    runtime,
    ALLOCATION_LABEL,
    allocateDuePriorityRequests,
    venues.map((v) => ({ venueId: v.venue_id, hoursAhead })),
    round,
  );
  return runs.flatMap((r) => r.value.map((booking) => booking.uuid));
}

/** The automatic allocation round, every `priorityAllocationIntervalMs`; off when either option is 0. */
export const priorityAllocationTask: ScheduledTask<MoralBankOptions> = {
  id: 'priority-allocation',
  intervalMs: (options) => (options.priorityAllocationHours > 0 ? options.priorityAllocationIntervalMs : 0),
  async run(ctx, round) {
    const served = await allocateDueRequests(ctx, round);
    if (served.length) ctx.logger.info({ served: served.length }, 'served priority requests');
  },
};
