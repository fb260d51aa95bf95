import type { Migration } from '../migration.js';

/**
 * Board entries are numbered at commit, inside PostgreSQL (docs/decisions/0003-board-numbered-at-commit.md).
 * The emitting transaction inserts one `board_event_pending` row holding its entries (and the
 * NOTIFY channel, if any); a deferred constraint trigger on that row runs as the transaction
 * commits: it takes the `board_sequence` row lock, numbers the entries into `board_event`, queues
 * the notice and deletes the pending row. So the lock lives only for the commit itself, never
 * for a round trip to the client, and every guarantee of decision 0001 holds as before.
 *
 * The pending table is UNLOGGED: no committed transaction ever leaves a row in it, so there is
 * nothing to write ahead or to lose in a crash.
 */
export const boardNumberedAtCommit: Migration = {
  name: '0023_board_numbered_at_commit',
  up: `
    CREATE UNLOGGED TABLE board_event_pending (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- [{item_type, item_id, place_path, event, actor_id, occurred_at}, …], in the order to number them
      entries jsonb NOT NULL,
      notify_channel text
    );

    CREATE FUNCTION board_number_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      entry_count int := jsonb_array_length(NEW.entries);
      last_seq_now bigint;
    BEGIN
      DELETE FROM board_event_pending WHERE id = NEW.id;
      -- Held to the end of this commit: numbers follow commit order and stay gapless.
      UPDATE board_sequence SET last_seq = last_seq + entry_count RETURNING last_seq INTO last_seq_now;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'board_sequence has no row: the board log is not migrated';
      END IF;
      INSERT INTO board_event (seq, item_type, item_id, place_path, event, actor_id, occurred_at)
      SELECT last_seq_now - entry_count + e.n, e.item_type, e.item_id, e.place_path, e.event, e.actor_id, e.occurred_at
        FROM ROWS FROM (jsonb_to_recordset(NEW.entries) AS (item_type text, item_id text, place_path text, event text, actor_id text, occurred_at timestamptz))
             WITH ORDINALITY AS e(item_type, item_id, place_path, event, actor_id, occurred_at, n);
      IF NEW.notify_channel IS NOT NULL THEN
        PERFORM pg_notify(NEW.notify_channel, '{"s":' || last_seq_now || '}');
      END IF;
      RETURN NULL;
    END $$;

    CREATE CONSTRAINT TRIGGER board_number_at_commit AFTER INSERT ON board_event_pending
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_number_at_commit();
  `,
};
