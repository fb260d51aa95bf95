import { type Access, batchLoader, type ReadContext } from '@gongzhi/core';
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
export function loadCurrentMark(ctx: ReadContext, placeId: string): Promise<GridAttentionMark | null> {
  return batchLoader<string, GridAttentionMark | null>(ctx, 'grid.currentAttention', async (ids) => {
    const rows = await ctx.em.execute<Record<string, unknown>[]>(
      `SELECT m.* FROM ${t('attention_mark')} m JOIN ${t('attention_current')} c ON c.mark_id = m.id WHERE c.place_id IN (?)`,
      [ids],
    );
    const byPlace = new Map(rows.map((row) => ctx.em.map(GridAttentionMark, row)).map((m) => [m.place.uuid, m]));
    return ids.map((id) => byPlace.get(id) ?? null);
  }).load(placeId);
}

/**
 * SQL keeping rows whose `column` (a materialized path) lies under the caller's places, with
 * its parameters: empty when the caller sees everywhere, `FALSE` when it sees nothing.
 */
function scopeSql(access: Access, column: string): { sql: string; params: string[] } {
  if (access.everywhere) return { sql: '', params: [] };
  const paths = access.paths;
  if (!paths.length) return { sql: ' AND FALSE', params: [] };
  return { sql: ` AND (${paths.map(() => `${column} LIKE ?`).join(' OR ')})`, params: paths.map((p) => `${p}%`) };
}

/** How many places under `path` (and inside the caller's places) carry each colour now. */
export async function colourCounts(
  ctx: Pick<ReadContext, 'em'>,
  access: Access,
  path: string,
): Promise<Record<GridAttentionLevel, number>> {
  const scope = scopeSql(access, 'c.place_path');
  const rows = await ctx.em.execute<{ level: GridAttentionLevel; n: number }[]>(
    `SELECT c.level, count(*)::int AS n FROM ${t('attention_current')} c WHERE ${underSql('c.place_path', '?')}${scope.sql} GROUP BY c.level`,
    [path, path, ...scope.params],
  );
  const counts = { [GridAttentionLevel.RED]: 0, [GridAttentionLevel.ORANGE]: 0, [GridAttentionLevel.GREEN]: 0 };
  for (const r of rows) counts[r.level] = Number(r.n);
  return counts;
}

/** The current marks of one of `levels` under `path` (and inside the caller's places), with their places; at most `limit`. */
export async function currentMarks(
  ctx: Pick<ReadContext, 'em'>,
  access: Access,
  path: string,
  levels: readonly GridAttentionLevel[],
  limit: number,
): Promise<GridAttentionMark[]> {
  const scope = scopeSql(access, 'c.place_path');
  const rows = await ctx.em.execute<{ mark_id: string }[]>(
    `SELECT c.mark_id FROM ${t('attention_current')} c WHERE ${underSql('c.place_path', '?')} AND c.level IN (?)${scope.sql} LIMIT ?`,
    [path, path, levels, ...scope.params, limit],
  );
  if (!rows.length) return [];
  return ctx.em.find(GridAttentionMark, { uuid: { $in: rows.map((m) => m.mark_id) } }, { populate: ['place'] });
}
