import type { Migration } from '../migration.js';

export const requests: Migration = {
  name: '0005_requests',
  up: `
    CREATE TYPE request_kind AS ENUM ('need', 'complaint', 'report', 'praise', 'wish');
    CREATE TYPE request_channel AS ENUM ('hotline_12345', 'phone', 'chat_group', 'household_visit', 'mobile_report', 'wish_wall');
    CREATE TYPE request_status AS ENUM ('submitted', 'accepted', 'assigned', 'claimed', 'in_progress', 'resolved', 'closed', 'rejected', 'escalated');
    CREATE TYPE request_level AS ENUM ('grid', 'community', 'subdistrict');
    CREATE TYPE request_priority AS ENUM ('low', 'normal', 'high', 'urgent');
    CREATE TABLE request (
      id uuid PRIMARY KEY,
      kind request_kind NOT NULL,
      channel request_channel NOT NULL,
      external_order_no text UNIQUE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL,
      category text,
      requester_id uuid REFERENCES person (id) ON DELETE SET NULL,
      callback_phone text,
      place_id uuid NOT NULL REFERENCES place (id) ON DELETE RESTRICT,
      place_path text NOT NULL,
      priority request_priority NOT NULL DEFAULT 'normal',
      level request_level NOT NULL DEFAULT 'grid',
      status request_status NOT NULL DEFAULT 'submitted',
      assignee_id uuid REFERENCES person (id) ON DELETE SET NULL,
      praised_person_id uuid REFERENCES person (id) ON DELETE SET NULL,
      due_at timestamptz,
      rating smallint CHECK (rating BETWEEN 1 AND 5),
      thanks text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (requester_id IS NOT NULL OR callback_phone IS NOT NULL OR channel = 'hotline_12345')
    );
    CREATE INDEX request_place_path_idx ON request (place_path text_pattern_ops);
    CREATE INDEX request_status_created_idx ON request (status, created_at DESC, id);
    CREATE INDEX request_created_idx ON request (created_at DESC, id DESC);
    CREATE INDEX request_assignee_id_index ON request (assignee_id);
    CREATE INDEX request_requester_id_index ON request (requester_id);

    CREATE TABLE request_timeline (
      id uuid PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES request (id) ON DELETE CASCADE,
      action text NOT NULL,
      from_status request_status,
      to_status request_status,
      actor_id uuid REFERENCES person (id) ON DELETE SET NULL,
      note text,
      at timestamptz NOT NULL
    );
    CREATE INDEX request_timeline_request_at_idx ON request_timeline (request_id, at, id);

    -- The timeline is a record of what happened: it only grows.
    CREATE FUNCTION request_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'request_timeline is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER request_timeline_append_only BEFORE UPDATE OR DELETE ON request_timeline
      FOR EACH ROW EXECUTE FUNCTION request_timeline_append_only();
  `,
};
