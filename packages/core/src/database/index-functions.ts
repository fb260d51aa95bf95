import type { EntityManager } from '@mikro-orm/postgresql';

/** An index whose expression or predicate calls a function of the database's own without a fixed search path. */
export interface IndexFunctionWithoutPath {
  /** `schema.index`. */
  index: string;
  /** The schema of the index (and of its table): whose migrations made it. */
  schema: string;
  /** The function with its argument types, as `ALTER FUNCTION` takes it (`schema.name(text)`). */
  fn: string;
}

/**
 * The indexes that call a function written in SQL or PL/pgSQL (not PostgreSQL's own, not an
 * extension's) whose search path is not fixed (`SET search_path …` in its definition): the host
 * refuses to start with any. PostgreSQL 17 and later compute an index's expressions and predicate
 * in ANALYZE, VACUUM, REINDEX and CLUSTER (autovacuum's too) with `search_path = pg_catalog,
 * pg_temp`, so such a function that names another of the database's own without its schema fails
 * there: the table is never analysed, and its plans are made on no statistics. Whether the body
 * names one cannot be told from the catalog, so every such function must fix its path.
 *
 * @internal
 */
export async function indexFunctionsWithoutPath(em: EntityManager): Promise<IndexFunctionWithoutPath[]> {
  // Run once per start on the catalog (a few milliseconds); an index records a normal dependency
  // on each function its expressions and predicate call.
  return em.execute<IndexFunctionWithoutPath[]>(
    `SELECT DISTINCT n.nspname || '.' || c.relname AS index, n.nspname AS schema, p.oid::regprocedure::text AS fn
       FROM pg_depend d
       JOIN pg_class c ON c.oid = d.objid AND c.relkind IN ('i', 'I')
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = d.refobjid
       JOIN pg_namespace pn ON pn.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_proc'::regclass
        AND pn.nspname NOT IN ('pg_catalog', 'information_schema') AND l.lanname NOT IN ('c', 'internal')
        AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
        AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS s WHERE s LIKE 'search\\_path=%')
      ORDER BY 1, 3`,
  );
}
