import type { Migration } from '../migration.js';

/**
 * `request_count_fold(place)`: folds a place's kept request counts (0011) into stripe 0 and drops
 * the rows that count nothing; returns how many rows it removed. Writers spread their count
 * changes over 16 stripes by transaction (0026), so a busy place gains up to 16 rows per status
 * and level, and a report reads them all: at 10× the seed's subdistrict had 84 rows against 8 at
 * 1×. Folding from time to time (`RequestCountFolder`) keeps the report's read near one row per
 * status and level at any size; the counts read (sums over the stripes) do not change.
 *
 * The place's rows are locked in the writers' key order (`addCounts`), and a fold waits at most
 * 50 ms for a lock: where a writer holds what it needs, the fold gives way (lock_not_available)
 * and is tried again later, so a writer never waits behind a fold for longer than that.
 */
export const requestCountFold: Migration = {
  name: '0029_request_count_fold',
  up: `
    CREATE FUNCTION request_count_fold(p uuid) RETURNS integer LANGUAGE plpgsql SET lock_timeout = '50ms' AS $$
    DECLARE
      before integer;
      after integer;
    BEGIN
      SELECT count(*) INTO before
        FROM (SELECT 1 FROM request_count WHERE place_id = p ORDER BY status, level, stripe FOR UPDATE) locked;
      WITH moved AS (
        DELETE FROM request_count WHERE place_id = p AND stripe <> 0 RETURNING status, level, n
      )
      INSERT INTO request_count AS c (place_id, status, level, stripe, n)
      SELECT p, status, level, 0, sum(n) FROM moved GROUP BY status, level HAVING sum(n) <> 0 ORDER BY status, level
      ON CONFLICT (place_id, status, level, stripe) DO UPDATE SET n = c.n + excluded.n;
      DELETE FROM request_count WHERE place_id = p AND n = 0;
      SELECT count(*) INTO after FROM request_count WHERE place_id = p;
      RETURN before - after;
    END $$;
  `,
};
