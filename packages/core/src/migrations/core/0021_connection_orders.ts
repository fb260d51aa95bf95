import type { Migration } from '../migration.js';

/**
 * Indexes for the keyset orders of lists that became connections (issue #19): each one's
 * parent (or owner) and its order, ending with the id, so a page is one index range whatever
 * its depth. Each replaces an index on a prefix of it.
 *
 * The times these orders start with hold milliseconds, as cursors do (a JavaScript date): a
 * time written by the database (now(), clock_timestamp()) had microseconds, so a cursor, one
 * millisecond coarser than its row, paged from the wrong place (rows repeated or skipped).
 */
export const connectionOrders: Migration = {
  name: '0021_connection_orders',
  up: `
    DROP INDEX person_role_person_id_index;
    CREATE INDEX person_role_person_order_idx ON person_role (person_id, starts_on, id);
    DROP INDEX request_requester_id_index;
    CREATE INDEX request_requester_order_idx ON request (requester_id, created_at DESC, id DESC);
    DROP INDEX webhook_owner_idx;
    CREATE INDEX webhook_owner_order_idx ON webhook (owner_id, created_at DESC, id DESC);
    DROP INDEX webhook_delivery_log_idx;
    CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (webhook_id, created_at DESC, id DESC);
    CREATE INDEX api_key_created_idx ON api_key (created_at DESC, id DESC);
    ALTER TABLE request_timeline ALTER COLUMN at TYPE timestamptz(3);
    ALTER TABLE webhook ALTER COLUMN created_at TYPE timestamptz(3);
    ALTER TABLE webhook_delivery ALTER COLUMN created_at TYPE timestamptz(3);
    ALTER TABLE api_key ALTER COLUMN created_at TYPE timestamptz(3);
    ALTER TABLE event_outbox ALTER COLUMN next_attempt_at TYPE timestamptz(3);
  `,
};
