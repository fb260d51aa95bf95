import type { Migration } from '../migration.js';

/**
 * Finding a request by its words without reading them all: `requests(filter: { text })` read every
 * title and description, a quarter of a second on 200,000 requests and seconds on two million when
 * the words are rare. Chinese has no spaces to cut words at and two characters make most words, so
 * a request's text is kept as the set of its two-character pieces (bigrams, lower-cased), each as a
 * number (the two characters' code points, 16 bits each: deterministic across PostgreSQL versions,
 * and a character past the first plane only meets others in false matches, which the search's
 * `ILIKE` drops), in a table of its own beside the request (a status change does not touch it) with
 * a GIN index: a search reads the requests holding every piece of its words, then checks the words.
 * Kept by triggers, so every way a request is written (commands, imports, seeds, plugins) keeps it.
 * People's names are indexed by the same pieces.
 */
export const textSearch: Migration = {
  name: '0038_text_search',
  up: `
    -- A loop over the characters split once: substr on multibyte text walks it from the start each call.
    CREATE FUNCTION text_bigram_keys(t text) RETURNS int[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      c int[] := ARRAY(SELECT ascii(x) % 65536 FROM unnest(string_to_array(lower(t), NULL)) AS x);
      keys int[] := '{}';
    BEGIN
      FOR i IN 1 .. cardinality(c) - 1 LOOP
        keys := keys || (c[i]::bigint * 65536 + c[i + 1] - 2147483648)::int;
      END LOOP;
      RETURN keys;
    END $$;
    CREATE FUNCTION request_search_keys(title text, description text, external_order_no text) RETURNS int[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT text_bigram_keys(concat_ws(E'\\n', title, description, external_order_no)) $$;

    CREATE TABLE request_search (
      request_id uuid PRIMARY KEY REFERENCES request (id) ON DELETE CASCADE,
      bigrams int[] NOT NULL
    );
    INSERT INTO request_search (request_id, bigrams) SELECT id, request_search_keys(title, description, external_order_no) FROM request;
    -- Built after the rows are in, in memory enough for a large district's (the default 64 MB spills to disk).
    SET LOCAL maintenance_work_mem = '256MB';
    CREATE INDEX request_search_bigrams_idx ON request_search USING gin (bigrams);

    CREATE FUNCTION request_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO request_search (request_id, bigrams)
        SELECT id, request_search_keys(title, description, external_order_no) FROM request_search_new;
      RETURN NULL;
    END $$;
    CREATE FUNCTION request_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE request_search SET bigrams = request_search_keys(NEW.title, NEW.description, NEW.external_order_no) WHERE request_id = NEW.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER request_search_insert AFTER INSERT ON request REFERENCING NEW TABLE AS request_search_new
      FOR EACH STATEMENT EXECUTE FUNCTION request_search_on_insert();
    -- Only when the words change: a status change does not name these columns, so it never fires.
    CREATE TRIGGER request_search_update AFTER UPDATE OF title, description, external_order_no ON request FOR EACH ROW
      WHEN ((OLD.title, OLD.description, OLD.external_order_no) IS DISTINCT FROM (NEW.title, NEW.description, NEW.external_order_no))
      EXECUTE FUNCTION request_search_on_update();

    -- A person's name by the same pieces (a name is two or three characters: a search for one is a
    -- rare word), on the row itself: a name is short and seldom changes.
    CREATE INDEX person_name_bigrams_idx ON person USING gin (text_bigram_keys(name));
  `,
};
