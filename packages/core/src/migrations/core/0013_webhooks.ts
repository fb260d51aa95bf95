import type { Migration } from '../migration.js';

/**
 * Outbound webhooks (docs/webhooks.md): the subscriptions, one delivery per (webhook, event)
 * written by the outbox fan-out, and the log of every attempt. A delivery's id is the
 * `webhook-id` the receiver sees, the same on every retry and replay.
 */
export const webhooks: Migration = {
  name: '0013_webhooks',
  up: `
    CREATE TABLE webhook (
      id uuid PRIMARY KEY,
      owner_kind text NOT NULL CHECK (owner_kind IN ('person', 'api-key')),
      owner_id uuid NOT NULL,
      url text NOT NULL,
      event_types text[] NOT NULL,
      place_ids uuid[] NOT NULL DEFAULT '{}',
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      disabled_reason text,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_owner_idx ON webhook (owner_id, created_at);
    CREATE INDEX webhook_active_events_idx ON webhook USING gin (event_types) WHERE status = 'active';

    CREATE TABLE webhook_delivery (
      id uuid PRIMARY KEY,
      webhook_id uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
      -- The outbox row that carried the event: the fan-out writes one delivery per webhook and event, once.
      source_id bigint NOT NULL,
      event text NOT NULL,
      payload jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      last_status_code integer,
      -- When the current series of attempts began (creation, or a replay): retries stop a window after it.
      retry_since timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT webhook_delivery_source_unique UNIQUE (webhook_id, source_id)
    );
    CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (webhook_id, created_at DESC);

    CREATE TABLE webhook_attempt (
      id bigserial PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      attempted_at timestamptz NOT NULL,
      status_code integer,
      duration_ms integer NOT NULL,
      error text
    );
    CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, attempt);
  `,
};
