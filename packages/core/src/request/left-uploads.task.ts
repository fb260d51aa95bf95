import type { ScheduledTask } from '../plugin/scheduled-task.js';
import type { RequestReminderOptions } from './request-due.task.js';
import { dropLeftUploads } from './request-photo.commands.js';

/** How the clean-up is named in the audit log: `system: core.left-uploads`. */
export const LEFT_UPLOADS_LABEL = 'core.left-uploads';

/** Every hour, one process at a time: the uploads nobody attached within a day go (`core.left-uploads` on /metrics). */
export const leftUploadsTask: ScheduledTask<RequestReminderOptions> = {
  id: 'left-uploads',
  intervalMs: () => 3_600_000,
  async run(ctx) {
    const outcome = await ctx.runCommand(LEFT_UPLOADS_LABEL, dropLeftUploads, {});
    if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join(' '));
    if (outcome.value) ctx.logger.info({ deleted: outcome.value }, 'deleted uploads attached to nothing for a day');
  },
};
