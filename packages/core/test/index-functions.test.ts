import { createTestApp } from '@gongzhi/core/testing';
import { bare } from './fixtures/plugins.js';

/**
 * An index calling a function of the database's own whose search path is not fixed is refused at
 * start (PostgreSQL 17+ computes index expressions in ANALYZE, VACUUM and REINDEX with
 * `search_path = pg_catalog, pg_temp`); the error names the index, its plugin and the fix.
 */
const table = `CREATE SCHEMA idx_fn; CREATE TABLE idx_fn.thing (id int PRIMARY KEY, name text NOT NULL, hidden boolean NOT NULL DEFAULT false);
  CREATE FUNCTION idx_fn.folded(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;
  CREATE FUNCTION idx_fn.shown(h boolean) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN NOT h; END $$;`;
const plugin = (up: string) => bare('idx-fn', { migrations: [{ name: '0001_thing', up: `${table} ${up}` }] });

test('an expression index on a function without a fixed search path cannot start, and is told the fix', async () => {
  await expect(
    createTestApp({ plugins: [plugin('CREATE INDEX thing_folded_idx ON idx_fn.thing (idx_fn.folded(name));')] }),
  ).rejects.toThrow(
    /^Index idx_fn\.thing_folded_idx of plugin "idx-fn" calls idx_fn\.folded\(text\), whose search path is not fixed\..*Fix: in a new migration, ALTER FUNCTION idx_fn\.folded\(text\) SET search_path FROM CURRENT;$/,
  );
});

test("a partial index's predicate is checked as well", async () => {
  await expect(
    createTestApp({ plugins: [plugin('CREATE INDEX thing_shown_idx ON idx_fn.thing (name) WHERE idx_fn.shown(hidden);')] }),
  ).rejects.toThrow(/Index idx_fn\.thing_shown_idx of plugin "idx-fn" calls idx_fn\.shown\(boolean\)/);
});

test('with the paths fixed the plugin starts, and its table is analysed, vacuumed and reindexed', async () => {
  const app = await createTestApp({
    plugins: [
      plugin(`CREATE INDEX thing_folded_idx ON idx_fn.thing (idx_fn.folded(name));
        CREATE INDEX thing_shown_idx ON idx_fn.thing (name) WHERE idx_fn.shown(hidden);
        ALTER FUNCTION idx_fn.folded(text) SET search_path FROM CURRENT;
        ALTER FUNCTION idx_fn.shown(boolean) SET search_path FROM CURRENT;
        INSERT INTO idx_fn.thing (id, name) VALUES (1, '东城'), (2, 'Dongcheng');`),
    ],
  });
  try {
    const sql = app.platform.orm.em.fork().getConnection();
    for (const statement of ['ANALYZE idx_fn.thing', 'VACUUM idx_fn.thing', 'REINDEX TABLE idx_fn.thing']) await sql.execute(statement);
    const [row] = await sql.execute(`SELECT count(*)::int AS n FROM idx_fn.thing WHERE idx_fn.folded(name) = 'dongcheng'`);
    expect(row.n).toBe(1);
  } finally {
    await app.close();
  }
});
