import { defineBoardItems, refId } from '@gongzhi/core';
import type { VolunteerTaskEventPayload } from '../events.js';
import { VolunteerTask, VolunteerTaskStatus } from './task.entity.js';

/** Statuses with nothing left to do. */
const FINISHED: readonly VolunteerTaskStatus[] = [VolunteerTaskStatus.DONE, VolunteerTaskStatus.CANCELLED];
/** Finished tasks stay on a board this long (as finished requests do), so its "done" column is not always empty. */
const RECENTLY_FINISHED_MS = 3 * 24 * 3600_000;

const ref = (p: VolunteerTaskEventPayload) => ({ id: p.taskId, placePath: p.placePath });

/**
 * Volunteer tasks on live task boards (item type `VolunteerTask`), changed by every
 * `volunteer.task-*` event. A card's `status` is the task's own status (`open`, `claimed`,
 * `done`, `cancelled`), its assignee the volunteer who claimed it, its `kind` the task kind.
 * Tasks have no due time, so they are never overdue.
 */
export const volunteerTaskBoardItems = defineBoardItems<VolunteerTask>({
  type: 'VolunteerTask',
  events: {
    'volunteer.task-created': ref,
    'volunteer.task-claimed': ref,
    'volunteer.task-released': ref,
    'volunteer.task-done': ref,
    'volunteer.task-cancelled': ref,
  },
  load: (em, ids) => em.find(VolunteerTask, { uuid: { $in: [...ids] } }),
  list: (em, q) =>
    em.find(
      VolunteerTask,
      {
        placePath: { $like: `${q.placePath}%` },
        $or: [{ status: { $nin: [...FINISHED] } }, { updatedAt: { $gte: new Date(q.now.getTime() - RECENTLY_FINISHED_MS) } }],
      },
      { orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }], limit: q.limit },
    ),
  card: (t) => ({
    id: t.uuid,
    placePath: t.placePath,
    title: t.title,
    status: t.status,
    open: !FINISHED.includes(t.status),
    dueAt: null,
    kind: t.kind,
    assigneeId: refId(t.claimedBy),
  }),
});
