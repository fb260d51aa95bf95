import type { Migration } from '../migration.js';

/**
 * `reader_name` (0006) names the actor of every audit entry and the reader of every sensitive
 * read, so it runs in every write. Its body, a CASE choosing one of two subqueries, made
 * PostgreSQL's plan cache keep planning it afresh on each call: the generic plan carries both
 * subqueries and so costs more than a custom one, where the constant kind prunes one away. That
 * planning was about 0.1 ms of the server's time per write, more than the lookup itself. The same
 * answer as one UNION ALL, each branch filtered by the kind, has a generic plan as cheap as a
 * custom one, which the cache keeps after its first few calls.
 */
export const readerNameGenericPlan: Migration = {
  name: '0025_reader_name_generic_plan',
  up: `
    CREATE OR REPLACE FUNCTION reader_name(kind text, reader uuid) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT coalesce((SELECT name FROM person WHERE kind = 'person' AND id = reader
                       UNION ALL
                       SELECT name || ' (' || prefix || ')' FROM api_key WHERE kind <> 'person' AND id = reader), '?')
    $$;
  `,
};
