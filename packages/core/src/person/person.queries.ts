import { keyRecords, loadSummaries, sortedSet, underPathSql } from '../database/read-sql.js';
import { batchLoader, executeRead, loadById, matchKeys, type ReadContext } from '../graphql/loaders.js';
import { Person } from './person.entity.js';

/** A person's public profile as plain data (no contact details, no care attributes). */
export interface PersonSummary {
  /** The person's uuid. */
  id: string;
  name: string;
  /** The uuid of their household (a place), or null. */
  householdId: string | null;
}

function summaryLoader(ctx: ReadContext) {
  return batchLoader<string, PersonSummary | null>(ctx, 'core.personSummary', async (ids) => {
    const { match, value } = matchKeys(ids, 'uuid');
    const rows = await executeRead<{ id: string; name: string; household_id: string | null }[]>(
      ctx.em,
      `SELECT id, name, household_id FROM person WHERE id ${match}`,
      [value],
      { byKey: true },
    );
    const byId = new Map(rows.map((r): [string, PersonSummary] => [r.id, { id: r.id, name: r.name, householdId: r.household_id }]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * The person with uuid `id` as a {@link PersonSummary} (name, household), or null when there
 * is none. Batched per operation: every call in one tick is one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function personSummary(ctx: ReadContext, id: string): Promise<PersonSummary | null> {
  return summaryLoader(ctx).load(id);
}

/**
 * The people with the given uuids, by uuid (ids without a person are left out). Batched per
 * operation together with {@link personSummary}.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function personSummaries(ctx: ReadContext, ids: readonly string[]): Promise<Map<string, PersonSummary>> {
  return loadSummaries(summaryLoader(ctx), ids);
}

/**
 * How many residents `paths` have: distinct people whose household lies at or under any of
 * the place paths. With `among`, only those people are counted (e.g. "how many of these
 * volunteers live here"). Batched per operation: the calls of one tick are one statement (one
 * with `among`, one without).
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function residentCountUnder(ctx: ReadContext, paths: readonly string[], among?: readonly string[]): Promise<number> {
  if (among) {
    const key = JSON.stringify([sortedSet(paths), sortedSet(among)]);
    return batchLoader<string, number>(ctx, 'core.residentCountAmong', async (keys) => {
      const records = keys.map((k) => {
        const [p, a] = JSON.parse(k) as [string[], string[]];
        return { paths: p, among: a };
      });
      const rows = await executeRead<{ i: number; n: number }[]>(
        ctx.em,
        `SELECT k.i, count(DISTINCT p.id)::int AS n
           FROM jsonb_to_recordset(?::jsonb) AS k(i int, paths text[], among uuid[])
           JOIN person p ON p.id = ANY (k.among)
           JOIN place h ON h.id = p.household_id
          WHERE EXISTS (SELECT 1 FROM unnest(k.paths) AS u(path) WHERE ${underPathSql('h.path', 'u.path')})
          GROUP BY k.i`,
        [keyRecords(records)],
        { fixedShape: true },
      );
      const counts = keys.map(() => 0);
      for (const row of rows) counts[row.i] = Number(row.n);
      return counts;
    }).load(key);
  }
  return batchLoader<string, number>(ctx, 'core.residentCount', async (keys) => {
    const rows = await executeRead<{ i: number; n: number }[]>(
      ctx.em,
      `SELECT k.i, count(DISTINCT p.id)::int AS n
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, paths text[])
        CROSS JOIN LATERAL unnest(k.paths) AS u(path)
         JOIN place h ON ${underPathSql('h.path', 'u.path')}
         JOIN person p ON p.household_id = h.id
        GROUP BY k.i`,
      [keyRecords(keys.map((k) => ({ paths: JSON.parse(k) as string[] })))],
      { fixedShape: true },
    );
    const counts = keys.map(() => 0);
    for (const row of rows) counts[row.i] = Number(row.n);
    return counts;
  }).load(JSON.stringify(sortedSet(paths)));
}

/**
 * Whether person `personId` is a resident of any of `paths`: their household lies at or
 * under one of the place paths. Batched per operation with {@link residentCountUnder}.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function isResidentUnder(ctx: ReadContext, personId: string, paths: readonly string[]): Promise<boolean> {
  return (await residentCountUnder(ctx, paths, [personId])) > 0;
}

/**
 * Whether person `personId` belongs to the place at `path` on `day` (YYYY-MM-DD): their
 * household lies at or under it, or they hold a role at a place at or under it that has not
 * ended before `day` (a role with no end date always counts). Batched per operation: the
 * calls of one tick are one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function belongsUnder(ctx: ReadContext, personId: string, path: string, day: string): Promise<boolean> {
  return batchLoader<string, boolean>(ctx, 'core.belongsUnder', async (keys) => {
    const rows = await executeRead<{ i: number }[]>(
      ctx.em,
      `SELECT k.i
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, person_id uuid, path text, day date)
        WHERE EXISTS (SELECT 1 FROM person p JOIN place h ON h.id = p.household_id
                       WHERE p.id = k.person_id AND ${underPathSql('h.path', 'k.path')})
           OR EXISTS (SELECT 1 FROM person_role r JOIN place x ON x.id = r.place_id
                       WHERE r.person_id = k.person_id AND ${underPathSql('x.path', 'k.path')}
                         AND (r.ends_on IS NULL OR r.ends_on >= k.day))`,
      [keyRecords(keys.map((k) => JSON.parse(k) as { person_id: string; path: string; day: string }))],
      { fixedShape: true },
    );
    const yes = new Set(rows.map((r) => Number(r.i)));
    return keys.map((_, i) => yes.has(i));
  }).load(JSON.stringify({ person_id: personId, path, day }));
}

/** A person as an entity by uuid, batched across one operation (role holders, members…). */
export function loadPerson(ctx: ReadContext, uuid: string): Promise<Person | null> {
  return loadById(ctx, Person, uuid);
}
