import type { EntityMetadata, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tableOf } from '../database/table-name.js';
import { BOARD_CHANNEL } from '../board/board-transport.js';
import type { NotificationListener } from '../database/notification-listener.js';

/** The entities declared with {@link keepRowsInProcess}. */
const keptEntities = new WeakSet<object>();

/**
 * Declares that the plain rows of `entity` (a class) read by primary key ({@link rowById} and the reads
 * beside it) may be kept by the process between operations and answered from memory: for rows
 * that are read on hot paths and almost never change (core's places). A row is kept only when
 * read outside a transaction, while the process hears the table's change notices; an unknown key
 * is never kept (a row inserted later is read). The table must announce every update, delete and
 * truncate on commit: a migration attaches core's function to it,
 *
 * ```sql
 * CREATE TRIGGER my_table_kept_rows_changed AFTER UPDATE OR DELETE OR TRUNCATE ON my_schema.my_table
 *   FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_notice();
 * ```
 *
 * and the host refuses to start when a declared entity's table has no such trigger. A command of
 * this process that wrote the table drops its kept rows once it has committed, before its caller
 * reads again; a change made elsewhere (another process, SQL) is seen when its notice arrives, a
 * few milliseconds after its commit, and until then the process may answer the row as it was (as
 * a revoked key is honoured until its notice comes).
 */
export function keepRowsInProcess(entity: EntityName<object>): void {
  keptEntities.add(entity as object);
}

/** Rows kept per entity: beyond this many, an entity's kept rows are dropped and kept afresh. */
const KEPT_ROWS_LIMIT = 20_000;

/**
 * The rows a process keeps of the entities declared with {@link keepRowsInProcess}, dropped on
 * the notices core migration 0028's trigger sends (`{"kept":"<schema>.<table>"}` on the board
 * channel) and whenever the LISTEN connection is lost or made again; nothing is kept or answered
 * while it is not listening.
 *
 * @internal The host's; plugins declare with {@link keepRowsInProcess}.
 */
export class KeptRows {
  private readonly rows = new Map<object, Map<string, object>>();
  /** By `schema.table`, the kept entity on it. */
  private readonly tables = new Map<string, object>();
  /** Moves on every notice: rows read before it may not be kept. */
  private generation = 0;
  private stop: (() => void) | null = null;

  constructor(
    private readonly listener: NotificationListener | null,
    metadata: readonly EntityMetadata[],
  ) {
    for (const meta of metadata)
      if (meta.class && keptEntities.has(meta.class)) {
        this.tables.set(tableOf(meta), meta.class);
        this.rows.set(meta.class, new Map());
      }
  }

  /** The kept entities (classes) by their tables (`schema.table`), for the host's check of their triggers. */
  get keptTables(): ReadonlyMap<string, object> {
    return this.tables;
  }

  /** Whether change notices are being received right now (only then is anything kept or answered). */
  get live(): boolean {
    return this.stop !== null && !!this.listener?.live;
  }

  /** Starts listening for change notices (nothing is kept before, nor without a listener or a kept entity). */
  async start(): Promise<void> {
    if (!this.listener || this.stop || !this.tables.size) return;
    this.stop = await this.listener.listen(BOARD_CHANNEL, {
      notification: (payload) => {
        if (payload?.startsWith('{"kept"')) this.forget(keptTableOf(payload));
      },
      resume: () => this.forget(null),
      lost: () => this.forget(null),
    });
  }

  close(): void {
    this.stop?.();
    this.stop = null;
    this.forget(null);
  }

  /** Drops the rows of the entity on `table`, or every kept row (null, or a table not known). */
  private forget(table: string | null): void {
    this.generation++;
    const entity = table === null ? undefined : this.tables.get(table);
    if (entity) this.rows.get(entity)!.clear();
    else for (const rows of this.rows.values()) rows.clear();
  }

  /**
   * Drops the rows of every kept entity that `written` says a transaction of this process may
   * have written, once it has committed: what its caller reads next is the change, not what was
   * kept (the table's notice comes a little later, and drops them in every process).
   */
  forgetWritten(written: (entity: object) => boolean): void {
    for (const [table, entity] of this.tables) if (this.rows.get(entity)!.size > 0 && written(entity)) this.forget(table);
  }

  /** The kept rows of `entity` when it is kept and they may be answered now, else undefined. */
  rowsOf(entity: object): ReadonlyMap<string, object> | undefined {
    return this.live ? this.rows.get(entity) : undefined;
  }

  /** What {@link keep} is given for rows whose statement is about to go: they are kept only if no notice comes meanwhile. */
  get mark(): number {
    return this.generation;
  }

  /** Keeps `rows` of `entity` (by primary key `key`) read by a statement sent at `mark`. */
  keep(entity: object, key: string, rows: readonly object[], mark: number): void {
    const kept = this.rows.get(entity);
    if (!kept || mark !== this.generation || !this.live) return;
    if (kept.size + rows.length > KEPT_ROWS_LIMIT) kept.clear();
    for (const row of rows) kept.set(String((row as Record<string, unknown>)[key]), row);
  }
}

function keptTableOf(payload: string): string | null {
  try {
    const table = (JSON.parse(payload) as { kept?: unknown }).kept;
    return typeof table === 'string' ? table : null;
  } catch {
    return null;
  }
}

/**
 * After a commit in this process: drops the kept rows of the entities `written` says the
 * transaction may have written ({@link KeptRows.forgetWritten}).
 *
 * @internal The host's (a command's hand-over); not part of the plugin contract.
 */
export function forgetWrittenRows(em: EntityManager, written: (entity: object) => boolean): void {
  keptRowsByConnection.get(em.getConnection())?.forgetWritten(written);
}

/** The platform's kept rows, by its ORM connection (shared by every fork). */
const keptRowsByConnection = new WeakMap<object, KeptRows>();

/** @internal Makes `kept` the kept rows of every EntityManager on `em`'s connection. */
export function attachKeptRows(em: EntityManager, kept: KeptRows): void {
  keptRowsByConnection.set(em.getConnection(), kept);
}

/**
 * The kept rows of `entity` that `em` may be answered from: none inside a transaction (it reads
 * its own writes and locks), for an entity not kept, or while change notices are not heard.
 *
 * @internal
 */
export function keptRowsFor(em: EntityManager, entity: object): { store: KeptRows; rows: ReadonlyMap<string, object> } | undefined {
  if (!keptEntities.has(entity) || em.isInTransaction()) return undefined;
  const store = keptRowsByConnection.get(em.getConnection());
  const rows = store?.rowsOf(entity);
  return rows && store ? { store, rows } : undefined;
}

/**
 * The kept tables (`schema.table`) whose triggers do not announce updates, deletes and truncates
 * with `kept_rows_notice()` (core migration 0028): the host refuses to start with any.
 *
 * @internal
 */
export async function tablesWithoutKeptNotice(em: EntityManager, tables: readonly string[]): Promise<string[]> {
  if (!tables.length) return [];
  // tgtype bits (pg_trigger.h): 1 row, 2 before, 8 delete, 16 update, 32 truncate: an enabled statement
  // trigger after all three, on every column (an `UPDATE OF` list would miss the others).
  const rows = await em.execute<{ t: string }[]>(
    `SELECT n.nspname || '.' || c.relname AS t
       FROM pg_trigger g JOIN pg_proc p ON p.oid = g.tgfoid JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE p.proname = 'kept_rows_notice' AND g.tgtype & 59 = 56 AND g.tgenabled <> 'D' AND cardinality(g.tgattr::int2[]) = 0 AND n.nspname || '.' || c.relname = ANY (string_to_array(?::text, ','))`,
    [tables.join(',')],
  );
  const announced = new Set(rows.map((r) => r.t));
  return tables.filter((t) => !announced.has(t));
}
