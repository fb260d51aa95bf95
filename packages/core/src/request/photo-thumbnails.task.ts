import type { ScheduledTask } from '../plugin/scheduled-task.js';
import type { RequestReminderOptions } from './request-due.task.js';
import { makeDueThumbnails } from './request-photo.commands.js';

/** How the work is named in the audit log: `system: core.photo-thumbnails`. */
export const PHOTO_THUMBNAILS_LABEL = 'core.photo-thumbnails';

/** Uploads a round's command takes at once (each decoded and scaled: tens of milliseconds on libvips' threads). */
const BATCH = 20;
/** Batches in a round, so a large backlog is worked off a hundred pictures a minute beside the serving. */
const BATCHES_PER_ROUND = 5;

/**
 * Every minute, one process at a time: pictures uploaded before thumbnails were made get theirs
 * ({@link makeDueThumbnails}; `core.photo-thumbnails` on /metrics). Once none is due a round is
 * one indexed read of an empty index.
 */
export const photoThumbnailsTask: ScheduledTask<RequestReminderOptions> = {
  id: 'photo-thumbnails',
  intervalMs: () => 60_000,
  async run(ctx, round) {
    let made = 0;
    for (let batch = 0; batch < BATCHES_PER_ROUND && !round.stopped; batch++) {
      const outcome = await ctx.runCommand(PHOTO_THUMBNAILS_LABEL, makeDueThumbnails, { size: BATCH });
      if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join(' '));
      made += outcome.value;
      if (outcome.value < BATCH) break;
    }
    if (made) ctx.logger.info({ pictures: made }, 'made the thumbnails of pictures uploaded before thumbnails were');
  },
};
