/**
 * Small SQL building blocks shared by core's `*.queries.ts` read functions, and how they batch
 * (not exported from the package: plugins call the read functions, never core's SQL).
 */
import type DataLoader from 'dataloader';

/**
 * SQL: `column` is the place path `path` or below it, in a form the text_pattern_ops path
 * indexes serve (`~>=~`/`~<~`); '0' is the character after '/'. Both are SQL expressions.
 */
export function underPathSql(column: string, path: string): string {
  return `(${column} ~>=~ ${path} AND ${column} ~<~ (left(${path}, -1) || '0'))`;
}

/** The distinct values, sorted: a set as a stable loader key. */
export function sortedSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** What a summary loader finds for `ids`, by id (ids it finds nothing for are left out): one batch for all of them. */
export async function loadSummaries<T extends { id: string }>(
  loader: DataLoader<string, T | null>,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const found = await loader.loadMany(sortedSet(ids));
  const result = new Map<string, T>();
  for (const summary of found) {
    if (summary instanceof Error) throw summary;
    if (summary) result.set(summary.id, summary);
  }
  return result;
}

/**
 * Batch keys as one SQL parameter: `jsonb_to_recordset(?::jsonb) AS k(i int, …)` gives one row
 * per key, `i` being its position in the batch.
 */
export function keyRecords<T extends object>(keys: readonly T[]): string {
  return JSON.stringify(keys.map((key, i) => ({ i, ...key })));
}
