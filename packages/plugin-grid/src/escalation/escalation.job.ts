import { type Logger, type PluginRuntimeContext, readContext } from '@gongzhi/core';
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

/** A running escalation job: a timer, and the run in flight so shutdown can wait for it. */
export class EscalationJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly run: () => Promise<string[]>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous run is still going: skip this tick
      this.running = this.run()
        .then((ids) => {
          if (ids.length) this.logger.info({ escalated: ids.length }, 'escalated overdue requests');
        })
        .catch((err) => this.logger.error({ err }, 'automatic escalation run failed'))
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
