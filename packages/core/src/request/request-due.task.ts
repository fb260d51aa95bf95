import type { PluginRuntimeContext } from '../plugin/plugin.js';
import { runBatchesAsSystem, type ScheduledRound, type ScheduledTask } from '../plugin/scheduled-task.js';
import { OPEN_STATUSES } from './request.entity.js';
import { remindDueRequest } from './request-due.commands.js';

/** How the reminders are named in the audit log: `system: core.due-reminders`. */
export const DUE_REMINDERS_LABEL = 'core.due-reminders';

/** Core's scheduled work on requests: how long before a deadline it reminds, and how often it looks. */
export interface RequestReminderOptions {
  /** Hours before a request's deadline that `request.due-soon` announces it (default 24); 0 turns the reminders off. */
  dueSoonHours: number;
  /** Milliseconds between the rounds (default ten minutes). */
  intervalMs: number;
}

/** The widest reminder window: a month. */
export const MAX_DUE_SOON_HOURS = 720;

export const DEFAULT_REQUEST_REMINDERS: RequestReminderOptions = { dueSoonHours: 24, intervalMs: 10 * 60_000 };

/** Requests read per statement, soonest due first; a round reads on until it has seen them all. */
const BATCH = 500;

/**
 * Reminds of every open request whose deadline comes within `dueSoonHours` and that was not
 * reminded of it yet, each in a unit of work of its own run as the system
 * ({@link remindDueRequest}): safe when several processes run it at once. A request already past
 * its deadline is not reminded (the grid plugin escalates it). Returns the ids it reminded of.
 */
export async function remindDueRequests(runtime: PluginRuntimeContext<RequestReminderOptions>, round?: ScheduledRound): Promise<string[]> {
  const within = runtime.options.dueSoonHours * 3_600_000;
  if (within <= 0) return [];
  const now = runtime.now();
  const until = new Date(now.getTime() + within);
  const reminded = await runBatchesAsSystem(
    runtime,
    DUE_REMINDERS_LABEL,
    remindDueRequest,
    {
      size: BATCH,
      read: (after: { due_at: Date; id: string } | null) =>
        runtime
          .em()
          .getConnection()
          .execute<{ due_at: Date; id: string }[]>(
            `SELECT id, due_at FROM request
              WHERE due_at IS NOT NULL AND due_reminded_at IS NULL AND status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})
                AND due_at > ? AND due_at <= ?${after ? ' AND (due_at, id) > (?::timestamptz, ?::uuid)' : ''}
              ORDER BY due_at, id LIMIT ${BATCH}`,
            after ? [now, until, after.due_at, after.id] : [now, until],
          ),
      input: (row) => ({ requestId: row.id, within }),
    },
    round,
  );
  return reminded.map((row) => row.id);
}

/** The reminder round, every `intervalMs`, one process of a deployment at a time (`core.due-reminders` on /metrics). */
export const dueRemindersTask: ScheduledTask<RequestReminderOptions> = {
  id: 'due-reminders',
  intervalMs: (options) => (options.dueSoonHours > 0 ? options.intervalMs : 0),
  async run(ctx, round) {
    const reminded = await remindDueRequests(ctx, round);
    if (reminded.length) ctx.logger.info({ reminded: reminded.length }, 'reminded of requests due soon');
  },
};
