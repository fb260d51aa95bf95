import type { Migration } from '../migration.js';

/**
 * The event outbox: one row per committed event and after-commit handler that must see it,
 * written in the emitting transaction and deleted in the transaction that delivers it (see
 * docs/decisions/0002-event-outbox.md). A row that is still here is a delivery not made yet:
 * waiting for its first attempt, or failed and due again at `next_attempt_at`.
 */
export const eventOutbox: Migration = {
  name: '0009_event_outbox',
  up: `
    CREATE TABLE event_outbox (
      id bigserial PRIMARY KEY,
      event text NOT NULL,
      payload jsonb NOT NULL,
      actor_id text,
      occurred_at timestamptz NOT NULL,
      handler text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX event_outbox_due_idx ON event_outbox (next_attempt_at, id);
  `,
};
