import type { Migration } from '../migration.js';

/**
 * Every change of which webhooks are active and what they subscribe to (a webhook created,
 * deleted, enabled, disabled, its event types changed, by the API, the dispatcher or plain SQL)
 * is announced on the board channel as `{"webhooks":"changed"}`, delivered on commit: processes
 * that keep the set of subscribed event names (so that an emitting transaction need not ask)
 * drop it at once. Board readers and revocation feeds ignore the notice.
 */
export const webhookChangeNotice: Migration = {
  name: '0022_webhook_change_notice',
  up: `
    CREATE FUNCTION webhook_change_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', '{"webhooks":"changed"}');
      RETURN NULL;
    END $$;
    CREATE TRIGGER webhook_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF status, event_types ON webhook
      FOR EACH STATEMENT EXECUTE FUNCTION webhook_change_notice();
  `,
};
