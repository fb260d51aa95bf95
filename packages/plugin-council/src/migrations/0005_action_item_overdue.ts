import type { Migration } from '@gongzhi/core';

/** Marks the items overdue at the upgrade as found, without an event (exported for its test). */
export const markOverdueAtUpgrade = `
    UPDATE council.action_item SET overdue_at = now()
     WHERE status <> 'done' AND overdue_at IS NULL AND due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date`;

/**
 * When an unfinished action item was found past its due day and announced
 * (`council.action-item-overdue`, once per item), and the index the overdue round reads: the
 * open items not announced yet, by due day. Items already overdue when the plugin is upgraded are
 * marked found now, without an event: the first round would otherwise remind every owner of
 * every item late since the council began, at once.
 */
export const actionItemOverdue: Migration = {
  name: '0005_action_item_overdue',
  up: `
    ALTER TABLE council.action_item ADD COLUMN overdue_at timestamptz;
    ${markOverdueAtUpgrade};
    CREATE INDEX action_item_unannounced_due_idx ON council.action_item (due_on, id) WHERE status <> 'done' AND overdue_at IS NULL;
  `,
};
