import type { Migration } from '../migration.js';

/**
 * Every revocation of an API key (the `revokeApiKey` mutation, `gongzhi api-key revoke`, a
 * production start revoking development keys, or plain SQL) is announced on the board channel
 * as `{"revoked":"<uuid>"}`, delivered on commit: processes that cache credentials drop the key
 * at once. Board readers ignore notices without a sequence.
 */
export const apiKeyRevocationNotice: Migration = {
  name: '0016_api_key_revocation_notice',
  up: `
    CREATE FUNCTION api_key_revocation_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', json_build_object('revoked', OLD.id)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER api_key_revoked AFTER UPDATE OF revoked_at, secret_hash, permissions, place_ids ON api_key
      FOR EACH ROW WHEN (OLD.revoked_at IS NULL OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash
                         OR OLD.permissions IS DISTINCT FROM NEW.permissions OR OLD.place_ids IS DISTINCT FROM NEW.place_ids)
      EXECUTE FUNCTION api_key_revocation_notice();
    CREATE TRIGGER api_key_deleted AFTER DELETE ON api_key FOR EACH ROW EXECUTE FUNCTION api_key_revocation_notice();
  `,
};
