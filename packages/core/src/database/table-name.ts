import type { EntityMetadata } from '@mikro-orm/core';

/**
 * An entity's table as PostgreSQL names it to the statistics views (`pg_stat_xact_user_tables`)
 * and to triggers (`TG_TABLE_SCHEMA`, `TG_TABLE_NAME`): `schema.table`.
 */
export function tableOf(meta: EntityMetadata): string {
  return `${meta.schema && meta.schema !== '*' ? meta.schema : 'public'}.${meta.tableName}`;
}
