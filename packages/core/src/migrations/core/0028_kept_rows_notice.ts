import type { Migration } from '../migration.js';

/**
 * `kept_rows_notice()`: a statement trigger's function announcing, on the board channel and on
 * commit, that rows of its table changed (`{"kept":"<schema>.<table>"}`): processes that keep the
 * table's rows in memory (`keepRowsInProcess`) drop them. Attached here to `place`, whose rows
 * every board and person card shows; plugins attach it to tables of their own. Board readers,
 * revocation feeds and webhook interest ignore the notice.
 */
export const keptRowsNotice: Migration = {
  name: '0028_kept_rows_notice',
  up: `
    CREATE FUNCTION kept_rows_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', json_build_object('kept', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER place_kept_rows_changed AFTER UPDATE OR DELETE OR TRUNCATE ON place
      FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_notice();
  `,
};
