import type { Migration } from '../migration.js';

/**
 * The board log: one row per committed board-item event, numbered by a gapless sequence that
 * follows commit order (see docs/decisions/0001-board-sequence.md). `board_sequence` is a
 * single row: the last number handed out (its row lock orders committing transactions) and
 * the last number pruned (a resume from before it must refetch).
 */
export const boardLog: Migration = {
  name: '0007_board_log',
  up: `
    CREATE TABLE board_sequence (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      last_seq bigint NOT NULL DEFAULT 0,
      pruned_through bigint NOT NULL DEFAULT 0
    );
    INSERT INTO board_sequence DEFAULT VALUES;

    CREATE TABLE board_event (
      seq bigint PRIMARY KEY,
      item_type text NOT NULL,
      item_id text NOT NULL,
      place_path text NOT NULL,
      event text NOT NULL,
      actor_id text,
      occurred_at timestamptz NOT NULL
    );
    CREATE INDEX board_event_occurred_at_idx ON board_event (occurred_at);
  `,
};
