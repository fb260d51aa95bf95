import type { Migration } from '../migration.js';

/**
 * The audit log (who changed what, when, through which command) and the dispatch of a request
 * to a partner organisation (下单). The log only grows: a trigger refuses updates and deletes.
 */
export const auditLogAndDispatch: Migration = {
  name: '0014_audit_log_and_dispatch',
  up: `
    CREATE TABLE audit_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('person', 'api-key', 'system', 'anonymous')),
      -- The person, or the API key, that acted; null for the system and anonymous callers.
      actor_id uuid,
      -- The actor's name at the time (a person's name, a key's name and prefix, system: <job>).
      actor_name text NOT NULL,
      api_key_id uuid,
      action text NOT NULL,
      -- The command inside it that made the change (request.assign inside grid.routeRequest), if another.
      via text,
      entity_type text NOT NULL,
      entity_id text,
      operation text NOT NULL CHECK (operation IN ('create', 'update', 'delete', 'write')),
      changes jsonb NOT NULL,
      place_paths text[] NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, seq DESC);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq DESC);
    CREATE INDEX audit_log_place_paths_idx ON audit_log USING gin (place_paths);

    -- The audit log is evidence: it only grows.
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

    ALTER TABLE request ADD COLUMN dispatched_to_id uuid REFERENCES organization (id) ON DELETE SET NULL;
    CREATE INDEX request_dispatched_to_idx ON request (dispatched_to_id) WHERE dispatched_to_id IS NOT NULL;
  `,
};
