import type { Migration } from '../migration.js';

export const access: Migration = {
  name: '0006_access',
  up: `
    CREATE TABLE api_key (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      prefix text NOT NULL UNIQUE,
      secret_hash text NOT NULL,
      place_ids uuid[] NOT NULL DEFAULT '{}',
      permissions text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );

    CREATE TABLE sensitive_access_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      reader_kind text NOT NULL CHECK (reader_kind IN ('person', 'api-key')),
      reader_id uuid NOT NULL,
      reader_name text NOT NULL,
      subject_id uuid NOT NULL,
      fields text[] NOT NULL
    );
    CREATE INDEX sensitive_access_log_subject_idx ON sensitive_access_log (subject_id, seq DESC);
    CREATE INDEX sensitive_access_log_reader_idx ON sensitive_access_log (reader_id, seq DESC);

    -- Names the reader as they are at the moment of the read, so the log stays readable
    -- after a key is renamed or a person leaves.
    CREATE FUNCTION reader_name(kind text, reader uuid) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT coalesce(CASE WHEN kind = 'person' THEN (SELECT name FROM person WHERE id = reader)
                           ELSE (SELECT name || ' (' || prefix || ')' FROM api_key WHERE id = reader) END, '?')
    $$;

    -- The access log is evidence: it only grows.
    CREATE FUNCTION sensitive_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'sensitive_access_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER sensitive_access_log_append_only BEFORE UPDATE OR DELETE ON sensitive_access_log
      FOR EACH ROW EXECUTE FUNCTION sensitive_access_log_append_only();
  `,
};
