import type { Migration } from '../migration.js';

/**
 * A word of one character found by the index too (水, 鼠, 狗: a Chinese search box gets many):
 * `request_search` kept only two-character pieces, so a one-character word read every request
 * (seconds on two million when nobody wrote it). Each character of a request's text is now kept
 * beside its pairs, as pg_bigm does, as a key no pair makes (the character's code point and a
 * second half of 0, where a pair's second character is never NUL). The column holds both, so it is
 * named `pieces`; the table is built again with the new keys (about 60 % more index). A search for
 * one character asks for `text_search_keys` of it: the character alone.
 */
export const searchOneCharacter: Migration = {
  name: '0041_search_one_character',
  up: `
    -- The pairs, then each character once, in PL/pgSQL: an SQL function around the same calls is not
    -- inlined where the trigger calls it and cost about twice as much (bench/README.md).
    CREATE FUNCTION text_search_keys(t text) RETURNS int[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    BEGIN
      RETURN text_bigram_keys(t)
        || ARRAY(SELECT DISTINCT ((ascii(x) % 65536)::bigint * 65536 - 2147483648)::int FROM unnest(string_to_array(lower(t), NULL)) AS x);
    END $$;
    CREATE OR REPLACE FUNCTION request_search_keys(title text, description text, external_order_no text) RETURNS int[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT text_search_keys(concat_ws(E'\\n', title, description, external_order_no)) $$;

    ALTER TABLE request_search RENAME COLUMN bigrams TO pieces;
    CREATE OR REPLACE FUNCTION request_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO request_search (request_id, pieces)
        SELECT id, request_search_keys(title, description, external_order_no) FROM request_search_new;
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION request_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE request_search SET pieces = request_search_keys(NEW.title, NEW.description, NEW.external_order_no) WHERE request_id = NEW.id;
      RETURN NULL;
    END $$;

    -- Built again whole: writing every row into the old index would cost more than building a new one.
    DROP INDEX request_search_bigrams_idx;
    TRUNCATE request_search;
    INSERT INTO request_search (request_id, pieces) SELECT id, request_search_keys(title, description, external_order_no) FROM request;
    SET LOCAL maintenance_work_mem = '256MB';
    CREATE INDEX request_search_pieces_idx ON request_search USING gin (pieces);
  `,
};
