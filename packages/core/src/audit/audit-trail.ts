import {
  type ChangeSet,
  ChangeSetType,
  type EntityMetadata,
  type EventSubscriber,
  type FlushEventArgs,
  helper,
  Reference,
  Utils,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tableOf } from '../database/table-name.js';
import type { Actor } from '../command/command.js';
import type { GongzhiContext } from '../context.js';
import type { FinalWrite } from '../events/event-bus.js';
import { placePathsByRules } from '../auth/scope-guard.js';
import { executePreparedLater } from '../database/prepared-statements.js';
import { rowKeyOf } from '../graphql/loaders.js';
import { type EntityClass, graphQLTypeName } from '../relay/node-entity.js';
import { Attached } from '../attached.js';

/**
 * The audit trail of the command path. Every command's writes are recorded in `audit_log`, in
 * its own transaction, before it commits; nobody declares anything, so no plugin can forget:
 *
 * - rows the command changed through the ORM (`em.create`, assignments, `em.remove`, then a
 *   flush) come from MikroORM's change sets, one entry per row with the before/after of each
 *   changed field;
 * - rows written by SQL (`em.execute`, `nativeUpdate`: conditional updates, counters) do not
 *   pass the change sets. The transaction's own statistics (`pg_stat_xact_user_tables`) say
 *   which tables were written and how many rows: whatever the change sets do not account for
 *   becomes one `write` entry per table with the counts. Plugins may itemize such writes with
 *   {@link AuditTrail.record} (then they are not counted again).
 *
 * Values of sensitive fields ({@link markSensitive}: phone numbers, care profiles, secrets) are
 * never copied: the entry says the field changed and reads `"[redacted]"`.
 */

/** Tables that are records themselves or plumbing, never audited. */
const NOT_AUDITED = new Set([
  'public.audit_log',
  'public.sensitive_access_log',
  'public.event_outbox',
  'public.board_event',
  'public.board_event_pending',
  'public.board_sequence',
  'public.request_timeline',
  'public.gongzhi_migrations',
  'public.platform_secret',
  // Kept by triggers or background workers from the rows that are audited.
  'public.request_count',
  'public.request_search',
  'public.rate_limit',
  'public.webhook_delivery',
  'public.webhook_attempt',
]);

/** What an audit entry shows instead of a sensitive value. */
export const REDACTED = '[redacted]';

const sensitive = new Map<EntityClass, Set<string> | 'all'>();
/** Property names that are sensitive on any entity (contact numbers, secrets). */
const SENSITIVE_NAME = /phone|secret|password|token|id_?number|idcard/i;

/**
 * Declares properties of an entity (or the whole entity, with `'all'`) sensitive: the audit log
 * records that they changed, never their values. Core marks phone numbers, care profiles and key
 * secrets; properties named like a phone number or a secret are sensitive anyway.
 *
 * ```ts
 * markSensitive(Household, ['contactPhone', 'idNumber']);
 * ```
 */
export function markSensitive(entity: EntityClass, properties: readonly string[] | 'all'): void {
  if (properties === 'all') return void sensitive.set(entity, 'all');
  const known = sensitive.get(entity);
  if (known === 'all') return;
  sensitive.set(entity, new Set([...(known ?? []), ...properties]));
}

function isSensitive(entity: EntityClass | undefined, property: string): boolean {
  if (SENSITIVE_NAME.test(property)) return true;
  for (let cls = entity; cls && cls !== Object; cls = Object.getPrototypeOf(cls) as EntityClass) {
    const marked = sensitive.get(cls);
    if (marked === 'all' || marked?.has(property)) return true;
  }
  return false;
}

/**
 * A row's key as the log keeps it (a frozen plain row, a command's `readOnly` input, through
 * {@link rowKeyOf}).
 */
function keyOf(row: object): unknown {
  return Object.isFrozen(row) ? plain(rowKeyOf(row)) : helper(row).getSerializedPrimaryKey();
}

/** A value as the log keeps it: rows by their key, dates as ISO text, everything else as JSON has it. */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Reference.isReference(value)) return plain(value.unwrap());
  if (value !== null && typeof value === 'object' && Utils.isEntity(value)) return keyOf(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One audited change: a row (with before/after of its fields), or a table's row counts. */
export interface AuditRecord {
  action: string;
  /** The command run inside `action` that made the change (`request.assign` inside `grid.routeRequest`), if another. */
  via: string | null;
  entityType: string;
  entityId: string | null;
  operation: 'create' | 'update' | 'delete' | 'write';
  changes: Record<string, { before: unknown; after: unknown }>;
  /** The row, to find its places by the place rules when the entry is written. */
  row: object | null;
  /** Places given by whoever recorded it (for rows without place rules). */
  placePaths?: readonly string[];
  /** The table written, counted once the flush completed. */
  table?: string;
}

interface Counts {
  inserted: number;
  updated: number;
  deleted: number;
}

/** The audit trail of one unit of work (one transaction): see the module's comment. */
export class AuditTrail {
  /** Changes of flushes that completed. */
  private readonly records: AuditRecord[] = [];
  /** Changes of the flush under way: kept only if it completes. */
  private flushing: AuditRecord[] = [];
  /** Rows each table got through the ORM or {@link record}, not to be counted again. */
  private readonly accounted = new Map<string, Counts>();
  /** The counts when the trail started, or when it last wrote its entries. */
  private baseline: Map<string, Counts> | null = null;
  /** The command running now (innermost), whose name entries carry. */
  readonly actions: string[] = [];
  /**
   * What entries of changes flushed while no command runs name as their action: the system job
   * that joined the transaction (`council.seed`), else `unknown`.
   */
  outsideCommands = 'unknown';
  /** Tables (`schema.table`) the transaction wrote rows of, as far as {@link write} has counted. */
  private readonly written = new Set<string>();

  private constructor(readonly em: EntityManager) {}

  /**
   * The trail of the transaction of `em`: the one already there (a blocking handler's commands
   * join the emitting command's trail; commands an after-commit handler runs one after another
   * share one), or a new one.
   */
  static of(em: EntityManager): AuditTrail {
    let trail = trails.get(em);
    if (!trail) trails.set(em, (trail = new AuditTrail(em)));
    return trail;
  }

  /** Whether the write counts the trail starts from are still to be read ({@link start}, or a row read with them: {@link UserTables.countsColumn}). */
  get needsBaseline(): boolean {
    return this.baseline === null;
  }

  /** Starts from the write counts read with a row ({@link UserTables.countsColumn}), before anything was written. */
  startFrom(counts: readonly CountRow[], tables: UserTables): void {
    if (this.baseline === null) this.baseline = tables.countsOf(counts);
  }

  /** Whether no command of this trail is running (the next one to run is the outermost). */
  get idle(): boolean {
    return this.actions.length === 0;
  }

  /** The command the actor ran (the outermost), and the command inside it that made the change, if another. */
  private get action(): { action: string; via: string | null } {
    const outer = this.actions[0] ?? this.outsideCommands;
    const inner = this.actions.at(-1) ?? outer;
    return { action: outer, via: inner === outer ? null : inner };
  }

  /**
   * Takes the write counts as they are now. They are not the transaction's alone: a connection
   * reports its earlier transactions' counts too until it sends its statistics (when idle), so
   * only the difference from here on is the command's.
   */
  async start(): Promise<void> {
    if (this.baseline === null) this.baseline = await this.tableCounts();
  }

  private account(table: string, kind: keyof Counts, n = 1): void {
    const counts = this.accounted.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
    counts[kind] += n;
    this.accounted.set(table, counts);
  }

  /**
   * Itemizes a change a command made by SQL (a conditional update, a counter), so that the log
   * shows its fields rather than a row count. `entity` is the row's entity class; the row (or
   * `placePaths`) gives its places. `parts` names rows of other tables the entry stands for, with
   * its fields showing them (a ledger transaction's entries): they are not counted again.
   */
  record(
    entity: EntityClass,
    change: { id: string; operation: 'create' | 'update' | 'delete'; changes: Record<string, { before: unknown; after: unknown }> },
    row: object | null,
    placePaths?: readonly string[],
    parts?: { table: string; inserted?: number; updated?: number; deleted?: number },
  ): void {
    const meta = this.em.getMetadata().find(entity as never);
    if (!meta) throw new Error(`${entity.name} is not an entity of this platform.`);
    this.account(tableOf(meta), change.operation === 'create' ? 'inserted' : change.operation === 'delete' ? 'deleted' : 'updated');
    if (parts) for (const kind of ['inserted', 'updated', 'deleted'] as const) this.account(parts.table, kind, parts[kind] ?? 0);
    const changes: AuditRecord['changes'] = {};
    for (const [field, { before, after }] of Object.entries(change.changes)) {
      const secret = isSensitive(entity, field);
      changes[field] = {
        before: secret && before != null ? REDACTED : plain(before),
        after: secret && after != null ? REDACTED : plain(after),
      };
    }
    this.records.push({
      ...this.action,
      entityType: graphQLTypeName(entity),
      entityId: change.id,
      operation: change.operation,
      changes,
      row,
      placePaths,
    });
  }

  /**
   * Whether the transaction may have written rows of `entity`'s table in what {@link write} has
   * counted (once {@link settled}); true before anything was counted.
   */
  mayHaveWritten(entity: EntityClass): boolean {
    const meta = this.em.getMetadata().find(entity as never);
    if (this.baseline === null || !meta) return true;
    const table = tableOf(meta);
    // A table never audited is not counted either: it may have been written.
    return NOT_AUDITED.has(table) || this.written.has(table);
  }

  /** Called by the ORM as a flush starts: the change sets it is about to write. */
  collect(changeSets: readonly ChangeSet<object>[]): void {
    this.flushing = [];
    for (const cs of changeSets) {
      const table = tableOf(cs.meta as EntityMetadata);
      if (NOT_AUDITED.has(table)) continue;
      const operation =
        cs.type === ChangeSetType.CREATE
          ? 'create'
          : cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY
            ? 'delete'
            : 'update';
      const before = (cs.originalEntity ?? {}) as Record<string, unknown>;
      const after = cs.payload as Record<string, unknown>;
      const keys = operation === 'delete' ? Object.keys(before) : Object.keys(after);
      const entity = cs.meta.class as EntityClass | undefined;
      const changes: AuditRecord['changes'] = {};
      for (const key of keys) {
        if (cs.meta.primaryKeys.includes(key as never)) continue;
        const secret = isSensitive(entity, key);
        const was = operation === 'create' ? null : plain(before[key]);
        // The row's own value (the payload holds database forms: '{a,b}' for an array).
        const is =
          operation === 'delete' ? null : plain(key in cs.meta.properties ? (cs.entity as Record<string, unknown>)[key] : after[key]);
        changes[key] = { before: secret && was !== null ? REDACTED : was, after: secret && is !== null ? REDACTED : is };
      }
      if (operation === 'update' && Object.keys(changes).length === 0) continue;
      this.flushing.push({
        ...this.action,
        entityType: entity ? graphQLTypeName(entity) : cs.meta.className,
        entityId: null,
        operation,
        changes,
        row: cs.entity,
        table,
      });
    }
  }

  /** Called by the ORM once the flush has written: its changes are the command's. */
  flushed(): void {
    for (const record of this.flushing) {
      // Keys the database assigns (a bigint sequence) are known only now.
      record.entityId = record.row ? helper(record.row).getSerializedPrimaryKey() : null;
      if (record.table)
        this.account(record.table, record.operation === 'create' ? 'inserted' : record.operation === 'delete' ? 'deleted' : 'updated');
      this.records.push(record);
    }
    this.flushing = [];
  }

  private async tableCounts(): Promise<Map<string, Counts>> {
    const tables = await userTables(this.em);
    return tables.countsOf(await this.em.execute<CountRow[]>(tables.countsSql));
  }

  /** The answer of the last {@link write}, still on its way (it goes with the transaction's next query). */
  private settling: Promise<void> | null = null;

  /**
   * Once the last {@link write}'s statement has answered (with the transaction's next query, or
   * its COMMIT): {@link mayHaveWritten} and the next write's starting counts come from it.
   * Rejects with that statement's error.
   */
  settled(): Promise<void> {
    return this.settling ?? Promise.resolve();
  }

  /**
   * Writes the changes recorded since the last call to the audit log as `actor`, and one
   * `write` entry per table whose rows the transaction wrote beyond them (SQL writes),
   * attributed to `action`; afterwards the trail starts again from the transaction's counts as
   * they are. One statement writes every entry: the itemized ones, and the `write` entries it
   * finds itself by comparing the transaction's counts with what was itemized. It goes with the
   * transaction's next query (for a command, its COMMIT) in one round trip
   * ({@link executePreparedLater}): this returns once it is sent, and {@link settled} once it has
   * answered. Each entry's places are its row's (by the place rules, through `scope`), or else
   * `fallbackPaths()` (the places of the rows the command was given); a `write` entry's are
   * those of the entries itemized with it, or else `fallbackPaths()`. `carry`: other writes of the
   * transaction's end (the event bus's, such as the board log's) sent in the same statement.
   */
  async write(
    action: string,
    scope: GongzhiContext,
    actor: Actor,
    at: Date,
    fallbackPaths: () => Promise<string[]>,
    carry: readonly FinalWrite[] = [],
  ): Promise<void> {
    // A write before this one in the transaction: its counts are where this one starts.
    await this.settled();
    const records = this.records.splice(0);
    const before = this.baseline ?? new Map<string, Counts>();
    let fallback: Promise<string[]> | undefined;
    const [tables, ...rows] = await Promise.all([
      userTables(this.em),
      ...records.map(async (record) => {
        const paths = record.placePaths ? [...record.placePaths] : record.row ? await placePathsByRules(scope, record.row) : [];
        return auditRow(record, paths.length ? paths : await (fallback ??= fallbackPaths()));
      }),
    ]);
    // The statement finds the `write` entries itself, so their places must be known before it
    // runs: those of the entries itemized with them, or else of the rows the command was given.
    const itemizedPaths = [...new Set(rows.flatMap((row) => row.place_paths))];
    const writePaths = itemizedPaths.length ? itemizedPaths : await (fallback ??= fallbackPaths());
    // What the counts would be if nothing but the itemized rows were written.
    const expected: { o: number; i: number; u: number; d: number }[] = [];
    for (const table of new Set([...before.keys(), ...this.accounted.keys()])) {
      const oid = tables.oidOf(table);
      const was = before.get(table);
      const known = this.accounted.get(table);
      if (oid === undefined) continue;
      expected.push({
        o: Number(oid),
        i: (was?.inserted ?? 0) + (known?.inserted ?? 0),
        u: (was?.updated ?? 0) + (known?.updated ?? 0),
        d: (was?.deleted ?? 0) + (known?.deleted ?? 0),
      });
    }
    this.accounted.clear();
    const ctes = carry.map((write, i) => `carried_${i} AS (${write.sql})`);
    ctes.push(`counted AS MATERIALIZED (${tables.countsSql})`, `logged AS (${entriesSql(this.em, tables)})`);
    const params = [
      ...carry.flatMap((write) => write.params),
      ...insertParams(actor, at, rows),
      action,
      JSON.stringify(writePaths),
      JSON.stringify(expected),
    ];
    const { sent, rows: answer } = executePreparedLater<CountRow>(
      this.em,
      `WITH ${ctes.join(', ')} SELECT o, i, u, d FROM counted`,
      params,
    );
    const settling = answer.then((counted) => {
      const now = tables.countsOf(counted);
      for (const [table, counts] of now) {
        const was = before.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
        if (counts.inserted !== was.inserted || counts.updated !== was.updated || counts.deleted !== was.deleted) this.written.add(table);
      }
      this.baseline = now;
    });
    // Its error reaches whoever awaits `settled()`, and the transaction's COMMIT.
    settling.catch(() => undefined);
    this.settling = settling;
    await sent;
  }
}

/** The GraphQL type of the entity stored in `table` (`schema.table`), or the table's name. */
function typeNameOf(em: EntityManager, table: string): string {
  const meta = [...em.getMetadata().getAll().values()].find((m) => !m.abstract && tableOf(m) === table);
  return meta?.class ? graphQLTypeName(meta.class as EntityClass) : table;
}

/** One table's counts as read from the statistics (numbers as text or JSON numbers), by the table's oid. */
export interface CountRow {
  o: string | number;
  i: string | number;
  u: string | number;
  d: string | number;
}

/** The user tables of a database, and how to read the transaction's write counts on them. */
export interface UserTables {
  /**
   * The rows this transaction (and, until the connection reports its statistics, the
   * connection's earlier ones) inserted, updated and deleted per audited table, as {@link CountRow}s:
   * the functions behind `pg_stat_xact_user_tables`, on the oids of these tables that are audited
   * (not {@link NOT_AUDITED}: their writes are neither itemized nor reported, so counting them
   * cost the database three calls per table and command for nothing).
   */
  countsSql: string;
  /** The same counts as one JSON column, for a read that takes them with the first row a command loads ({@link AuditTrail.startFrom}). */
  countsColumn: string;
  /** Counts by `schema.table`. */
  countsOf(rows: readonly CountRow[]): Map<string, Counts>;
  /** The oid of a `schema.table` (as text), if it is one of these tables. */
  oidOf(table: string): string | undefined;
  /** The tables as `[oid, schema.table]`, in the order their counts are read. */
  list: readonly (readonly [string, string])[];
}

/** Every user table (not PostgreSQL's own): its oid and its `schema.table`. */
const USER_TABLES_SQL = `SELECT c.oid::bigint AS oid, n.nspname || '.' || c.relname AS t
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`;

const userTablesByConnection = new WeakMap<object, Promise<UserTables>>();

/**
 * The database's user tables, read once per ORM: the platform reads them right after its
 * migrations. Every command reads its write counts twice; scanning `pg_class` for the tables each
 * time cost PostgreSQL about 0.25 ms to run and 0.15–0.45 ms to plan, per read (bench/README.md,
 * "Where a status change's time goes"), where the statistics functions on a list of oids cost a
 * few hundredths. A table created later, by a migration another process runs while this one
 * serves, is counted from this process's next start; the code that writes it comes with that start.
 */
export function userTables(em: EntityManager): Promise<UserTables> {
  const connection = em.getConnection();
  let tables = userTablesByConnection.get(connection);
  if (!tables) {
    tables = em.execute<{ oid: string; t: string }[]>(USER_TABLES_SQL).then((rows) => userTablesFrom(rows));
    userTablesByConnection.set(connection, tables);
    tables.catch(() => userTablesByConnection.delete(connection));
  }
  return tables;
}

function userTablesFrom(rows: readonly { oid: string; t: string }[]): UserTables {
  const names = new Map(rows.map((r) => [String(r.oid), r.t]));
  const oids = new Map(rows.map((r) => [r.t, String(r.oid)]));
  // Oids are numbers read from the database: safe to write into the statement, which stays the same text.
  const counted = rows.filter((r) => !NOT_AUDITED.has(r.t)).map((r) => String(r.oid));
  const oidArray = `'{${counted.join(',')}}'::oid[]`;
  const countsSql = `SELECT o, i, u, d FROM (
    SELECT o::bigint AS o, pg_stat_get_xact_tuples_inserted(o) AS i, pg_stat_get_xact_tuples_updated(o) AS u,
           pg_stat_get_xact_tuples_deleted(o) AS d
      FROM unnest(${oidArray}) AS o) s
   WHERE i + u + d > 0`;
  return {
    countsSql,
    countsColumn: `(SELECT coalesce(json_agg(json_build_object('o', c.o, 'i', c.i, 'u', c.u, 'd', c.d)), '[]'::json) FROM (${countsSql}) c)`,
    countsOf: (counted) =>
      new Map(
        counted.flatMap((r) => {
          const table = names.get(String(r.o));
          return table ? [[table, { inserted: Number(r.i), updated: Number(r.u), deleted: Number(r.d) }]] : [];
        }),
      ),
    oidOf: (table) => oids.get(table),
    list: [...names],
  };
}

/** The statement inserting a command's entries, per ORM and set of tables (see {@link entriesSql}). */
const entriesSqlOf = new WeakMap<UserTables, string>();

/**
 * Inserts a JSON array of entries (see {@link auditRow}), in order, as one actor, then one
 * `write` entry per audited table whose counts (the CTE `counted`, {@link UserTables.countsSql})
 * exceed the expected ones (a JSON array of `{o, i, u, d}` by table oid: the counts before plus
 * the rows itemized since), with the given places. Parameters: the actor's (see
 * {@link insertParams}), the entries, then the action, the places (JSON) and the expected counts.
 */
function entriesSql(em: EntityManager, tables: UserTables): string {
  let sql = entriesSqlOf.get(tables);
  if (sql) return sql;
  const audited = tables.list.filter(([, table]) => !NOT_AUDITED.has(table));
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  // The audited tables' oids and entity names, written into the text: fixed for the process, like the oids themselves.
  const named = audited.length
    ? `(VALUES ${audited.map(([oid, table], n) => `(${oid}::bigint, ${literal(typeNameOf(em, table))}, ${n})`).join(', ')})`
    : `(SELECT NULL::bigint, NULL::text, 0 WHERE false)`;
  const changed = (column: string, kind: string) =>
    `CASE WHEN x.${column} > 0 THEN jsonb_build_object('${kind}', jsonb_build_object('before', NULL, 'after', x.${column})) ELSE '{}'::jsonb END`;
  sql = `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, api_key_id, action, via, entity_type, entity_id, operation, changes, place_paths)
     SELECT ?::timestamptz, ?::text, ?::uuid, coalesce(CASE WHEN ?::text IN ('person', 'api-key') THEN reader_name(?::text, ?::uuid) END, ?::text), ?::uuid,
            r.action, r.via, r.entity_type, r.entity_id, r.operation, r.changes, ARRAY(SELECT jsonb_array_elements_text(r.place_paths))
       FROM (SELECT e.action, e.via, e.entity_type, e.entity_id, e.operation, e.changes, e.place_paths, e.n
               FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (action text, via text, entity_type text, entity_id text, operation text, changes jsonb, place_paths jsonb))
                    WITH ORDINALITY AS e(action, via, entity_type, entity_id, operation, changes, place_paths, n)
             UNION ALL
             SELECT ?::text, NULL, a.entity_type, NULL, 'write', ${changed('i', 'inserted')} || ${changed('u', 'updated')} || ${changed('d', 'deleted')},
                    ?::jsonb, 2147483648 + a.n
               FROM (SELECT c.o, c.i - coalesce(k.i, 0) AS i, c.u - coalesce(k.u, 0) AS u, c.d - coalesce(k.d, 0) AS d
                       FROM counted c LEFT JOIN jsonb_to_recordset(?::jsonb) AS k(o bigint, i bigint, u bigint, d bigint) ON k.o = c.o) x
               JOIN ${named} AS a(o, entity_type, n) ON a.o = x.o
              WHERE x.i > 0 OR x.u > 0 OR x.d > 0) r
      ORDER BY r.n`;
  entriesSqlOf.set(tables, sql);
  return sql;
}

function auditRow(record: AuditRecord, paths: string[]) {
  return {
    action: record.action,
    via: record.via,
    entity_type: record.entityType,
    entity_id: record.entityId,
    operation: record.operation,
    changes: record.changes,
    place_paths: paths,
  };
}

function insertParams(actor: Actor, at: Date, rows: readonly ReturnType<typeof auditRow>[]): unknown[] {
  const who = actorColumns(actor);
  return [at, who.kind, who.id, who.kind, who.kind, who.id, who.label, who.keyId, JSON.stringify(rows)];
}

const trails = new Attached<EntityManager, AuditTrail>('core.auditTrail');

/**
 * The ORM subscriber that feeds each unit of work's trail (installed once by the platform). A
 * flush of an EntityManager that is no unit of work's (seeds, migrations, tests) is not audited.
 */
export const auditSubscriber: EventSubscriber = {
  onFlush(args: FlushEventArgs) {
    trails.get(args.em as EntityManager)?.collect([...args.uow.getChangeSets()]);
  },
  afterFlush(args: FlushEventArgs) {
    trails.get(args.em as EntityManager)?.flushed();
  },
};

/** How the log names the actor; the SQL function `reader_name` names persons and keys as they are now. */
export function actorColumns(actor: Actor): { kind: string; id: string | null; keyId: string | null; label: string } {
  const caller = actor.caller;
  if (!caller) return { kind: 'anonymous', id: null, keyId: null, label: actor.label };
  if (caller.kind === 'system') return { kind: 'system', id: null, keyId: null, label: actor.label };
  return { kind: caller.kind, id: caller.id, keyId: caller.kind === 'api-key' ? caller.id : null, label: actor.label };
}
