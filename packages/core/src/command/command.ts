import { helper, ReferenceKind, Utils } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Access } from '../auth/access.js';
import { AuditTrail, type CountRow, userTables } from '../audit/audit-trail.js';
import type { PermissionName } from '../auth/permission.js';
import { canSee, canSeeWith, placePathsByRules, somePlaceByRules } from '../auth/scope-guard.js';
import { executeRead, loadById, managedRows, plainRows, type ReadContext, rowById, rowKeyOf } from '../graphql/loaders.js';
import { forgetWrittenRows } from '../graphql/kept-rows.js';
import type { Caller, GongzhiContext } from '../context.js';
import type { EventEmitter, FinalWrite } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { Person } from '../person/person.entity.js';
import { handOverPlaceSummaries, type PlaceRow, placeSummaries, primePlaceSummaries, SUMMARY_COLUMNS } from '../place/place.queries.js';
import { type EntityClass, graphQLTypeName } from '../relay/node-entity.js';
import { Place, type PlaceType } from '../place/place.entity.js';
import type { ServiceRegistry } from '../plugin/plugin.js';
import { DomainError } from './domain-error.js';
import { explainNothingWritten } from './held-write.js';
import { coreMessages, notFound } from '../i18n/core-messages.js';
import { currentLocale, localizedMessage, type Message } from '../i18n/catalog.js';
import { type PayloadClass, resultFieldOf, type UserError } from './payload.js';
import { Ref, refUuid } from './reference.js';

/** A row, or a reference naming one: what command inputs take, so resolvers pass Refs and other commands pass rows. */
export type Named<T extends object> = T | Ref<T>;

type ResolvedValue<V> =
  V extends Ref<infer T>
    ? T
    : V extends Date | ((...args: never[]) => unknown)
      ? V
      : V extends readonly (infer E)[]
        ? ResolvedValue<E>[]
        : V extends { uuid: string }
          ? V
          : V extends object
            ? { [K in keyof V]: ResolvedValue<V[K]> }
            : V;

/** The input a command's work receives: every {@link Ref} replaced by its row (also inside lists and nested objects). */
export type Resolved<I> = { [K in keyof I]: ResolvedValue<I[K]> };

/**
 * Who performs a command, with what they may see and do. Commands decide with it; they never see
 * the GraphQL context.
 */
export interface Actor {
  /** The person, API key or system on whose behalf the command runs; null for anonymous callers. */
  readonly caller: Caller | null;
  /** Places the actor sees and permissions held there. */
  readonly access: Access;
  /** The signed-in person's uuid, or null for keys, the system and anonymous callers. */
  readonly personId: string | null;
  /** How records name the actor when it is not a person: `system: grid.escalation`, `API key`. */
  readonly label: string;
  /**
   * Refuses (`FORBIDDEN`, reported in the payload) unless the actor holds `permission` at the
   * place `path` (a row the actor can see). Operation-wide permissions belong in the command's
   * `permission` instead, where a refusal is a top-level error.
   */
  authorize(permission: PermissionName, path: string): void;
}

/**
 * One unit of work: a database transaction, the events it emits (delivered after commit), the
 * actor and the clock. A command receives it with its resolved input; nothing it writes
 * survives when it throws.
 */
export interface UnitOfWork extends ReadContext {
  /** The transaction's EntityManager. */
  readonly em: EntityManager;
  /** Per-unit DataLoaders, so core's read API batches inside the transaction too. */
  readonly loaders: Map<string, DataLoader<unknown, unknown>>;
  /** Records an event: blocking handlers run now, the rest after commit. */
  readonly emit: EventEmitter;
  readonly actor: Actor;
  readonly services: ServiceRegistry;
  readonly logger: Logger;
  /** The platform clock. */
  readonly now: () => Date;
  /** The district's time zone (`PlatformInfo.timeZone`): today there is `localDate(uow.now(), uow.timeZone)`. */
  readonly timeZone: string;
  /** The signed-in person acting; a top-level UNAUTHENTICATED error for keys, the system and anonymous callers. */
  actingPerson(): Promise<Person>;
  /**
   * The signed-in person acting as a frozen plain row (see {@link Command.readOnly}), for a command
   * that only reads who acts (their id, their name in a message): the same read as
   * {@link actingPerson}, without making an entity of it.
   */
  actingPersonRow(): Promise<Readonly<Person>>;
  /** Whether the actor may see `row` by the place rules. */
  canSee(row: object): Promise<boolean>;
  /**
   * Refuses (`OUT_OF_SCOPE`) unless `row` lies within the places of `target` (or of its
   * enclosing place of type `widen.to`): the linking rule, for links not declared on the command.
   */
  requireWithin(row: object, target: object, field: string, widen?: CrossScope): Promise<void>;
  /**
   * Runs another command inside this unit of work, as the same actor, with the same checks: its
   * references are resolved, and rows given directly must be visible to the actor.
   */
  run<I, R>(command: Command<I, R>, input: I): Promise<R>;
  /**
   * The audit trail of this unit of work. Changes made through the ORM are recorded by
   * themselves, and rows written by SQL are counted per table; `audit.record(...)` itemizes a
   * change made by SQL (a conditional update) with its fields instead.
   */
  readonly audit: Pick<AuditTrail, 'record'>;
}

/** A declared exception to the linking rule: links may reach the enclosing place of this type, for a reason. */
export interface CrossScope {
  to: PlaceType;
  reason: string;
}

/** A row of the input that links to another row of it: it must lie within that row's places. */
export interface LinkRule<K extends string> {
  /** The input key of the row linked to (the team a member joins, the council a seat belongs to). */
  to: K;
  /** Allow rows of the enclosing place of this type (e.g. any person of the team's community), with a reason. */
  widen?: CrossScope;
}

/**
 * A domain operation: what it needs (resolved rows, plain values), the rules it declares (an
 * operation-wide permission, rows to lock, links), and the work. Resolvers translate GraphQL to a
 * command and nothing more ({@link perform}); the CLI, jobs, event handlers and other commands
 * run the same command ({@link runCommand}, {@link UnitOfWork.run}).
 */
export interface Command<I, R> {
  /** `<plugin or core aggregate>.<verb>`, e.g. `volunteer.addTeamMember`; shown in logs. */
  readonly name: string;
  /** A permission the actor must hold somewhere, checked first: a top-level FORBIDDEN. */
  readonly permission?: PermissionName;
  /** Needs the permission everywhere (a job across every community), not at some place: a top-level FORBIDDEN otherwise. */
  readonly everywhere?: boolean;
  /**
   * Only a signed-in person may run it (it records who did it): others get a top-level
   * UNAUTHENTICATED before anything is looked up.
   */
  readonly requiresPerson?: boolean;
  /**
   * Input keys whose rows are locked (`FOR UPDATE`) as they are loaded; a row another command
   * hands over already loaded is locked as it is given.
   */
  readonly lock?: readonly (keyof I & string)[];
  /**
   * Input keys whose rows the command only reads (checks, ids to write by SQL): they come as plain
   * rows, as query resolvers read them (no hydration, no identity map, no change set to compute at
   * commit: most of what loading a row costs), frozen so that an assignment throws. A to-one
   * relation of a plain row holds the related row's id: read it with `refId`, which reads either
   * form. To point an entity at it, give its id (`{ account: row.uuid }`), not the row (the ORM
   * cannot attach to a frozen object). A row this unit of work already holds as an entity is given
   * as that entity.
   */
  readonly readOnly?: readonly (keyof I & string)[];
  /** Input keys whose rows are linked to another row of the input (see {@link LinkRule}). */
  readonly links?: { readonly [K in keyof I & string]?: LinkRule<keyof I & string> };
  run(uow: UnitOfWork, input: Resolved<I>): Promise<R>;
}

/** Declares a command (returns it unchanged; the value is the type check and one place to read it). */
export function defineCommand<I, R>(command: Command<I, R>): Command<I, R> {
  return command;
}

/** A database constraint's meaning to a client, declared by the plugin that owns the constraint. */
export interface ConstraintError {
  /** What the client is told (its code and text in every locale): a message of the owner's catalog, without parameters. */
  message: Message;
  /** The input at fault, when one is. */
  field?: string;
}

/** What running a command from outside gives back: the value, or the domain errors (nothing written). */
export type Outcome<R> = { ok: true; value: R; errors: [] } | { ok: false; value: null; errors: UserError[] };

const ANONYMOUS_LABEL = 'anonymous';

function createActor(caller: Caller | null, access: Access): Actor {
  const label =
    caller === null
      ? ANONYMOUS_LABEL
      : caller.kind === 'system'
        ? `system${caller.label ? `: ${caller.label}` : ''}`
        : caller.kind === 'api-key'
          ? 'API key'
          : 'person';
  return {
    caller,
    access,
    personId: caller?.kind === 'person' ? caller.id : null,
    label,
    authorize(permission, path) {
      if (!access.can(permission, path)) {
        throw coreMessages.youNeedPermissionPlace.error({ permission }, null, { permission });
      }
    },
  };
}

/** Place uuids on a materialized path (`/a/b/c/` → a, b, c). */
function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

class Work implements UnitOfWork {
  readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  private readonly rows = new Map<string, Promise<object>>();
  /** The operation's context, over this transaction: place rules and read functions use it. */
  private readonly scope: GongzhiContext;

  readonly audit: AuditTrail;

  constructor(
    ctx: GongzhiContext,
    readonly em: EntityManager,
    readonly emit: EventEmitter,
    readonly actor: Actor,
    /** The event bus's final writes, to ride on the audit trail's last statement (outermost command only). */
    private readonly takeFinalWrites?: () => FinalWrite[],
  ) {
    this.audit = AuditTrail.of(em);
    this.scope = { ...ctx, em, loaders: this.loaders, access: () => Promise.resolve(actor.access) };
    this.services = ctx.services;
    this.logger = ctx.logger;
    this.now = ctx.now;
    this.timeZone = ctx.platform.timeZone;
  }

  readonly services: ServiceRegistry;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly timeZone: string;

  /** The acting person's row as read, once; then as an entity and as a plain row, each once. */
  private personRead: Promise<RowRead> | null = null;
  private person: Promise<Person> | null = null;
  private personRow: Promise<Person> | null = null;

  actingPerson(): Promise<Person> {
    return (this.person ??= this.actingPersonAs(false));
  }

  actingPersonRow(): Promise<Person> {
    return (this.personRow ??= this.actingPersonAs(true));
  }

  private readActingPerson(): Promise<RowRead> {
    const id = this.actor.personId;
    if (!id) return Promise.reject(coreMessages.operationRecordsWhoDid.topLevel());
    return (this.personRead ??= this.readRow(Person, id, false));
  }

  private async actingPersonAs(plain: boolean): Promise<Person> {
    const person = this.rowOf(Person, await this.readActingPerson(), plain);
    if (!person) throw coreMessages.signedPersonLongerExists.topLevel();
    return person as Person;
  }

  canSee(row: object): Promise<boolean> {
    return canSeeWith(this.scope, row, this.actor.access);
  }

  /**
   * Once committed: gives the operation `ctx` what this unit of work read that is still true, so
   * the answer's scope checks need not read it again (the place summaries, when no place was written).
   */
  async handOver(ctx: ReadContext): Promise<void> {
    // The trail knows what was written once its last statement has answered (with the COMMIT).
    await this.audit.settled();
    if (!this.audit.mayHaveWritten(Place)) handOverPlaceSummaries(this.scope, ctx);
    // Rows kept in process of a table it wrote go now, before the caller's next read, not when the table's notice comes.
    forgetWrittenRows(this.em, (entity) => this.audit.mayHaveWritten(entity as EntityClass));
  }

  /** The paths of the places `target` belongs to (by its place rules), widened to the enclosing place of a type. */
  private async scopeOf(target: object, widen?: CrossScope): Promise<string[]> {
    const paths = await placePathsByRules(this.scope, target);
    if (!widen) return paths;
    const ancestors = [...new Set(paths.flatMap(pathIds))];
    if (!ancestors.length) return paths;
    // Through the operation's place summaries: the places of the row checked next are often among these (a worker's community).
    const widened = [...(await placeSummaries(this.scope, ancestors)).values()].filter((p) => p.type === widen.to).map((p) => p.path);
    return widened.length ? widened : paths;
  }

  async requireWithin(row: object, target: object, field: string, widen?: CrossScope): Promise<void> {
    // On one line of places: the row lies inside the target's places, or holds a place that contains them
    // (a community's social worker may join a building's team). A row of no place only for those who see everywhere.
    // The target's places and the row's are read together.
    const inScope = this.scopeOf(target, widen).then((scope) => (r: string) => scope.some((s) => r.startsWith(s) || s.startsWith(r)));
    const linked = (await somePlaceByRules(this.scope, row, inScope)) ?? this.actor.access.everywhere;
    if (linked) return;
    throw coreMessages.namesRowOutsidePlaces.error({ field, humanName: humanName(target) }, field);
  }

  async run<I, R>(command: Command<I, R>, input: I): Promise<R> {
    // The outermost command of the trail writes the audit entries of everything it caused.
    const outermost = this.audit.idle;
    // The trail's starting write counts come with the first row the input names (one statement
    // less), or, when it names none, on their own before the command writes anything.
    this.countsWithLoad = outermost && this.audit.needsBaseline;
    let resolved: Record<string, unknown>;
    try {
      resolved = await this.resolveInput(command, input);
    } finally {
      this.countsWithLoad = false;
    }
    if (outermost) await this.audit.start();
    this.audit.actions.push(command.name);
    let result: R;
    try {
      result = await command.run(this, resolved as Resolved<I>);
    } finally {
      this.audit.actions.pop();
    }
    if (outermost) {
      await this.audit.write(command.name, this.scope, this.actor, this.now(), () => this.inputPaths(resolved), this.takeFinalWrites?.());
    }
    return result;
  }

  /** The places of the rows a command was given (top level and in lists), for entries whose rows have no place rule. */
  private async inputPaths(resolved: Record<string, unknown>): Promise<string[]> {
    const paths = new Set<string>();
    for (const value of Object.values(resolved)) {
      for (const row of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (row !== null && typeof row === 'object' && Utils.isEntity(row)) {
          for (const path of await placePathsByRules(this.scope, row)) paths.add(path);
        }
      }
    }
    return [...paths];
  }

  private async resolveInput<I, R>(command: Command<I, R>, input: I): Promise<Record<string, unknown>> {
    const links = (command.links ?? {}) as Record<string, LinkRule<string> | undefined>;
    const locked = new Set<string>(command.lock ?? []);
    const plain = new Set<string>(command.readOnly ?? []);
    const how = (key: string): LoadAs => ({ lock: locked.has(key), plain: plain.has(key) });
    // Every row the input names (and the acting person, for a command that needs one) is asked
    // for in this turn, so their reads go in one round trip; they are then taken in order.
    const entries = Object.entries(input as Record<string, unknown>);
    for (const [key, value] of entries) this.prefetch(value, how(key));
    if (command.requiresPerson) this.readActingPerson().catch(() => undefined);
    const resolved: Record<string, unknown> = {};
    // Rows linked to others come last, so their targets are loaded (and locked) first.
    for (const [key, value] of entries) if (!links[key]) resolved[key] = await this.resolve(value, key, how(key));
    for (const [key, value] of entries) {
      const link = links[key];
      if (!link) continue;
      resolved[key] = await this.resolve(value, key, how(key));
      const target = resolved[link.to];
      if (resolved[key] == null || target == null) continue;
      for (const row of Array.isArray(resolved[key]) ? (resolved[key] as object[]) : [resolved[key]]) {
        await this.requireWithin(row, target, fieldOf(value, key), link.widen);
      }
    }
    return resolved;
  }

  private async resolve(value: unknown, field: string, how: LoadAs): Promise<unknown> {
    if (value instanceof Ref) return this.load(value as Ref<object>, how);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const [i, item] of value.entries()) out.push(await this.resolve(item, `${field}.${i}`, how));
      return out;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    if (Utils.isEntity(value)) {
      // A row handed over by another command (an entity, or a plain row): the actor must see it, as
      // if named by id. One this unit of work does not hold (an attempt run again starts from no
      // rows, and must not take over what the failed one changed in memory; a plain row is never
      // held) is read again here, as committed.
      const entity = value.constructor as EntityClass;
      const key = String(rowKeyOf(value));
      const row =
        this.em.getUnitOfWork().getById(entity as never, key) === value ? value : await this.loadRow(entity, key, { ...how, lock: false });
      if (!row || !(await this.canSee(row))) throw notFound(entity.name, field);
      if (how.lock) await this.em.execute(`SELECT 1 ${byKey(this.em, entity)} FOR UPDATE`, [key]);
      return row;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await this.resolve(item, `${field}.${key}`, UNLOCKED_ENTITY);
    return out;
  }

  /** Starts loading the rows `value` names (top level and in lists), as {@link resolve} will ask for them. */
  private prefetch(value: unknown, how: LoadAs): void {
    if (value instanceof Ref) this.load(value as Ref<object>, how).catch(() => undefined);
    else if (Array.isArray(value)) for (const item of value) this.prefetch(item, how);
  }

  private load(ref: Ref<object>, how: LoadAs): Promise<object> {
    const key = `${ref.typeName}:${refUuid(ref)}:${how.lock}:${how.plain}`;
    let row = this.rows.get(key);
    if (!row) {
      row = this.loadOnce(ref, how);
      this.rows.set(key, row);
    }
    return row;
  }

  private async loadOnce(ref: Ref<object>, how: LoadAs): Promise<object> {
    if (ref.problem) throw ref.problem;
    const entity = entityOfType(this.em, ref.typeName);
    if (!entity) throw notFound(ref.typeName, ref.field);
    const row = await this.loadRow(entity, refUuid(ref), how);
    if (!row || !(await this.canSee(row))) throw notFound(ref.typeName, ref.field);
    // Whoever asked to be forgotten gets nothing new recorded about them (by any command, any plugin).
    const erasedAt = entity === Person ? (row as Person).erasedAt : null;
    if (erasedAt) throw coreMessages.personErased.error({ erasedAt: erasedAt.toISOString() }, ref.field);
    return row;
  }

  /** Whether the next row loaded also brings the audit trail's starting write counts. */
  private countsWithLoad = false;

  /**
   * The row by its uuid as a managed entity: the one this unit of work already holds, as
   * `findOne` would answer, or read by plain SQL and mapped (`findOne` builds its query each time,
   * most of a load's cost); `how.plain`: a row not held comes as a frozen plain row (see
   * {@link Command.readOnly}). A lock is taken in the same statement, held row or not. The first row
   * a command loads also brings the transaction's write counts, which start the audit trail: one
   * statement where two were. A row read brings the summaries of the places it refers to (an
   * account's community, a person's household), which its scope check reads next: one round trip
   * where two were.
   */
  private async loadRow(entity: EntityClass, uuid: string, { lock, plain }: LoadAs): Promise<object | null> {
    return this.rowOf(entity, await this.readRow(entity, uuid, lock), plain);
  }

  /** {@link loadRow}'s read: the row held, the columns read, or null when there is no such row. */
  private async readRow(entity: EntityClass, uuid: string, lock: boolean): Promise<RowRead> {
    const held = this.em.getUnitOfWork().getById<object>(entity as never, uuid);
    const known = held && helper(held).__initialized ? held : null;
    const withCounts = this.countsWithLoad && this.audit.needsBaseline;
    if (known && !lock && !withCounts) return { held: known };
    // Only the first row read brings the counts (rows asked for in one turn are read together).
    this.countsWithLoad = false;
    const tables = withCounts ? await userTables(this.em) : null;
    const places = known ? null : referencedPlaces(this.em, entity);
    const [found] = await executeRead<Record<string, unknown>[]>(
      this.em,
      `SELECT ${known ? '1 AS held' : 't.*'}${places ? `, ${places} AS gongzhi_places` : ''}${tables ? `, ${tables.countsColumn} AS gongzhi_write_counts` : ''} ${byKey(this.em, entity)}${lock ? ' FOR UPDATE OF t' : ''}`,
      [uuid],
      { fixedShape: true },
    );
    if (!found) return null;
    const { gongzhi_write_counts: counts, gongzhi_places: referenced, ...data } = found;
    if (tables) this.audit.startFrom(counts as CountRow[], tables);
    if (referenced) primePlaceSummaries(this.scope, referenced as PlaceRow[]);
    return known ? { held: known } : { data };
  }

  /** The row of a {@link readRow}: the one held, or its columns as a frozen plain row or as a managed entity. */
  private rowOf(entity: EntityClass, read: RowRead, plain: boolean): object | null {
    if (!read) return null;
    if ('held' in read) return read.held;
    if (plain) {
      const [row] = plainRows<object>(this.scope, entity, [read.data]);
      return row ? Object.freeze(row) : null;
    }
    // Merged as `em.find` merges a row it read (`em.map` would also validate every value and
    // cascade a merge through the row's relations, a third of a row's mapping).
    const [row] = managedRows<object>(this.em, entity, [read.data]);
    return row ?? null;
  }
}

/** What {@link Work}'s `readRow` found: the entity the unit of work holds, or the row's columns; null for no row. */
type RowRead = { held: object } | { data: Record<string, unknown> } | null;

/** How a command's input row is loaded: locked (`Command.lock`), as a plain row (`Command.readOnly`). */
interface LoadAs {
  lock: boolean;
  plain: boolean;
}

const UNLOCKED_ENTITY: LoadAs = { lock: false, plain: false };

/** Per entity, the SQL of the summaries of the places its row refers to (alias `t`), or null when it refers to none. */
const placeReferences = new WeakMap<object, string | null>();

/** A JSON array of the summaries of the places `entity`'s row `t` refers to by a many-to-one column (null when none). */
function referencedPlaces(em: EntityManager, entity: EntityClass): string | null {
  const meta = em.getMetadata().find(entity as never)!;
  let sql = placeReferences.get(meta);
  if (sql === undefined) {
    const columns = Object.values(meta.properties)
      .filter((prop) => prop.kind === ReferenceKind.MANY_TO_ONE && prop.targetMeta?.class === Place && prop.fieldNames?.length === 1)
      .map((prop) => `t."${prop.fieldNames[0]}"`);
    sql = columns.length
      ? `(SELECT coalesce(json_agg(p), '[]') FROM (SELECT ${SUMMARY_COLUMNS} FROM place WHERE id IN (${columns.join(', ')})) p)`
      : null;
    placeReferences.set(meta, sql);
  }
  return sql;
}

/** `FROM <table> t WHERE <key> = ?`: the row of `entity` by its primary key, the table schema-qualified and quoted. */
function byKey(em: EntityManager, entity: EntityClass): string {
  const meta = em.getMetadata().find(entity as never)!;
  const [key] = meta.primaryKeys;
  const column = key && (meta.properties as Record<string, { fieldNames: string[] }>)[key]?.fieldNames[0];
  if (!column) throw new Error(`${meta.className} has no primary key column`);
  return `FROM ${meta.schema && meta.schema !== '*' ? `"${meta.schema}".` : ''}"${meta.tableName}" t WHERE t."${column}" = ?`;
}

/** "VolunteerTeam" → "volunteer team". */
function humanName(row: object): string {
  return row.constructor.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The input field a value came from, for messages (a Ref knows its own). */
function fieldOf(value: unknown, key: string): string {
  if (value instanceof Ref) return value.field;
  if (Array.isArray(value) && value[0] instanceof Ref) return (value[0] as Ref).field.replace(/\.\d+$/, '');
  return key;
}

/** Entity classes by GraphQL type name, per ORM metadata (built once: every reference asks). */
const entityTypes = new WeakMap<object, Map<string, EntityClass>>();

/** The entity class whose GraphQL type is `typeName`. */
function entityOfType(em: EntityManager, typeName: string): EntityClass | undefined {
  const metadata = em.getMetadata();
  let types = entityTypes.get(metadata);
  if (!types) {
    types = new Map();
    for (const meta of metadata.getAll().values()) {
      if (meta.abstract || !meta.class) continue;
      const name = graphQLTypeName(meta.class as EntityClass);
      if (!types.has(name)) types.set(name, meta.class as EntityClass);
    }
    entityTypes.set(metadata, types);
  }
  return types.get(typeName);
}

/** Options of {@link loadRef} and {@link requireRef}. */
export interface LoadRefOptions {
  /**
   * Answer a plain row (`rowById`: no hydration, no identity map) instead of a managed entity,
   * for a resolver that reads the row's columns only (and whose type's fields do): see
   * `RelationFieldOptions.rows`. The place rules apply to it all the same.
   */
  rows?: boolean;
}

/**
 * The row a reference names, for a query resolver (commands get theirs resolved): null when it
 * does not exist or the caller may not see it. A malformed id is a BAD_USER_INPUT error.
 */
export async function loadRef<T extends object>(ctx: GongzhiContext, ref: Ref<T>, options: LoadRefOptions = {}): Promise<T | null> {
  if (ref.problem) throw ref.problem;
  const entity = entityOfType(ctx.em, ref.typeName);
  if (!entity) return null;
  // The caller's access (a statement of its own, unless already known) is read beside the row, in its round trip.
  const load = options.rows ? rowById : loadById;
  const [row] = await Promise.all([load<T>(ctx, entity as never, refUuid(ref)), ctx.access()]);
  return row && (await canSee(ctx, row)) ? row : null;
}

/** Like {@link loadRef}, but NOT_FOUND (naming the input) when there is no such row the caller may see. */
export async function requireRef<T extends object>(ctx: GongzhiContext, ref: Ref<T>, options: LoadRefOptions = {}): Promise<T> {
  const row = await loadRef(ctx, ref, options);
  if (!row) throw notFound(ref.typeName, ref.field);
  return row;
}

/** Opens a unit of work over an open transaction, as the actor of `ctx`. */
export async function joinUnitOfWork(ctx: GongzhiContext, tx: { em: EntityManager; emit: EventEmitter }): Promise<UnitOfWork> {
  const work = new Work(ctx, tx.em, tx.emit, createActor(ctx.caller, await ctx.access()));
  // A job's own flushes (a seed's rows) are logged under its name.
  if (ctx.caller?.kind === 'system' && ctx.caller.label) work.audit.outsideCommands = ctx.caller.label;
  return work;
}

/** Turns what a command threw into the domain errors a client handles, or null for faults. */
function asDomainErrors(err: unknown, constraints: ReadonlyMap<string, ConstraintError>): UserError[] | null {
  if (err instanceof DomainError)
    return [{ code: err.code, message: localizedMessage(err, currentLocale()) ?? err.message, field: err.field }];
  const constraint = (err as { constraint?: string } | null)?.constraint;
  const known = constraint ? constraints.get(constraint) : undefined;
  if (known) return [{ code: known.message.code, message: known.message.render(currentLocale(), {}), field: known.field ?? null }];
  return null;
}

/**
 * Runs `command` for the caller of `ctx` in a new unit of work: checks its operation-wide
 * permission (top-level error), resolves the input's references inside the transaction, runs it,
 * commits, then delivers its events. Domain outcomes come back as `errors` (nothing written);
 * credentials and faults are thrown.
 */
export async function runCommand<I, R>(ctx: GongzhiContext, command: Command<I, R>, input: I): Promise<Outcome<R>> {
  const access = await ctx.access();
  if (command.requiresPerson && ctx.caller?.kind !== 'person') {
    throw coreMessages.operationRecordsWhoDid.topLevel();
  }
  if (command.permission !== undefined) {
    if (!ctx.caller) throw coreMessages.signFirstSendAuthorization.topLevel();
    // A grant at the root path ('') is a grant everywhere.
    if (!access.can(command.permission, command.everywhere ? '' : undefined)) {
      const message = command.everywhere ? coreMessages.needPermissionEverywhere : coreMessages.needPermissionSomewhere;
      throw message.topLevel({ permission: command.permission }, { permission: command.permission });
    }
  }
  const actor = createActor(ctx.caller, access);
  let work: Work | undefined;
  try {
    const value = await ctx.events.transaction(
      ctx.em,
      (tx) => (work = new Work(ctx, tx.em, tx.emit, actor, tx.takeFinalWrites)).run(command, input),
      ctx.caller?.id,
    );
    await work?.handOver(ctx);
    return { ok: true, value, errors: [] };
  } catch (thrown) {
    const err = work ? await explainNothingWritten(thrown, work.em, ctx.em) : thrown;
    const errors = asDomainErrors(err, ctx.constraintErrors);
    if (!errors) throw err;
    return { ok: false, value: null, errors };
  }
}

/**
 * What a mutation resolver does: runs the command and answers with its payload, the result in
 * the payload's result field (or `shape(result)` for payloads with fields of their own), or the
 * errors that stopped it.
 *
 * ```ts
 * return perform(ctx, VolunteerTeamMemberPayload, addTeamMember, { team, person, role });
 * ```
 */
export async function perform<I, R, P extends object>(
  ctx: GongzhiContext,
  payload: PayloadClass<P>,
  command: Command<I, R>,
  input: I,
  shape?: (result: R) => Partial<P>,
): Promise<P> {
  const outcome = await runCommand(ctx, command, input);
  const answer = new payload() as P & { errors: UserError[] };
  if (!outcome.ok) {
    answer.errors = outcome.errors;
    return answer;
  }
  Object.assign(answer, shape ? shape(outcome.value) : { [resultFieldOf(payload as PayloadClass)]: outcome.value });
  answer.errors = [];
  return answer;
}
