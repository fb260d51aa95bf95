import { Place } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { bindFormatted } from '../src/database/bound-values.js';

/**
 * The ORM's own statements (`em.find`, the QueryBuilder, `em.execute`) go with their values bound
 * under a name (`bindOrmValues`), where MikroORM writes every value into the text: PostgreSQL then
 * parses each once per connection instead of parsing and planning it on every call.
 */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
  await app.platform.orm.em.fork().execute('CREATE TABLE bound_probe (n int, label text, at timestamptz, doc jsonb)');
});
afterAll(() => app?.close());

const em = () => app.platform.orm.em.fork();

test('values are bound where the ORM would write them in, read as its formatQuery reads the text', () => {
  const platform = em().getPlatform();
  expect(bindFormatted(platform, 'select * from t where a = ? and b = ? and c is ?', ['x', 2, null])).toEqual({
    text: 'select * from t where a = $1 and b = $2 and c is null',
    values: ['x', 2],
  });
  // `\?` is a question mark (jsonb's operator), not a placeholder.
  expect(bindFormatted(platform, 'select ?::jsonb \\? ?', ['{}', 'a'])).toEqual({ text: 'select $1::jsonb ? $2', values: ['{}', 'a'] });
  expect(bindFormatted(platform, '? = n', [1])).toEqual({ text: '$1 = n', values: [1] });
  // A statement without values is named as it is, unless its text holds several.
  expect(bindFormatted(platform, 'select 1', [])).toEqual({ text: 'select 1', values: [] });
  expect(bindFormatted(platform, 'select 1; select 2', [])).toBeUndefined();
  // A list as the ORM writes it (a value per item) is bound item by item; an array given for
  // `IN (?)`, which the ORM would expand into the text, goes as one array value: one text for any
  // length, lengthened to the ten items a generic plan guesses (the last repeated), so that plan is kept.
  expect(bindFormatted(platform, 'select * from t where a in (?, ?) and b not in (?) and c = ?', ['x', 'y', [1, 2, null], 3])).toEqual({
    text: 'select * from t where a in ($1, $2) and b <> all($3) and c = $4',
    values: ['x', 'y', [1, 2, ...Array(8).fill(null)], 3],
  });
  expect(bindFormatted(platform, 'select * from t where a in (?)', [['x']])).toEqual({
    text: 'select * from t where a = any($1)',
    values: [Array(10).fill('x')],
  });
  // From ten items on, the ORM's list goes as one array too: a site makes at most ten texts.
  const twelve = Array.from({ length: 12 }, (_, i) => `k${i}`);
  expect(bindFormatted(platform, `select * from t where a in (${twelve.map(() => '?').join(', ')}) and b = ?`, [...twelve, 1])).toEqual({
    text: 'select * from t where a = any($1) and b = $2',
    values: [twelve, 1],
  });
  // More values than the protocol can bind go written in, as before.
  const many = Array.from({ length: 70_000 }, (_, i) => i);
  expect(bindFormatted(platform, `insert into t (n) values ${many.map(() => '(?)').join(', ')}`, many)).toBeUndefined();
  // What has no bound form here goes as before: a list elsewhere, a JSON object, an identifier.
  expect(bindFormatted(platform, 'select * from t where a = any(?)', [['x', 'y']])).toBeUndefined();
  expect(bindFormatted(platform, 'select ?', [{ a: 1 }])).toBeUndefined();
  expect(bindFormatted(platform, 'select ?? from t where a = ?', ['a', 1])).toBeUndefined();
});

test('an em.find and an em.execute with values are named statements: parsed once per connection, none planned every time', async () => {
  const find = async () => {
    for (let k = 0; k < 8; k++) {
      await em().find(Place, { code: `PROBE-${k}` });
      await em().execute('SELECT n FROM bound_probe WHERE label = ? AND n > ?', [`probe ${k}`, k]);
    }
  };
  expect(await app.unnamedStatements(find)).toEqual([]);
  const prepared = await app.preparedStatements(find);
  const byText = (pattern: RegExp) => prepared.filter((p) => pattern.test(p.statement));
  // One statement per text whatever the values, the values not in it.
  expect(byText(/from "place"/)).toHaveLength(1);
  expect(byText(/from "place"/)[0].statement).toMatch(/"code" = \$1/);
  const [probe, ...more] = byText(/FROM bound_probe/);
  expect(more).toEqual([]);
  expect(probe).toMatchObject({ statement: 'SELECT n FROM bound_probe WHERE label = $1 AND n > $2', parameterTypes: ['text', 'integer'] });
  // PostgreSQL's five custom plans, then its generic one where that is no dearer (as here).
  expect([probe.customPlans, probe.genericPlans]).toEqual([5, 3]);
});

test('bound values mean what the written ones meant: text, numbers, booleans, dates, null, JSON as text, lists after IN', async () => {
  const at = new Date('2026-12-04T08:30:00.123Z'); // read back as text, as the platform reads timestamps
  await em().execute('INSERT INTO bound_probe (n, label, at, doc) VALUES (?, ?, ?, ?)', [7, "it's 7", at, '{"a": [1, 2]}']);
  await em().execute('INSERT INTO bound_probe (n, label, at, doc) VALUES (?, ?, ?, ?)', [8, null, null, null]);
  const rows = await em().execute<{ n: number; label: string | null; at: Date | null; a: string | null; late: boolean }[]>(
    `SELECT n, label, at, doc->>'a' AS a, at > ? AS late FROM bound_probe WHERE n IN (?) AND n NOT IN (?, ?) AND (? OR n > ?) ORDER BY n`,
    [new Date('2026-12-04T08:30:00Z'), [7, 8, 9], 1, 2, true, 0],
  );
  expect(rows).toEqual([
    { n: 7, label: "it's 7", at: '2026-12-04 08:30:00.123+00', a: '[1, 2]', late: true },
    { n: 8, label: null, at: null, a: null, late: null },
  ]);
  expect(
    await em().execute<{ n: number }[]>('SELECT n FROM bound_probe WHERE label = ? AND at = ? AND doc \\? ?', ["it's 7", at, 'a']),
  ).toEqual([{ n: 7 }]);
  // An empty list matches nothing (written in, `IN ()` was a syntax error).
  expect(await em().execute('SELECT n FROM bound_probe WHERE n IN (?)', [[]])).toEqual([]);
  // The ORM's own lists: bound item by item up to nine items (a text per length), then as one array.
  const ids = Array.from({ length: 14 }, (_, i) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
  const prepared = await app.preparedStatements(async () => {
    for (let n = 1; n <= ids.length; n++) await em().find(Place, { uuid: { $in: ids.slice(0, n) } });
  });
  const byId = prepared
    .filter((p) => /from "place" .* where "p0"\."id"/.test(p.statement))
    .map((p) => p.statement.replace(/^.* where /, ''));
  expect(byId).toHaveLength(10);
  expect(byId).toContain('"p0"."id" in ($1, $2, $3, $4, $5, $6, $7, $8, $9)');
  expect(byId).toContain('"p0"."id" = any($1)');
});

test('a statement gone stale under a migration (rows read with `*`) answers, outside a transaction too', async () => {
  const find = () => Promise.all(Array.from({ length: 4 }, (_, k) => em().find(Place, { code: `STALE-${k}` })));
  await find();
  await em().execute('ALTER TABLE place ADD COLUMN bound_probe_note text');
  try {
    await expect(find()).resolves.toEqual([[], [], [], []]);
  } finally {
    await em().execute('ALTER TABLE place DROP COLUMN bound_probe_note');
  }
});
