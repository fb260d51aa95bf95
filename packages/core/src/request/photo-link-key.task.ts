import type { ScheduledTask } from '../plugin/scheduled-task.js';
import type { RequestReminderOptions } from './request-due.task.js';
import { rotatePhotoLinkKey } from './request-photo.commands.js';

/** How the replacement is named in the audit log: `system: core.photo-link-key`. */
export const PHOTO_LINK_KEY_LABEL = 'core.photo-link-key';

/**
 * Every hour, one process at a time: the photo links' key is replaced once it is a day old
 * ({@link rotatePhotoLinkKey}; `core.photo-link-key` on /metrics).
 */
export const photoLinkKeyTask: ScheduledTask<RequestReminderOptions> = {
  id: 'photo-link-key',
  intervalMs: () => 3_600_000,
  async run(ctx) {
    const outcome = await ctx.runCommand(PHOTO_LINK_KEY_LABEL, rotatePhotoLinkKey, {});
    if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join(' '));
    if (outcome.value) ctx.logger.info('replaced the photo links’ key (the one before checks links for a day more)');
  },
};
