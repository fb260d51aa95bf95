import { keyRecords, loadSummaries, sortedSet, underPathSql } from '../database/read-sql.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader, executeRead, keyedCount, loadById, matchKeys, type ReadContext, rowById, rowsIfRead } from '../graphql/loaders.js';
import { Place } from './place.entity.js';
import type { PlaceType } from './place.entity.js';
import { Attached } from '../attached.js';

/** A place as plain data: what plugins read about places they hold the id of. */
export interface PlaceSummary {
  /** The place's uuid. */
  id: string;
  type: PlaceType;
  code: string;
  name: string;
  /** The materialized path of ids from the root, `/a/b/c/` (ends with the place's own id and `/`). */
  path: string;
  parentId: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** A place summary as PostgreSQL gives it ({@link SUMMARY_COLUMNS}). */
export interface PlaceRow {
  id: string;
  type: PlaceType;
  code: string;
  name: string;
  path: string;
  parent_id: string | null;
  latitude: number | string | null;
  longitude: number | string | null;
}

/** The summaries each operation has read, by its loaders (see {@link handOverPlaceSummaries}). */
const summariesRead = new Attached<ReadContext['loaders'], Map<string, PlaceSummary | null>>('core.placeSummariesRead');

/** The columns of a {@link PlaceRow}: what a place summary is read from. */
export const SUMMARY_COLUMNS = 'id, type::text AS type, code, name, path, parent_id, latitude, longitude';

function toSummary(r: PlaceRow): PlaceSummary {
  return {
    id: r.id,
    type: r.type,
    code: r.code,
    name: r.name,
    path: r.path,
    parentId: r.parent_id,
    latitude: r.latitude === null ? null : Number(r.latitude),
    longitude: r.longitude === null ? null : Number(r.longitude),
  };
}

function readBy(ctx: ReadContext): Map<string, PlaceSummary | null> {
  let read = summariesRead.get(ctx.loaders);
  if (!read) summariesRead.set(ctx.loaders, (read = new Map<string, PlaceSummary | null>()));
  return read;
}

function summaryLoader(ctx: ReadContext) {
  return batchLoader<string, PlaceSummary | null>(ctx, 'core.placeSummary', async (ids) => {
    const { match, value } = matchKeys(ids, 'uuid');
    const rows = await executeRead<PlaceRow[]>(ctx.em, `SELECT ${SUMMARY_COLUMNS} FROM place WHERE id ${match}`, [value], {
      byKey: true,
    });
    const byId = new Map(rows.map((r): [string, PlaceSummary] => [r.id, toSummary(r)]));
    const read = readBy(ctx);
    for (const id of ids) read.set(id, byId.get(id) ?? null);
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Gives the operation `ctx` place summaries read elsewhere (the places a command's named row
 * refers to, read in the row's own statement): its scope checks then read no place again.
 *
 * @internal The command path's; not part of the plugin contract.
 */
export function primePlaceSummaries(ctx: ReadContext, rows: readonly PlaceRow[]): void {
  const loader = summaryLoader(ctx);
  const read = readBy(ctx);
  for (const row of rows) {
    const summary = toSummary(row);
    loader.prime(summary.id, summary);
    read.set(summary.id, summary);
  }
}

/**
 * Gives the operation `to` the place summaries `from` has read (a committed unit of work that
 * wrote no place, to the operation that answers with its result: the answer's scope checks then
 * read no place again). What `to` has read itself stays.
 *
 * @internal The command path's; not part of the plugin contract.
 */
export function handOverPlaceSummaries(from: ReadContext, to: ReadContext): void {
  const read = summariesRead.get(from.loaders);
  if (!read?.size) return;
  const loader = summaryLoader(to);
  const known = readBy(to);
  for (const [id, summary] of read) {
    loader.prime(id, summary);
    if (!known.has(id)) known.set(id, summary);
  }
}

/**
 * The place with uuid `id` as a {@link PlaceSummary} (type, code, name, path, parent,
 * coordinates), or null when there is none. Batched per operation: every call in one tick is
 * one statement. No scope check: the caller decides what it may show.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function placeSummary(ctx: ReadContext, id: string): Promise<PlaceSummary | null> {
  return summaryLoader(ctx).load(id);
}

/**
 * The place summary of `id` when this operation has read it already (null when there is no such
 * place), undefined when it has not: a scope check that finds it decides without a promise.
 *
 * @internal The scope guard's; not part of the plugin contract.
 */
export function placeSummaryIfRead(ctx: ReadContext, id: string): PlaceSummary | null | undefined {
  return summariesRead.get(ctx.loaders)?.get(id);
}

/**
 * The places with the given uuids, by uuid (ids without a place are left out). Batched per
 * operation together with {@link placeSummary}.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function placeSummaries(ctx: ReadContext, ids: readonly string[]): Promise<Map<string, PlaceSummary>> {
  return loadSummaries(summaryLoader(ctx), ids);
}

/**
 * The uuids of the households (places of type household) at or under any of `paths` (place
 * paths, as in {@link PlaceSummary.path}), each once, in path order. Batched per operation: the
 * calls of one tick are one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function householdIdsUnder(ctx: ReadContext, paths: readonly string[]): Promise<string[]> {
  const key = JSON.stringify(sortedSet(paths));
  return batchLoader<string, string[]>(ctx, 'core.householdIdsUnder', async (keys) => {
    const rows = await executeRead<{ i: number; id: string }[]>(
      ctx.em,
      `SELECT DISTINCT k.i, h.id, h.path
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, paths text[])
        CROSS JOIN LATERAL unnest(k.paths) AS u(path)
         JOIN place h ON h.type = 'household' AND ${underPathSql('h.path', 'u.path')}
        ORDER BY k.i, h.path, h.id`,
      [keyRecords(keys.map((k) => ({ paths: JSON.parse(k) as string[] })))],
      { fixedShape: true },
    );
    const result = keys.map((): string[] => []);
    for (const row of rows) result[row.i]?.push(row.id);
    return result;
  }).load(key);
}

/** The ids of a place's ancestors, root first, read from its materialized path. */
export function ancestorIds(place: Place): string[] {
  return place.path.split('/').filter((id) => id && id !== place.uuid);
}

/**
 * The places above `place`, root first, as plain rows (the row loader's: each one read once
 * per operation). When this operation has read them all already (a place's row comes with its
 * ancestors', see `readRowsAlong`), they come at once; otherwise the ancestor lists asked for in
 * one tick are one batch, so a page of 50 places costs one load per distinct ancestor, not six
 * promises per place.
 */
export function loadAncestors(ctx: ReadContext, place: Place): Place[] | Promise<Place[]> {
  return rowsIfRead(ctx, Place, idsAbove(place.path)) ?? ancestorsLoaded(ctx, place.path);
}

/** The ids of the places above the one whose path this is, root first (`/a/b/c/`: a, b). */
function idsAbove(path: string): string[] {
  return path
    .slice(1, path.lastIndexOf('/', path.length - 2))
    .split('/')
    .filter(Boolean);
}

function ancestorsLoaded(ctx: ReadContext, path: string): Promise<Place[]> {
  return batchLoader<string, Place[]>(ctx, 'Place.ancestors', async (paths) => {
    const lists = paths.map(idsAbove);
    const ids = [...new Set(lists.flat())];
    const rows = await Promise.all(ids.map((id) => rowById(ctx, Place, id)));
    const byId = new Map(ids.map((id, i) => [id, rows[i]]));
    return lists.map((list) => list.flatMap((id) => byId.get(id) ?? []));
  }).load(path);
}

/** A place by uuid, batched across one operation (parents, households, organisation places). */
export function loadPlace(ctx: GongzhiContext, uuid: string): Promise<Place | null> {
  return loadById(ctx, Place, uuid);
}

/**
 * Counts under each of a batch of places in one SQL aggregate. The range on `path`
 * (`~>=~`/`~<~`, the text_pattern_ops operators) is "starts with the node's path" in a form
 * the path index can serve for every node of the batch; '0' is the character after '/'.
 */
export function loadCountUnder(ctx: GongzhiContext, what: 'people' | 'households', place: Place): Promise<number> {
  const counted = what === 'people' ? 'JOIN person p ON p.household_id = h.id' : '';
  return keyedCount(ctx, `Place.${what}Count`, place.uuid, {
    sql: (match) => `SELECT n.id, count(${what === 'people' ? 'p.id' : 'h.id'})::int AS n
         FROM place n
         JOIN place h ON h.path ~>=~ n.path AND h.path ~<~ (left(n.path, -1) || '0') AND h.type = 'household'
         ${counted}
        WHERE n.id ${match}
        GROUP BY n.id`,
    keyColumn: 'id',
    type: 'uuid',
  });
}
