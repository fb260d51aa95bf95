import { type PluginRuntimeContext, readContext, runEachAsSystem, type ScheduledRound, type ScheduledTask } from '@gongzhi/core';
import type { GridOptions } from '../options.js';
import { escalateOverdueRequest } from './escalation.commands.js';
import { findOverdue } from './escalation.queries.js';

/** How the job's escalations are named in request timelines: `system: grid.escalation`. */
export const ESCALATION_JOB = 'grid.escalation';

/**
 * Escalates every request overdue at its level, once, each in a unit of work of its own run
 * as the system (`system: grid.escalation` on the timeline), through core's escalation (its
 * timeline entry and `request.escalated`). Safe when several processes run it at once (see
 * {@link escalateOverdueRequest}). Praise and wishes never escalate. Returns the uuids of the
 * requests escalated.
 */
export async function escalateOverdue(runtime: PluginRuntimeContext<GridOptions>, round?: ScheduledRound): Promise<string[]> {
  const candidates = await findOverdue(readContext(runtime.em()), runtime.options, runtime.now());
  const inputs = candidates.map((c) => ({ requestId: c.id, level: c.level }));
  const runs = await runEachAsSystem(runtime, ESCALATION_JOB, escalateOverdueRequest, inputs, round);
  return runs.flatMap((r) => (r.value ? [r.input.requestId] : []));
}

/**
 * The automatic escalation, every `escalationIntervalMs` (0: off), one process of a deployment at a time: safe
 * when several run it at once, since each escalation is conditional on the level it read.
 */
export const escalationTask: ScheduledTask<GridOptions> = {
  id: 'escalation',
  intervalMs: (options) => options.escalationIntervalMs,
  async run(ctx, round) {
    const ids = await escalateOverdue(ctx, round);
    if (ids.length) ctx.logger.info({ escalated: ids.length }, 'escalated overdue requests');
  },
};
