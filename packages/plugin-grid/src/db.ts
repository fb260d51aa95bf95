import { pluginTables } from '@gongzhi/core';

/** The database schema of this plugin's tables: the one place it is written (the plugin definition and its SQL use it). */
export const DB_SCHEMA = 'grid';

/** This plugin's table `name` in its schema, quoted, for its SQL: `${t('grid_place')}`. */
export const t = pluginTables(DB_SCHEMA);

/** SQL: `col` is `path` or below it, in a form the text_pattern_ops index serves ('0' follows '/'). */
export function underSql(col: string, path: string): string {
  return `(${col} ~>=~ ${path} AND ${col} ~<~ (left(${path}, -1) || '0'))`;
}

/** The ids in a materialized path (`/a/b/c/` → a, b, c): the place and all its ancestors. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}
