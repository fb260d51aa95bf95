import type { Migration } from '../migration.js';

/**
 * A person found by one character of their name too (王, a surname alone, is what a call-taker
 * types first): the name's index held only its two-character pieces, so `people(name: "王")` read
 * and sorted every person (~43 ms at 75,000 residents, found or not). The index now holds the
 * pieces requests are searched by since migration 0041, `text_search_keys`: the pairs and each
 * character alone. Measured on the scale-1 district with names drawn from common surnames and
 * given names (PostgreSQL 15): a surname 4,086 people hold 43 → 16 ms, one nobody's name has 43 →
 * 0.1 ms, a two-character name as before. `text_search_keys` keeps the search path it was made
 * with (below): ~0.7 µs more a call, on 17 µs for a request's text.
 */
export const personNameOneCharacter: Migration = {
  name: '0042_person_name_one_character',
  up: `
    -- An index's expression is also computed by ANALYZE, VACUUM and REINDEX (autovacuum's too),
    -- which since PostgreSQL 17 run it with search_path pg_catalog, pg_temp: text_search_keys must
    -- find text_bigram_keys without the session's path, so it carries the one it was made with.
    ALTER FUNCTION text_search_keys(text) SET search_path FROM CURRENT;
    SET LOCAL maintenance_work_mem = '256MB';
    CREATE INDEX person_name_pieces_idx ON person USING gin (text_search_keys(name));
    DROP INDEX person_name_bigrams_idx;
  `,
};
