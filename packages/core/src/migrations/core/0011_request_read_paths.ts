import type { Migration } from '../migration.js';

/** Request statuses still being worked on: the rows a board pages through. */
export const OPEN_REQUEST_STATUSES_SQL = `('submitted', 'accepted', 'assigned', 'claimed', 'in_progress', 'escalated')`;

/** Depths of places (0 = district … 6 = household) whose boards page through an index of their own. */
export const BOARD_INDEX_DEPTHS = [0, 1, 2, 3, 4, 5, 6] as const;

/** Whether places at `depth` have a board index (see {@link BOARD_INDEX_DEPTHS}). */
export function isBoardIndexDepth(depth: number): boolean {
  return (BOARD_INDEX_DEPTHS as readonly number[]).includes(depth);
}

/**
 * The rows of `table` as count changes of `sign`, on `stripe` (an expression 0–15; here 16 stripes
 * by request id, by transaction since 0026).
 */
export const delta = (table: string, sign: 1 | -1, stripe = 'hashtext(id::text) & 15') =>
  `SELECT place_path, status, level, (${stripe})::smallint AS stripe, ${sign} AS n FROM ${table}`;

/**
 * The rows of `table` whose status, level or place differ from their row in `other` (an update's
 * new and old rows), as count changes of `sign`: updates that move nothing (an assignee, a
 * rating) cost no counter write.
 */
export const changed = (table: string, other: string, sign: 1 | -1, stripe = 'hashtext(t.id::text) & 15') =>
  `SELECT t.place_path, t.status, t.level, (${stripe})::smallint AS stripe, ${sign} AS n
     FROM ${table} t JOIN ${other} o ON o.id = t.id
    WHERE (t.status, t.level, t.place_path) IS DISTINCT FROM (o.status, o.level, o.place_path)`;

/** Adds count changes (rows of `changes`) to `request_count` at every place of each row's path. */
export const addCounts = (changes: string) => `
      INSERT INTO request_count AS c (place_id, status, level, stripe, n)
      SELECT a.place_id, d.status, d.level, d.stripe, sum(d.n)
        FROM (${changes}) d
       CROSS JOIN LATERAL unnest(string_to_array(btrim(d.place_path, '/'), '/')::uuid[]) AS a (place_id)
       GROUP BY 1, 2, 3, 4
      HAVING sum(d.n) <> 0
       ORDER BY 1, 2, 3, 4
      ON CONFLICT (place_id, status, level, stripe) DO UPDATE SET n = c.n + excluded.n`;

/**
 * Schema for the questions users ask most (issue 16):
 *
 * - **The board** ("open requests under place X, newest first, a page"): one partial index per
 *   place depth on the id of the request's ancestor at that depth (`split_part` of the
 *   materialized path: `/d/s/c/…/` has the depth-k ancestor at position k + 2), then creation
 *   time. A page under any place up to a household is then an index range read of the page's
 *   rows, whatever the size of the subtree or the district. Only open requests are indexed, so
 *   the indexes stay small as finished requests pile up. Statistics on the same expressions let
 *   the planner see how many requests a place holds, so it walks the index in order instead of
 *   sorting the subtree's rows.
 * - **The subtree report** (counts by status and level under X): `request_count` keeps, for
 *   every place and each of its ancestors, how many requests it holds per status and level,
 *   kept current by statement triggers in the same transaction as the change. The report reads
 *   at most (statuses × levels × stripes) rows, at any data size. Counts are split over 16
 *   stripes (by request id; by transaction since 0026) so concurrent writes under one district
 *   do not all wait on the same counter row.
 */
export const requestReadPaths: Migration = {
  name: '0011_request_read_paths',
  up: `
    ${BOARD_INDEX_DEPTHS.map(
      (d) =>
        `CREATE INDEX request_open_under_${d}_idx ON request (split_part(place_path, '/', ${d + 2}), created_at DESC, id DESC)
           WHERE status IN ${OPEN_REQUEST_STATUSES_SQL};
         CREATE STATISTICS request_under_${d}_stats ON (split_part(place_path, '/', ${d + 2})) FROM request;`,
    ).join('\n    ')}

    CREATE TABLE request_count (
      place_id uuid NOT NULL,
      status request_status NOT NULL,
      level request_level NOT NULL,
      stripe smallint NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (place_id, status, level, stripe)
    );

    -- Each trigger adds the change of its statement: +1 for each new row at every place of its
    -- path, -1 for each old row (an update counts only rows whose status, level or place changed).
    -- Counter rows are taken in key order, so concurrent writers wait but never deadlock.
    CREATE FUNCTION request_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(`${delta('request_count_new', 1)}`)};
      RETURN NULL;
    END $$;
    CREATE FUNCTION request_count_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(`${changed('request_count_new', 'request_count_old', 1)} UNION ALL ${changed('request_count_old', 'request_count_new', -1)}`)};
      RETURN NULL;
    END $$;
    CREATE FUNCTION request_count_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${addCounts(`${delta('request_count_old', -1)}`)};
      RETURN NULL;
    END $$;
    CREATE TRIGGER request_count_insert AFTER INSERT ON request REFERENCING NEW TABLE AS request_count_new
      FOR EACH STATEMENT EXECUTE FUNCTION request_count_on_insert();
    CREATE TRIGGER request_count_update AFTER UPDATE ON request REFERENCING OLD TABLE AS request_count_old NEW TABLE AS request_count_new
      FOR EACH STATEMENT EXECUTE FUNCTION request_count_on_update();
    CREATE TRIGGER request_count_delete AFTER DELETE ON request REFERENCING OLD TABLE AS request_count_old
      FOR EACH STATEMENT EXECUTE FUNCTION request_count_on_delete();

    ${addCounts(delta('request', 1))};
  `,
};
