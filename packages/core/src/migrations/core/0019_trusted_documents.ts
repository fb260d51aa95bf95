import type { Migration } from '../migration.js';

/**
 * Trusted documents: the GraphQL documents an operator registered from an app's manifest, by the
 * sha256 of their text, shared by every gateway on the database. A revoked document stays (with
 * `revoked_at`) so the list says when and what; registering it again brings it back. Revoking or
 * deleting one is announced like a revoked API key (`{"revoked":"trusted-document:<sha256>"}` on
 * the board channel, on commit), so every process drops it from its cache at once.
 */
export const trustedDocuments: Migration = {
  name: '0019_trusted_documents',
  up: `
    CREATE TABLE trusted_document (
      sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      body text NOT NULL,
      app text NOT NULL CHECK (length(app) BETWEEN 1 AND 200),
      operation_names text[] NOT NULL DEFAULT '{}',
      registered_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX trusted_document_app_idx ON trusted_document (app, registered_at);
    CREATE FUNCTION trusted_document_revocation_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', json_build_object('revoked', 'trusted-document:' || OLD.sha256)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER trusted_document_revoked AFTER UPDATE OF revoked_at, body ON trusted_document
      FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL OR OLD.body IS DISTINCT FROM NEW.body)
      EXECUTE FUNCTION trusted_document_revocation_notice();
    CREATE TRIGGER trusted_document_deleted AFTER DELETE ON trusted_document
      FOR EACH ROW EXECUTE FUNCTION trusted_document_revocation_notice();
  `,
};
