import type { Migration } from '../migration.js';

/**
 * The audit and sensitive-access logs are kept for a period, not for ever (`LogPruner`): an
 * entry older than the floor may be deleted, nothing else may be changed or deleted. The floor is
 * the six months China's Cybersecurity Law (art. 21) asks network logs to be kept; a process's
 * retention setting can only be longer. One function guards both logs.
 */
export const logRetention: Migration = {
  name: '0031_log_retention',
  up: `
    CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.at < now() - interval '180 days' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only: an entry may be deleted only once it is older than 180 days (this one is from %)', TG_TABLE_NAME, OLD.at
          USING ERRCODE = 'restrict_violation';
      END IF;
      RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
    END $$;

    DROP TRIGGER audit_log_append_only ON audit_log;
    DROP TRIGGER audit_log_no_truncate ON audit_log;
    DROP FUNCTION audit_log_append_only();
    DROP TRIGGER sensitive_access_log_append_only ON sensitive_access_log;
    DROP FUNCTION sensitive_access_log_append_only();
${['audit_log', 'sensitive_access_log']
  .map(
    (log) => `
    CREATE TRIGGER ${log}_append_only BEFORE UPDATE OR DELETE ON ${log} FOR EACH ROW EXECUTE FUNCTION log_append_only();
    CREATE TRIGGER ${log}_no_truncate BEFORE TRUNCATE ON ${log} FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();`,
  )
  .join('\n')}
  `,
};
