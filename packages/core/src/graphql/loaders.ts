import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';

/**
 * What core's read functions need: an EntityManager to read through (an operation's fork, or a
 * transaction's, so reads see its writes and locks) and the operation's loaders, which batch
 * the reads of one operation. A `GongzhiContext` is one; `readContext(em)` makes one from an
 * EntityManager alone (a transaction, a job, an event handler).
 */
export interface ReadContext {
  em: EntityManager;
  /** Per-operation DataLoaders by name; use `batchLoader` rather than this map. */
  loaders: Map<string, DataLoader<unknown, unknown>>;
}

/** A ReadContext over `em` with loaders of its own: reads through it batch among themselves only. */
export function readContext(em: EntityManager): ReadContext {
  return { em, loaders: new Map() };
}

/**
 * A DataLoader kept for the length of one operation under `name`: every call during the
 * operation batches into one `batch` call per tick, so a list of N parents costs one query.
 */
export function batchLoader<K, V>(ctx: ReadContext, name: string, batch: (keys: readonly K[]) => Promise<readonly V[]>): DataLoader<K, V> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(async (keys) => batch(keys));
    ctx.loaders.set(name, loader);
  }
  return loader;
}

/** The class name of an entity given as a class or an EntitySchema, naming its loaders. */
function entityLabel<T extends object>(entity: EntityName<T>): string {
  return typeof entity === 'function' ? entity.name : entity.meta.className;
}

/**
 * The rows of `entity` whose `foreignKey` points at `parentId`, batched across all parents
 * asked for in the same operation: `Place.grids` for a page of places is one SQL query.
 */
export function loadByForeignKey<T extends object>(
  ctx: ReadContext,
  entity: EntityName<T>,
  foreignKey: keyof T & string,
  parentId: string,
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>> = {},
): Promise<T[]> {
  const name = `${entityLabel(entity)}.${foreignKey}`;
  return batchLoader<string, T[]>(ctx, name, async (parentIds) => {
    const rows = await ctx.em.find(entity, { [foreignKey]: { $in: parentIds } } as never, {
      orderBy: orderBy as never,
    });
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) {
      const ref = (row as Record<string, unknown>)[foreignKey] as { uuid?: string } | string;
      const key = typeof ref === 'string' ? ref : (ref?.uuid as string);
      groups.get(key)?.push(row);
    }
    return parentIds.map((id) => groups.get(id)!);
  }).load(parentId);
}

/** The row of `entity` with primary key `id` (or null), batched per operation. */
export function loadById<T extends object>(ctx: ReadContext, entity: EntityName<T>, id: string): Promise<T | null> {
  const name = `${entityLabel(entity)}#byId`;
  return batchLoader<string, T | null>(ctx, name, async (ids) => {
    const rows = await ctx.em.find(entity, { uuid: { $in: ids } } as never);
    const byId = new Map(rows.map((row) => [(row as unknown as { uuid: string }).uuid, row as T]));
    return ids.map((id) => byId.get(id) ?? null);
  }).load(id);
}

/** The id a many-to-one reference holds, without loading the row. */
export function refId(ref: unknown): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ((ref as { uuid?: string }).uuid ?? null);
}
