import type { Migration } from '@gongzhi/core';

/**
 * A seat whose holder's personal data was erased is vacated, not deleted, when it carries the
 * council's record (ballots, attendance): it stays with them, and no longer counts towards the
 * eligible weight of a vote.
 */
export const memberVacated: Migration = {
  name: '0004_member_vacated',
  up: `ALTER TABLE council.member ADD COLUMN vacated_at timestamptz`,
};
