import { defineBoardItems, refId } from '@gongzhi/core';
import { ActionItemStatus, CouncilActionItem } from './decision.entity.js';
import { endOfDueDay } from './due-day.js';

/** Finished action items stay on a board this long (as finished requests do), so its "done" column is not always empty. */
const RECENTLY_DONE_MS = 3 * 24 * 3600_000;

/**
 * Council action items (分工) on live task boards (item type `CouncilActionItem`), at their
 * council's community. `council.decision-made` puts all items of a new decision on the boards
 * (one change each), `council.action-item-updated` moves one, `council.action-item-overdue` (the
 * overdue round's announcement) shows one overdue. A card's `status` is the item's
 * own status (`todo`, `in_progress`, `done`), due at the end of `dueOn`; its assignee is the
 * owning person (an organisation's item has none).
 */
export const councilActionItemBoardItems = defineBoardItems<CouncilActionItem>({
  type: 'CouncilActionItem',
  events: {
    'council.decision-made': (p) => p.actionItemIds.map((id) => ({ id, placePath: p.placePath })),
    'council.action-item-updated': (p) => ({ id: p.actionItemId, placePath: p.placePath }),
    // A card turns overdue at midnight by the clock alone; the announcement tells live boards.
    'council.action-item-overdue': (p) => ({ id: p.actionItemId, placePath: p.placePath }),
  },
  load: (em, ids) => em.find(CouncilActionItem, { uuid: { $in: [...ids] } }),
  list: (em, q) =>
    em.find(
      CouncilActionItem,
      {
        placePath: { $like: `${q.placePath}%` },
        $or: [{ status: { $ne: ActionItemStatus.DONE } }, { updatedAt: { $gte: new Date(q.now.getTime() - RECENTLY_DONE_MS) } }],
      },
      { orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }], limit: q.limit },
    ),
  card: (item, { services }) => ({
    id: item.uuid,
    placePath: item.placePath,
    title: item.title,
    status: item.status,
    open: item.status !== ActionItemStatus.DONE,
    dueAt: endOfDueDay(item.dueOn, services),
    assigneeId: refId(item.ownerPerson),
  }),
});
