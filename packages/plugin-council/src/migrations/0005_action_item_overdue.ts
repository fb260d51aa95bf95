import type { Migration } from '@gongzhi/core';

/**
 * When an unfinished action item was found past its due day and announced
 * (`council.action-item-overdue`, once per item), and the index the overdue round reads: the
 * open items not announced yet, by due day.
 */
export const actionItemOverdue: Migration = {
  name: '0005_action_item_overdue',
  up: `
    ALTER TABLE council.action_item ADD COLUMN overdue_at timestamptz;
    CREATE INDEX action_item_unannounced_due_idx ON council.action_item (due_on, id) WHERE status <> 'done' AND overdue_at IS NULL;
  `,
};
