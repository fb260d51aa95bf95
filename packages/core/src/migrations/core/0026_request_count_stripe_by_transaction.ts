import type { Migration } from '../migration.js';
import { addCounts, changed, delta } from './0011_request_read_paths.js';

/** A transaction's stripe: its id modulo 16, so transactions that run at the same time differ. */
const BY_TRANSACTION = 'pg_current_xact_id()::text::bigint & 15';

/**
 * The kept request counts (0011) are split over 16 stripes so that concurrent writers under one
 * district do not all wait on one counter row. The stripe was the request's (its id hashed), so
 * two transactions changing different requests still met on a counter row one time in sixteen per
 * place, and the second waited for the first's COMMIT; a command holds its counter rows from its
 * conditional update to its COMMIT, a round trip and the command's own work later. Under the
 * bench's 50 writers that wait made the trigger's statement cost ~1 ms per transition, against
 * ~0.15 ms in the one-statement baseline.
 *
 * Now the stripe is the writing transaction's: its id modulo 16. Ids are handed out in the order
 * transactions first write, so those running at once hold consecutive ids and distinct stripes
 * (sixteen of them: more than a process's pool of connections). A request's +1 and its later −1
 * may then land on different stripes, so a stripe's count can be negative; the counts read (the
 * sum over the stripes of a place) are the same. Rows already there keep their values.
 */
export const requestCountStripeByTransaction: Migration = {
  name: '0026_request_count_stripe_by_transaction',
  up: `
    CREATE OR REPLACE FUNCTION request_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(delta('request_count_new', 1, BY_TRANSACTION))};
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION request_count_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(
        `${changed('request_count_new', 'request_count_old', 1, BY_TRANSACTION)} UNION ALL ${changed('request_count_old', 'request_count_new', -1, BY_TRANSACTION)}`,
      )};
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION request_count_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(delta('request_count_old', -1, BY_TRANSACTION))};
      RETURN NULL;
    END $$;
  `,
};
