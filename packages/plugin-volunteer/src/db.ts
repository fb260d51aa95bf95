import { pluginTables, type UnitOfWork } from '@gongzhi/core';
import type { EntityData, EntityName, FilterQuery } from '@mikro-orm/core';

/** The database schema of this plugin's tables: the one place it is written (the plugin definition and its SQL use it). */
export const DB_SCHEMA = 'volunteer';

/** This plugin's table `name` in its schema, quoted, for its SQL: `${t('team')}`. */
export const t = pluginTables(DB_SCHEMA);

/**
 * Updates `row` only where `condition` still holds, in one statement (of two concurrent changes
 * exactly one wins); false when it no longer held. When it did, `row` takes the values written:
 * every column changed is in `changes` (no trigger on these tables changes others), so the row
 * is not read back, and the unit of work holds it as written (nothing left for a flush).
 */
export async function updateIf<T extends { uuid: string }>(
  uow: UnitOfWork,
  entity: EntityName<T>,
  row: T,
  condition: FilterQuery<T>,
  changes: EntityData<T>,
): Promise<boolean> {
  // A copy: the ORM turns the entities in the data it is given into their keys.
  const updated = await uow.em.nativeUpdate(entity, { ...(condition as object), uuid: row.uuid } as FilterQuery<T>, { ...changes });
  if (updated === 0) return false;
  Object.assign(row, changes);
  uow.em.getUnitOfWork().merge(row);
  return true;
}
