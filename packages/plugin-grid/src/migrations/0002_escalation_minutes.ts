import type { Migration } from '@gongzhi/core';

/**
 * Escalation limits to the minute: `escalation_limit.minutes` (1 – 525600, a year) replaces
 * `hours`, filled from it (hours × 60). The hour column is dropped rather than kept in step: the
 * API's deprecated `hours` is computed from minutes (rounded up), so nothing reads it.
 */
export const escalationMinutes: Migration = {
  name: '0002_escalation_minutes',
  up: `
    ALTER TABLE grid.escalation_limit ADD COLUMN minutes integer;
    UPDATE grid.escalation_limit SET minutes = hours * 60;
    ALTER TABLE grid.escalation_limit
      ALTER COLUMN minutes SET NOT NULL,
      ADD CONSTRAINT escalation_limit_minutes_range CHECK (minutes > 0 AND minutes <= 525600),
      DROP COLUMN hours;
  `,
};
