import { type Access, executeRead, keyedRows, loadById, Place, type ReadContext, scopeSql } from '@gongzhi/core';
import { t, underSql } from '../db.js';
import { GridAttentionLevel, GridAttentionMark } from './attention.entity.js';

/** One colour change of a place at a time (until the transaction ends), so a mark's `previousLevel` is always the one it replaced. */
export async function lockColourOf(ctx: Pick<ReadContext, 'em'>, placeId: string): Promise<void> {
  await ctx.em.execute('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', ['grid.attention', placeId]);
}

/** The place's current colour, or null when none was ever set. */
export async function currentLevel(ctx: Pick<ReadContext, 'em'>, placeId: string): Promise<GridAttentionLevel | null> {
  const [row] = await ctx.em.execute<{ level: GridAttentionLevel }[]>(`SELECT level FROM ${t('attention_current')} WHERE place_id = ?`, [
    placeId,
  ]);
  return row?.level ?? null;
}

/** Makes `mark` its place's current colour (attention_current holds the latest mark of each place). */
export async function makeCurrent(ctx: Pick<ReadContext, 'em'>, mark: GridAttentionMark): Promise<void> {
  await ctx.em.execute(
    `INSERT INTO ${t('attention_current')} (place_id, mark_id, level, place_path) VALUES (?, ?, ?, ?)
     ON CONFLICT (place_id) DO UPDATE SET mark_id = excluded.mark_id, level = excluded.level, place_path = excluded.place_path`,
    [mark.place.uuid, mark.uuid, mark.level, mark.placePath],
  );
}

/** The current mark of a place, batched per operation: one statement for a page of places. */
export async function loadCurrentMark(ctx: ReadContext, placeId: string): Promise<GridAttentionMark | null> {
  const [row] = await keyedRows<Record<string, unknown>>(ctx, 'grid.currentAttention', placeId, {
    sql: (match) =>
      `SELECT m.* FROM ${t('attention_mark')} m JOIN ${t('attention_current')} c ON c.mark_id = m.id WHERE c.place_id ${match}`,
    keyColumn: 'place_id',
    type: 'uuid',
  });
  return row ? ctx.em.map(GridAttentionMark, row) : null;
}

/** Core's {@link scopeSql} as a clause to append: empty when the caller sees everywhere. */
function scopeClause(access: Access, column: string): { sql: string; params: string[][] } {
  const under = scopeSql(access, column);
  return under ? { sql: ` AND ${under.sql}`, params: under.params } : { sql: '', params: [] };
}

/** How many places under `path` (and inside the caller's places) carry each colour now. */
export async function colourCounts(
  ctx: Pick<ReadContext, 'em'>,
  access: Access,
  path: string,
): Promise<Record<GridAttentionLevel, number>> {
  const scope = scopeClause(access, 'c.place_path');
  const rows = await executeRead<{ level: GridAttentionLevel; n: number }[]>(
    ctx.em,
    `SELECT c.level, count(*)::int AS n FROM ${t('attention_current')} c WHERE ${underSql('c.place_path', '?')}${scope.sql} GROUP BY c.level`,
    [path, path, ...scope.params],
    { fixedShape: true },
  );
  const counts = { [GridAttentionLevel.RED]: 0, [GridAttentionLevel.ORANGE]: 0, [GridAttentionLevel.GREEN]: 0 };
  for (const r of rows) counts[r.level] = Number(r.n);
  return counts;
}

/** A current mark's place on the map: red (0) first, then orange (1), then green (2); in tree order within a colour. */
export interface MapPosition {
  rank: number;
  placePath: string;
  uuid: string;
}

/** The map's order in SQL (served by attention_current_map_idx): paths compare as in the C collation, as JavaScript compares them. */
const RANK_SQL = `(CASE c.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END)`;
const MAP_KEYS_SQL = [RANK_SQL, '(c.place_path COLLATE "C")', 'c.mark_id'];

/**
 * One page of the current marks of one of `levels` under `path` (and inside the caller's
 * places), in map order ({@link MapPosition}): at most `size + 1` rows after `from` (a page
 * request's position) in reading order, each with its position and mark (place loaded), for
 * `pageOfRows` to turn into the page.
 */
export async function currentMarksAfter(
  ctx: ReadContext,
  access: Access,
  query: { path: string; levels: readonly GridAttentionLevel[]; size: number; backward: boolean; from: unknown[] | null },
): Promise<(MapPosition & { mark: GridAttentionMark })[]> {
  if (query.size === 0) return [];
  const scope = scopeClause(access, 'c.place_path');
  const direction = query.backward ? 'DESC' : 'ASC';
  const keyset = query.from ? ` AND (${MAP_KEYS_SQL.join(', ')}) ${query.backward ? '<' : '>'} (?::int, ? COLLATE "C", ?::uuid)` : '';
  const rows = await executeRead<{ mark_id: string; rank: number; place_path: string }[]>(
    ctx.em,
    `SELECT c.mark_id, ${RANK_SQL} AS rank, c.place_path FROM ${t('attention_current')} c
      WHERE ${underSql('c.place_path', '?')} AND c.level = ANY (?::text[])${scope.sql}${keyset}
      ORDER BY ${MAP_KEYS_SQL.map((k) => `${k} ${direction}`).join(', ')}
      LIMIT ?::int`,
    [query.path, query.path, [...query.levels], ...scope.params, ...(query.from ?? []), query.size + 1],
    { fixedShape: true },
  );
  if (!rows.length) return [];
  // By id, then their places (the same entities as the marks' references, so these come loaded):
  // two prepared statements whatever the page's size.
  const marks = await Promise.all(rows.map((r) => loadById(ctx, GridAttentionMark, r.mark_id)));
  await Promise.all(marks.flatMap((mark) => (mark ? [loadById(ctx, Place, mark.place.uuid)] : [])));
  // A mark deleted meanwhile (its place removed) is left out.
  return rows.flatMap((r, i) => {
    const mark = marks[i];
    return mark ? [{ rank: Number(r.rank), placePath: r.place_path, uuid: r.mark_id, mark }] : [];
  });
}
