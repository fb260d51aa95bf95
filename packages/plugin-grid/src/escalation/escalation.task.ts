import { type PluginRuntimeContext, readContext, type ScheduledTask } from '@gongzhi/core';
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
export async function escalateOverdue(runtime: PluginRuntimeContext<GridOptions>): Promise<string[]> {
  const candidates = await findOverdue(readContext(runtime.em()), runtime.options, runtime.now());
  const escalated: string[] = [];
  for (const candidate of candidates) {
    try {
      const outcome = await runtime.runCommand(ESCALATION_JOB, escalateOverdueRequest, { requestId: candidate.id, level: candidate.level });
      if (outcome.ok && outcome.value) escalated.push(candidate.id);
      else if (!outcome.ok)
        runtime.logger.error({ requestId: candidate.id, errors: outcome.errors }, 'automatic escalation of a request was refused');
    } catch (err) {
      runtime.logger.error({ err, requestId: candidate.id }, 'automatic escalation of a request failed');
    }
  }
  return escalated;
}

/**
 * The automatic escalation, every `escalationIntervalMs` (0: off) in every serving process: safe
 * when several run it at once, since each escalation is conditional on the level it read.
 */
export const escalationTask: ScheduledTask<GridOptions> = {
  id: 'escalation',
  intervalMs: (options) => options.escalationIntervalMs,
  async run(ctx) {
    const ids = await escalateOverdue(ctx);
    if (ids.length) ctx.logger.info({ escalated: ids.length }, 'escalated overdue requests');
  },
};
