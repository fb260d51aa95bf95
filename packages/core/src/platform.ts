import 'reflect-metadata';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { EntitySchema, MetadataStorage, UnderscoreNamingStrategy } from '@mikro-orm/core';
import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { assertValidSchema, type GraphQLSchema, isObjectType, printSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { BoardHub, type BoardHubOptions } from './board/board-hub.js';
import { BoardSources } from './board/board-log.js';
import { type BoardTransport, InProcessBoardTransport, PostgresBoardTransport } from './board/board-transport.js';
import { indexFunctionsWithoutPath } from './database/index-functions.js';
import { quickLiteralEscapes } from './database/literal-escape.js';
import { NotificationListener } from './database/notification-listener.js';
import { attachKeptRows, KeptRows, tablesWithoutKeptNotice } from './graphql/kept-rows.js';
import { buildSchema } from 'type-graphql';
import { resolveAccess } from './auth/access.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from './calendar.js';
import { authChecker } from './auth/authorize.js';
import { CORE_ROLE_PERMISSIONS, type PermissionName } from './auth/permission.js';
import type { PlaceRule } from './auth/place-rule.js';
import { checkPlaceRuleReads, checkPlaceRules, guardSchema, startKeyOnlyRule, startKeyOnlyRules } from './auth/scope-guard.js';
import { checkPersonalDataPolicies, type PersonalDataHolder } from './person/personal-data.js';
import { isRowColumnOf } from './graphql/loaders.js';
import { type ConstraintError, joinUnitOfWork, runCommand } from './command/command.js';
import { checkMessageCatalogs } from './i18n/catalog.js';
import { auditSubscriber, userTables } from './audit/audit-trail.js';
import {
  answerReadBatches,
  answerThroughCallback,
  connectionsClosed,
  foldTransactionStart,
  reclaimLostConnections,
  sendWithNext,
  withTimeout,
} from './database/pool.js';
import { bindOrmValues } from './database/bound-values.js';
import { namePreparedStatements } from './database/prepared-statements.js';
import { checkMutationPayloads } from './command/payload.js';
import { checkListFields } from './graphql/bounded-list.js';
import { useTypeNames } from './command/reference.js';
import { bindReferences } from './command/reference-binding.js';
import { bindFieldResolvers, readPlainFieldsInPlace } from './graphql/field-resolvers.js';
import { bindRelationFields, plainRowRelation } from './graphql/relation-field.js';
import { readAheadOfPages } from './graphql/read-ahead.js';
import { bindEarlyReads } from './graphql/by-parent-key.js';
import { type Caller, type GongzhiContext, type PlatformInfo, SYSTEM_CALLER } from './context.js';
import { coreModule } from './core-module.js';
import { PluginCompositionError, StartupError } from './errors.js';
import { ANY_EVENT, EventBus } from './events/event-bus.js';
import type { OutboxOptions } from './events/outbox.js';
import { type Logger, silentLogger } from './logger.js';
import type { MigrationSource } from './migrations/migration.js';
import { migrate } from './migrations/migrator.js';
import { PhotoLinks } from './request/photo-links.js';
import { composePlugins } from './plugin/composition.js';
import {
  type ClassType,
  type GongzhiPlugin,
  type PluginContext,
  type PluginOptionsHost,
  type PluginRuntimeContext,
  pluginDbSchema,
  type ServiceRegistry,
} from './plugin/plugin.js';
import { CORE_VERSION } from './version.js';
import { type FoldTotals, RequestCountFolder, type RequestCountOptions } from './request/request-count-folder.js';
import { checkLogRetention, LogPruner, type LogRetentionOptions, type PruneTotals } from './audit/log-retention.js';
import { AdvisoryTaskLeases, checkScheduledTasks, ScheduledTasks, type ScheduledTaskTotals } from './plugin/scheduled-task.js';
import { type CheckedExport, checkSpreadsheetExports } from './plugin/spreadsheet-export.js';
import { DEFAULT_REQUEST_REMINDERS, MAX_DUE_SOON_HOURS, type RequestReminderOptions } from './request/request-due.task.js';
import { WebhookDispatcher, type WebhookOptions } from './webhook/webhook.dispatcher.js';
import { subscribeWebhookFanOut } from './webhook/webhook.fan-out.js';
import { subscribeDuplicatesFollow } from './request/duplicates-follow.js';
import { type EventType, EventTypes } from './events/event-catalog.js';

export interface PlatformOptions {
  /** PostgreSQL connection URL of the application database. */
  databaseUrl: string;
  /**
   * Resolves when the database at `databaseUrl` accepts connections (an embedded server still
   * starting). What needs no database (entity metadata, the composed schema and its checks) is
   * prepared meanwhile. Default: ready now.
   */
  databaseReady?: Promise<unknown>;
  /** Plugins to run, in configured order; the host reorders them by dependency. */
  plugins?: readonly GongzhiPlugin[];
  /** Options per plugin id, merged over each plugin's defaults. */
  pluginOptions?: Record<string, unknown>;
  logger?: Logger;
  /** Apply pending migrations while starting (default true). */
  migrate?: boolean;
  /** The clock every time rule uses; tests pass a controllable one. */
  clock?: () => Date;
  /**
   * The district's time zone (IANA, default `Asia/Shanghai`): the calendar days role dates are
   * counted in (a role ending on a day holds until that day's midnight there, not UTC's).
   */
  timeZone?: string;
  /** Pool size of the ORM's connection pool. */
  poolSize?: number;
  /** PostgreSQL statement_timeout of every query, in milliseconds (none when unset). */
  statementTimeoutMs?: number;
  /**
   * Longest wait for a database connection (a new one, or a free one of the pool), in
   * milliseconds (default 5000). Past it the query fails with an error that
   * {@link isDatabaseUnavailable} recognises; nothing waits for ever.
   */
  acquireTimeoutMs?: number;
  /**
   * Live task boards: how board notices travel between processes (`in-process`, the default,
   * for one process alone; `postgres` for LISTEN/NOTIFY across processes; or any
   * {@link BoardTransport}), and the hub's limits.
   */
  boards?: BoardHubOptions & { transport?: 'in-process' | 'postgres' | BoardTransport };
  /** How the event outbox delivers to after-commit handlers: sweep interval, hand-over, back-off. */
  outbox?: OutboxOptions;
  /** How this process sends webhook deliveries: poll interval, timeout, concurrency, back-off, retry window. */
  webhooks?: WebhookOptions;
  /** How often this process folds the kept request counts (the subtree reports' rows) back into one row per status and level. */
  requestCounts?: RequestCountOptions;
  /** How long the audit and sensitive-access logs are kept (180 days at least); unset, for ever. */
  logRetention?: LogRetentionOptions;
  /** Reminders of requests' coming deadlines (`request.due-soon`): how long before, how often looked for. */
  requestReminders?: Partial<RequestReminderOptions>;
  /**
   * Emitting an event its module did not declare (`GongzhiPlugin.events`) throws instead of
   * logging a warning once: for tests (`createTestApp` sets it), where it means the code is wrong.
   */
  strictEvents?: boolean;
  /**
   * The process's LISTEN connection (the gateway's, shared with boards and revocations). With it,
   * which events webhooks subscribe to is kept in the process, dropped on the database's change
   * notices, instead of asked by every emitting transaction. The caller closes it.
   */
  notifications?: NotificationListener;
}

/** A composed, running platform: one ORM, one schema, one event bus. */
export interface Platform {
  readonly info: PlatformInfo;
  /** Plugins in load (dependency) order. */
  readonly plugins: readonly GongzhiPlugin[];
  readonly orm: MikroORM;
  readonly schema: GraphQLSchema;
  readonly events: EventBus;
  /** The live task board hub of this process. */
  readonly boards: BoardHub;
  /** What this process's fold of the kept request counts has done since it started (kept current). */
  readonly countFolds: Readonly<FoldTotals>;
  /** What this process's log pruner has deleted and how often it ran (see `logRetention`). */
  readonly logPrunes: Readonly<PruneTotals>;
  /** Core's and every plugin's scheduled tasks and what their rounds have come to in this process (kept current). */
  readonly scheduledTasks: readonly Readonly<ScheduledTaskTotals>[];
  /**
   * Runs a round of a scheduled task (`core.due-reminders`, `grid.escalation`) now, under its
   * lease, whether or not it is turned off here: for tests and operators. A fault is thrown.
   */
  runScheduledTask(task: string): Promise<void>;
  /** Core's and the plugins' spreadsheet exports, checked against the schema (the gateway serves them at `/export/<name>.csv`). */
  readonly spreadsheetExports: readonly CheckedExport[];
  /** Signs and checks the links to uploaded photos (the gateway serves them at `/photos/…`). */
  readonly photoLinks: PhotoLinks;
  readonly services: ServiceRegistry;
  readonly logger: Logger;
  readonly databaseUrl: string;
  /** The platform clock (a plain function, safe to pass on). */
  readonly now: () => Date;
  /** A context for one operation, with its own EntityManager fork. */
  createContext(caller?: Caller | null): GongzhiContext;
  /**
   * Proves the platform can serve: one query through the connection pool operations use,
   * rejected when it takes longer than `timeoutMs` (what readiness probes ask).
   */
  checkDatabase(timeoutMs: number): Promise<void>;
  /** Loads core's and every plugin's demo data; seeding twice adds nothing. */
  seed(): Promise<void>;
  /** Runs every plugin's `destroy` in reverse order and closes the ORM. */
  close(): Promise<void>;
}

/** Which permissions each person role grants: core's table plus what plugins declare. */
function rolePermissionTable(plugins: readonly GongzhiPlugin[]): (role: string) => readonly PermissionName[] {
  const table = new Map<string, PermissionName[]>(Object.entries(CORE_ROLE_PERMISSIONS).map(([role, perms]) => [role, [...perms]]));
  for (const plugin of plugins) {
    for (const [permission, spec] of Object.entries(plugin.permissions ?? {})) {
      for (const role of spec.roles) (table.get(role) ?? table.set(role, []).get(role)!).push(permission);
    }
  }
  return (role) => table.get(role) ?? [];
}

/** Every migration source in the order they apply: core first, then plugins in dependency order. */
export function migrationSources(plugins: readonly GongzhiPlugin[]): MigrationSource[] {
  return [{ owner: 'core', migrations: coreModule.migrations }, ...plugins.map((p) => ({ owner: p.id, migrations: p.migrations ?? [] }))];
}

function resolveOptions(plugin: GongzhiPlugin, given: unknown, host: PluginOptionsHost): unknown {
  const spec = plugin.options;
  if (!spec) return given ?? {};
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new PluginCompositionError(`Options of plugin "${plugin.id}" must be an object, got ${JSON.stringify(given)}.`);
  }
  const declared = spec.defaults as Record<string, unknown> | ((host: PluginOptionsHost) => Record<string, unknown>);
  const defaults = typeof declared === 'function' ? declared(host) : declared;
  const options = { ...defaults, ...given };
  const problems = spec.validate?.(options) ?? [];
  if (problems.length > 0) {
    throw new PluginCompositionError(`Options of plugin "${plugin.id}" are invalid: ${problems.join('; ')}.`);
  }
  return options;
}

function createServiceRegistry(provided: Map<string, object>, allowed: ReadonlySet<string> | null, requester: string): ServiceRegistry {
  return {
    get(pluginId: string) {
      if (allowed && !allowed.has(pluginId)) {
        throw new StartupError(
          `Plugin "${requester}" asked for the services of "${pluginId}" without depending on it. Fix: add "${pluginId}" to its dependsOn.`,
        );
      }
      const services = provided.get(pluginId);
      if (!services) {
        throw new StartupError(`Plugin "${pluginId}" offers no services (asked by "${requester}").`);
      }
      return services;
    },
  };
}

/**
 * Checks, before the ORM starts, that every plugin entity lives in its plugin's schema and no
 * two entities share a table, reading the metadata the entity decorators recorded.
 */
function checkTables(plugins: readonly GongzhiPlugin[]): void {
  const decorated = Object.values(MetadataStorage.getMetadata());
  const naming = new UnderscoreNamingStrategy();
  const owners = new Map<string, string>();
  const sources: { owner: string; schema: string; entities: readonly (ClassType | EntitySchema)[] }[] = [
    { owner: 'core', schema: 'public', entities: coreModule.entities },
    ...plugins.map((p) => ({ owner: `plugin "${p.id}"`, schema: pluginDbSchema(p), entities: p.entities ?? [] })),
  ];
  for (const source of sources) {
    for (const entity of source.entities) {
      const meta = entity instanceof EntitySchema ? entity.meta : decorated.find((m) => m.class === entity);
      const entityName = entity instanceof EntitySchema ? entity.meta.className : entity.name;
      if (!meta) {
        throw new PluginCompositionError(
          `${entityName} of ${source.owner} is not a MikroORM entity. Fix: decorate it with @Entity({ schema: '${source.schema}' }).`,
        );
      }
      const schema = meta.schema ?? 'public';
      const tableName = meta.tableName ?? naming.classToTableName(meta.className ?? entityName);
      if (schema !== source.schema) {
        throw new PluginCompositionError(
          `Entity ${entityName} of ${source.owner} uses table ${schema}.${tableName}, outside its own schema. Fix: declare @Entity({ schema: '${source.schema}' }).`,
        );
      }
      const table = `${schema}.${tableName}`;
      const other = owners.get(table);
      if (other) {
        throw new PluginCompositionError(
          `Table ${table} is declared by ${other} and by ${source.owner} (entity ${entityName}). Fix: rename one of the tables.`,
        );
      }
      owners.set(table, `${source.owner} (entity ${entityName})`);
    }
  }
}

/**
 * type-graphql wants a PubSub whenever the schema has a subscription. Gongzhi's subscriptions
 * bring their own source stream (`@Subscription({ subscribe })`, fed by the board hub), so
 * topic-based ones are refused with a pointer to the way that works across processes.
 */
const NO_TOPIC_PUBSUB = {
  publish(): void {
    throw new Error(
      'Topic-based subscriptions are not supported: use @Subscription({ subscribe }) with a stream that works across processes (see docs/boards.md).',
    );
  },
  subscribe(): never {
    throw new Error(
      'Topic-based subscriptions are not supported: use @Subscription({ subscribe }) with a stream that works across processes (see docs/boards.md).',
    );
  },
};

async function buildComposedSchema(resolvers: ClassType[], orphanedTypes: ClassType[], plugins: readonly GongzhiPlugin[]) {
  try {
    const schema = await buildSchema({
      resolvers: resolvers as [ClassType, ...ClassType[]],
      orphanedTypes,
      validate: false,
      authChecker,
      pubSub: NO_TOPIC_PUBSUB,
      // type-graphql checks a schema by running the introspection query on it (~3 % of a start's
      // CPU); graphql's own validation finds the same faults, and its verdict is kept on the schema.
      skipCheck: true,
    });
    assertValidSchema(schema);
    return schema;
  } catch (err) {
    const duplicate = /multiple types named "?([A-Za-z0-9_]+)"?/.exec((err as Error).message)?.[1];
    if (!duplicate) throw err;
    // Find who contributes the type: build core alone and core with each plugin.
    const contributors: string[] = [];
    const coreOnly = await buildSchema({ resolvers: coreModule.resolvers as never, validate: false, pubSub: NO_TOPIC_PUBSUB }).catch(
      () => null,
    );
    if (coreOnly?.getType(duplicate)) contributors.push('core');
    for (const plugin of plugins) {
      const alone = await buildSchema({
        resolvers: [...coreModule.resolvers, ...(plugin.resolvers ?? [])] as never,
        orphanedTypes: [...coreModule.orphanedTypes, ...(plugin.orphanedTypes ?? [])],
        validate: false,
        pubSub: NO_TOPIC_PUBSUB,
      }).catch(() => 'collides-with-core' as const);
      if (alone === 'collides-with-core' || (alone.getType(duplicate) && !coreOnly?.getType(duplicate))) {
        contributors.push(`plugin "${plugin.id}"`);
      }
    }
    throw new PluginCompositionError(
      `GraphQL type name "${duplicate}" is defined more than once (by ${contributors.join(' and ') || 'several contributors'}). Fix: rename the plugin's type, prefixing it with the plugin's name (e.g. "Grid${duplicate}").`,
      { cause: err },
    );
  }
}

/**
 * An event contract belongs to its emitter: a plugin that listens to another plugin's events
 * (`volunteer.service-verified`) must depend on it with a version range, so the host can tell
 * when an upgrade of the emitter breaks the listener. Core's events (`request.*`…) need nothing.
 */
function checkEventListeners(plugins: readonly GongzhiPlugin[], events: EventBus): void {
  const installed = new Set(plugins.map((p) => p.id));
  for (const { owner, event } of events.listeners()) {
    if (event !== ANY_EVENT && !events.eventTypes.allows(event)) {
      throw new PluginCompositionError(
        `Plugin "${owner}" listens to "${event}", which is not among the events its emitter declares. Fix: correct the name (known: ${events.eventTypes.near(event).join(', ')}), or declare the event in its emitter's events.`,
      );
    }
    const emitter = event.split('.')[0] ?? '';
    if (emitter === owner || coreModule.eventNamespaces.includes(emitter)) continue;
    const plugin = plugins.find((p) => p.id === owner);
    if (plugin?.dependsOn?.[emitter]) continue;
    throw new PluginCompositionError(
      installed.has(emitter)
        ? `Plugin "${owner}" listens to "${event}" of plugin "${emitter}" without depending on it. Fix: add "${emitter}" with the version range whose event contract it was written against to its dependsOn (e.g. dependsOn: { "${emitter}": "^0.3.0" }), and import the event's type from "@gongzhi/plugin-${emitter}/events".`
        : `Plugin "${owner}" listens to "${event}", but no installed plugin is called "${emitter}" and core emits no such events. Fix: install the plugin that emits it and add it to "${owner}"'s dependsOn, or correct the event name.`,
    );
  }
}

/**
 * A plugin's after-commit handlers are delivered from the event outbox, which records each
 * delivery by handler id: every one needs an id of its own, in the plugin's namespace, that
 * stays the same across versions.
 */
function checkHandlerIds(events: EventBus): void {
  const seen = new Map<string, string>();
  for (const { owner, event, blocking, id } of events.listeners()) {
    if (blocking) continue;
    if (!id) {
      throw new PluginCompositionError(
        `Plugin "${owner}" listens to "${event}" after commit without a handler id. Fix: name the handler, e.g. events.on('${event}', handler, { id: '${owner}.<what-it-does>' }); events reach after-commit handlers at least once through an outbox that records each delivery by that id, so keep it the same across versions and make the handler idempotent.`,
      );
    }
    if (!id.startsWith(`${owner}.`)) {
      throw new PluginCompositionError(
        `Plugin "${owner}" names its handler of "${event}" "${id}", outside its own namespace. Fix: start the id with "${owner}." (e.g. "${owner}.${id}").`,
      );
    }
    const other = seen.get(id);
    if (other) {
      throw new PluginCompositionError(
        `Plugin "${owner}" uses the handler id "${id}" twice (for "${other}" and for "${event}"). Fix: give each after-commit handler an id of its own.`,
      );
    }
    seen.set(id, event);
  }
}

/**
 * The command path's start-up checks: every `ID` argument and input field is a declared
 * reference, and every mutation answers with a payload carrying `errors`. Each problem names
 * its owner and the fix.
 */
function checkCommandPath(schema: GraphQLSchema, plugins: readonly GongzhiPlugin[]): void {
  const owners = new Map<ClassType, string>([
    ...coreModule.resolvers.map((r) => [r, 'core'] as const),
    ...plugins.flatMap((p) => (p.resolvers ?? []).map((r) => [r, `plugin "${p.id}"`] as const)),
  ]);
  const storage = getMetadataStorage();
  const typeNames = new Map(storage.objectTypes.map((o) => [o.target as ClassType, o.name]));
  const typeNameOf = (target: ClassType) => typeNames.get(target) ?? target.name;
  useTypeNames(typeNameOf);
  const problems = bindReferences(schema, [...owners.keys()], typeNameOf, (r) => owners.get(r) ?? 'an unknown contributor');
  const mutationOwner = (name: string) =>
    owners.get(storage.mutations.find((m) => m.schemaName === name && owners.has(m.target as ClassType))?.target as ClassType) ??
    'an unknown contributor';
  if (problems.length) throw new PluginCompositionError(`Every id an operation takes must be a declared reference: ${problems.join(' ')}`);
  checkMutationPayloads(schema, mutationOwner);
}

/** Every board item type must be an object type of the schema that implements Node. */
function checkBoardTypes(schema: GraphQLSchema, sources: BoardSources): void {
  for (const type of sources.byType.keys()) {
    const found = schema.getType(type);
    if (!isObjectType(found) || !found.getInterfaces().some((i) => i.name === 'Node')) {
      throw new PluginCompositionError(
        `Board item type "${type}" is not a GraphQL object type implementing Node in the composed schema. Fix: name the item's @ObjectType({ implements: Node }) in boardItems.type, and list its resolver or orphanedTypes.`,
      );
    }
  }
}

/**
 * The GraphQL schema core and `plugins` compose, built from their resolvers alone (no database,
 * no ORM): what the schema contract (`pnpm schema`) prints and compares.
 */
export async function composeSchema(plugins: readonly GongzhiPlugin[]): Promise<GraphQLSchema> {
  const ordered = composePlugins(plugins, CORE_VERSION);
  return buildComposedSchema(
    [...coreModule.resolvers, ...ordered.flatMap((p) => p.resolvers ?? [])],
    [...coreModule.orphanedTypes, ...ordered.flatMap((p) => p.orphanedTypes ?? [])],
    ordered,
  );
}

/** The events of core and `plugins` (composed, in load order), from their catalogs. */
function eventTypesOf(plugins: readonly GongzhiPlugin[]): EventTypes {
  return new EventTypes([
    { owner: 'core', namespaces: coreModule.eventNamespaces, catalog: coreModule.events },
    ...plugins.map((p) => ({ owner: p.id, namespaces: [p.id], catalog: p.events })),
  ]);
}

/**
 * Every event core and `plugins` declare, each with its payload's fields, by name: what the
 * `eventTypes` query answers, without a database (for generated documentation).
 */
export function describeEvents(plugins: readonly GongzhiPlugin[]): EventType[] {
  return eventTypesOf(composePlugins(plugins, CORE_VERSION)).list();
}

/** The composed schema of core and `plugins` as SDL (see {@link composeSchema}). */
export async function composeSdl(plugins: readonly GongzhiPlugin[]): Promise<string> {
  return printSchema(await composeSchema(plugins));
}

/**
 * Composes core and plugins into one running platform: checks the plugin list, runs
 * `register`, applies migrations, starts one ORM over every entity, builds one GraphQL
 * schema, creates services and runs `bootstrap`. Any failure stops everything already started.
 */
export async function createPlatform(options: PlatformOptions): Promise<Platform> {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? (() => new Date());
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) {
    throw new StartupError(
      `The time zone "${timeZone}" is not one this runtime knows. Fix: give an IANA time zone such as "Asia/Shanghai" or "Asia/Urumqi" (GONGZHI_TIME_ZONE, or "timeZone" in gongzhi.config.json).`,
    );
  }
  const reminders: RequestReminderOptions = { ...DEFAULT_REQUEST_REMINDERS, ...options.requestReminders };
  if (!Number.isInteger(reminders.dueSoonHours) || reminders.dueSoonHours < 0 || reminders.dueSoonHours > MAX_DUE_SOON_HOURS) {
    throw new StartupError(
      `The reminder window of requests' deadlines is ${String(reminders.dueSoonHours)} hours. Fix: a whole number of hours from 0 (no reminders) to ${MAX_DUE_SOON_HOURS} (GONGZHI_DUE_SOON_HOURS).`,
    );
  }
  if (!Number.isSafeInteger(reminders.intervalMs) || reminders.intervalMs < 1) {
    throw new StartupError(
      `The interval of the deadline reminders is ${String(reminders.intervalMs)} ms. Fix: a whole number of milliseconds from 1.`,
    );
  }
  const plugins = composePlugins(options.plugins ?? [], CORE_VERSION);
  const info: PlatformInfo = {
    coreVersion: CORE_VERSION,
    timeZone,
    dueSoonHours: reminders.dueSoonHours,
    plugins: plugins.map((p) => ({ id: p.id, version: p.version, coreRange: p.coreRange, dependsOn: { ...p.dependsOn } })),
    // Known once they are checked against the composed schema (below).
    spreadsheetExports: [],
  };
  const resolvedOptions = new Map(plugins.map((p) => [p.id, resolveOptions(p, options.pluginOptions?.[p.id], { timeZone })]));

  let orm: MikroORM | undefined;
  const rootEm = (): EntityManager => {
    if (!orm) throw new StartupError('The database is not ready yet: events cannot be emitted during register.');
    return orm.em.fork();
  };
  const events = new EventBus(rootEm, logger, options.outbox);
  events.eventTypes = eventTypesOf(plugins);
  events.strictEvents = options.strictEvents ?? false;
  // Legitimate, but usually an oversight: a webhook of a key scoped to places never receives such an event.
  const placeless = events.eventTypes.list().filter((e) => !e.payload.some((f) => f.name === 'placePath'));
  if (placeless.length) {
    logger.warn(
      { events: placeless.map((e) => e.name) },
      'these events carry no placePath: only webhooks of keys that see everywhere receive them. Add placePath (the place each is about) to their payloads and catalogs',
    );
  }
  const provided = new Map<string, object>();
  // A plugin reaches the services of the plugins it depends on, and its own (once they are made).
  const registryFor = (p: GongzhiPlugin) => createServiceRegistry(provided, new Set([p.id, ...Object.keys(p.dependsOn ?? {})]), p.id);
  const pluginContext = (p: GongzhiPlugin): PluginContext => ({
    options: resolvedOptions.get(p.id),
    logger: logger.child({ plugin: p.id }),
    events: events.forPlugin(p.id),
    services: registryFor(p),
  });

  for (const plugin of plugins) {
    try {
      await plugin.register?.(pluginContext(plugin));
    } catch (err) {
      throw new StartupError(`Plugin "${plugin.id}" failed in register: ${(err as Error).message}`, { cause: err });
    }
  }

  const boardSources = new BoardSources([
    ...coreModule.boardItems.map((source) => ({ owner: 'core', source })),
    ...plugins.flatMap((p) => (p.boardItems ?? []).map((source) => ({ owner: `plugin "${p.id}"`, source }))),
  ]);
  const transportOption = options.boards?.transport ?? 'in-process';
  const transport: BoardTransport =
    transportOption === 'postgres'
      ? new PostgresBoardTransport(new NotificationListener(options.databaseUrl, logger), true)
      : transportOption === 'in-process'
        ? new InProcessBoardTransport()
        : transportOption;
  const boards = new BoardHub(rootEm, boardSources, transport, logger, options.boards);
  // Board events are handed to the log at the end of the emitting transaction (riding on its last
  // statement when it can; numbered and notified as it commits), and announced in this process
  // once it committed.
  events.onFinalWrite((pending) => boards.finalWrite(pending));
  events.onCommitted((committed) => {
    if (boards.logs(committed)) boards.afterCommit();
  });

  checkTables(plugins);
  checkLogRetention(options.logRetention);
  checkScheduledTasks(plugins, (p) => resolvedOptions.get(p.id));
  const entities = [...coreModule.entities, ...plugins.flatMap((p) => p.entities ?? [])];
  try {
    orm = new MikroORM({
      clientUrl: options.databaseUrl,
      entities: entities as never,
      metadataProvider: ReflectMetadataProvider,
      allowGlobalContext: false,
      // Feeds every unit of work's audit trail with the change sets of its flushes.
      subscribers: [auditSubscriber],
      pool: { min: 0, max: options.poolSize ?? 10 },
      // The database exists: the embedded server's start creates it, an external one is the
      // operator's. MikroORM would otherwise look it up again at the first connection.
      ensureDatabase: false,
      // Passed to the pg Pool: an acquire timeout (a new connection or a free one), TCP keepalive so
      // a silently dead connection is noticed, and the server-side statement time limit.
      driverOptions: {
        connectionTimeoutMillis: options.acquireTimeoutMs ?? 5000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      },
      debug: false,
    });
  } catch (err) {
    throw new StartupError(`Entity metadata is invalid: ${(err as Error).message}`, { cause: err });
  }
  const ready = orm;
  quickLiteralEscapes(ready.em.getPlatform());
  const keptRows = new KeptRows(options.notifications ?? null, [...ready.getMetadata().getAll().values()]);
  attachKeptRows(ready.em, keptRows);
  bindOrmValues(ready.em.getConnection(), ready.em.getPlatform());
  // Several rules may name one entity (a plugin adds places to core's Person): any of them may show a row.
  const placeRules = new Map<ClassType, PlaceRule[]>();
  for (const rule of [...coreModule.placeRules, ...plugins.flatMap((p) => p.placeRules ?? [])]) {
    (placeRules.get(rule.entity) ?? placeRules.set(rule.entity, []).get(rule.entity)!).push(rule);
  }
  const rolePermissions = rolePermissionTable(plugins);
  checkMessageCatalogs(
    [{ owner: 'core', catalog: coreModule.messages }, ...plugins.map((p) => ({ owner: p.id, catalog: p.messages ?? {} }))],
    [coreModule, ...plugins].flatMap((m) => Object.values(m.constraintErrors ?? {}).map((c) => c.message)),
  );
  const constraintErrors = new Map<string, ConstraintError>([
    ...Object.entries(coreModule.constraintErrors),
    ...plugins.flatMap((p) => Object.entries(p.constraintErrors ?? {})),
  ]);
  // An erasure runs plugins first, each before the plugins it depends on, then core.
  const personalData: PersonalDataHolder[] = [
    ...[...plugins].reverse().flatMap((p) => (p.personalData ? [{ owner: p.id, policy: p.personalData }] : [])),
    { owner: 'core', policy: coreModule.personalData },
  ];
  // Every operation's context; the registry answers once bootstrap has built the services.
  const services: ServiceRegistry = createServiceRegistry(provided, null, 'a resolver');
  // Its key is read once the migrations have made its table.
  const photoLinks = new PhotoLinks();
  const createContext = (caller: Caller | null = null): GongzhiContext => {
    const em = ready.em.fork() as EntityManager;
    let access: ReturnType<GongzhiContext['access']> | undefined;
    return {
      em,
      events,
      services,
      caller,
      access: () => (access ??= resolveAccess(em, caller, clock(), rolePermissions, timeZone)),
      placeRules,
      constraintErrors,
      platform: info,
      logger,
      loaders: new Map(),
      now: clock,
      boards,
      personalData,
      photoLinks,
    };
  };
  // Committed events reach webhooks through the outbox like any after-commit handler.
  const webhookInterest = subscribeWebhookFanOut(events, rolePermissions, clock, options.notifications ?? null, timeZone);
  subscribeDuplicatesFollow(events);
  const webhookDispatcher = new WebhookDispatcher(options.databaseUrl, logger, options.webhooks, (name, payload) =>
    events.eventTypes.forClients(name, payload),
  );
  const countFolder = new RequestCountFolder(() => ready.em.fork(), logger, options.requestCounts);
  const logPruner = new LogPruner(() => ready.em.fork(), logger, options.logRetention);
  events.systemUnitOfWork = (tx, label) => joinUnitOfWork(createContext({ ...SYSTEM_CALLER, label }), tx);
  const destroyed: GongzhiPlugin[] = [];
  let runtimeContext: ((p: GongzhiPlugin) => PluginRuntimeContext) | undefined;
  try {
    const resolvers = [...coreModule.resolvers, ...plugins.flatMap((p) => p.resolvers ?? [])];
    const schema = await buildComposedSchema(
      resolvers,
      [...coreModule.orphanedTypes, ...plugins.flatMap((p) => p.orphanedTypes ?? [])],
      plugins,
    );
    const entityClass = (e: ClassType | EntitySchema): ClassType | undefined => (e instanceof EntitySchema ? e.meta.class : e);
    checkPlaceRules(
      entities.map(entityClass).filter((c) => c !== undefined),
      placeRules,
      (cls) =>
        coreModule.entities.includes(cls) ? 'core' : `plugin "${plugins.find((p) => p.entities?.some((e) => entityClass(e) === cls))?.id}"`,
    );
    const metadataOf = (list: readonly (ClassType | EntitySchema)[] | undefined) =>
      (list ?? []).map((e) => ready.getMetadata().find((entityClass(e) ?? e) as never)).filter((meta) => meta !== undefined);
    checkPersonalDataPolicies([
      { owner: 'core', entities: metadataOf(coreModule.entities), policy: coreModule.personalData },
      ...plugins.map((p) => ({ owner: `plugin "${p.id}"`, entities: metadataOf(p.entities), policy: p.personalData })),
    ]);
    checkPlaceRuleReads(
      [
        ...coreModule.placeRules.map((rule) => ({ owner: 'core', rule })),
        ...plugins.flatMap((p) => (p.placeRules ?? []).map((rule) => ({ owner: `plugin "${p.id}"`, rule }))),
      ],
      (entity, property) => isRowColumnOf({ em: ready.em }, entity, property),
    );
    checkCommandPath(schema, plugins);
    checkListFields(schema);
    const spreadsheetExports = checkSpreadsheetExports(schema, [
      ...coreModule.spreadsheetExports.map((spreadsheet) => ({ owner: 'core', spreadsheet })),
      ...plugins.flatMap((p) => (p.spreadsheetExports ?? []).map((spreadsheet) => ({ owner: `plugin "${p.id}"`, spreadsheet }))),
    ]);
    info.spreadsheetExports = spreadsheetExports;
    readPlainFieldsInPlace(schema, resolvers);
    bindRelationFields(schema);
    bindFieldResolvers(schema, resolvers);
    // A row asked by id starts beside it its relations' rows and its first place rule when that reads only its key.
    bindEarlyReads(schema, { atKey: (ctx, keyOnly) => startKeyOnlyRule(ctx as GongzhiContext, keyOnly), relationOf: plainRowRelation });
    guardSchema(schema);
    readAheadOfPages(schema, startKeyOnlyRules);
    checkBoardTypes(schema, boardSources);
    events.eventTypes.checkNodeTypes(schema);
    // Nothing above needed the database: an embedded server still starting was doing so meanwhile.
    await options.databaseReady;
    const nativePool = await ready.em.getConnection().getNativeClient();
    reclaimLostConnections(nativePool, logger);
    answerThroughCallback(nativePool);
    foldTransactionStart(nativePool);
    sendWithNext(nativePool);
    answerReadBatches(nativePool);
    namePreparedStatements(nativePool, logger);
    if (options.migrate ?? true) await migrate(options.databaseUrl, migrationSources(plugins), { logger });
    await photoLinks.load(ready.em.fork());
    // The tables the audit trail counts writes on, as the migrations left them; the kept rows' notices.
    const [, unannounced, unfixedPaths] = await Promise.all([
      userTables(ready.em.fork()),
      tablesWithoutKeptNotice(ready.em.fork(), [...keptRows.keptTables.keys()]),
      indexFunctionsWithoutPath(ready.em.fork()),
    ]);
    for (const { index, schema: indexSchema, fn } of unfixedPaths) {
      const owner = plugins.find((p) => pluginDbSchema(p) === indexSchema);
      throw new StartupError(
        `Index ${index} of ${owner ? `plugin "${owner.id}"` : 'core'} calls ${fn}, whose search path is not fixed. PostgreSQL 17 and later compute an index's expressions ` +
          `in ANALYZE, VACUUM and REINDEX (autovacuum's too) with search_path = pg_catalog, pg_temp, where a function naming another without its schema fails, ` +
          `and the table is never analysed. Fix: in a new migration, ALTER FUNCTION ${fn} SET search_path FROM CURRENT;`,
      );
    }
    for (const table of unannounced) {
      const entity = keptRows.keptTables.get(table)!;
      const owner = plugins.find((p) => p.entities?.includes(entity as never));
      throw new StartupError(
        `${(entity as { name: string }).name} of ${owner ? `plugin "${owner.id}"` : 'core'} keeps its rows in process (keepRowsInProcess), but no trigger announces the changes of ${table}. ` +
          `Fix: in a migration, CREATE TRIGGER ${table.split('.')[1]}_kept_rows_changed AFTER UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_notice();`,
      );
    }

    const contextFor = (p: GongzhiPlugin): PluginRuntimeContext => ({
      ...pluginContext(p),
      orm: ready,
      em: () => ready.em.fork(),
      schema,
      now: clock,
      runCommand: (label, command, input) => runCommand(createContext({ ...SYSTEM_CALLER, label }), command, input),
    });
    runtimeContext = contextFor;
    for (const plugin of plugins) {
      if (plugin.services) provided.set(plugin.id, plugin.services(contextFor(plugin)));
    }
    for (const plugin of plugins) {
      try {
        await plugin.bootstrap?.(contextFor(plugin));
      } catch (err) {
        throw new StartupError(`Plugin "${plugin.id}" failed in bootstrap: ${(err as Error).message}`, { cause: err });
      }
      destroyed.unshift(plugin);
    }
    // Subscriptions made in register and bootstrap alike.
    checkEventListeners(plugins, events);
    checkHandlerIds(events);
    const allServices = services;
    // Started last, with the rest of the background work.
    const leases = new AdvisoryTaskLeases(options.databaseUrl);
    const coreTasks: PluginRuntimeContext<RequestReminderOptions> = {
      options: reminders,
      logger: logger.child({ module: 'core' }),
      events,
      services,
      orm: ready,
      em: () => ready.em.fork(),
      schema,
      now: clock,
      runCommand: (label, command, input) => runCommand(createContext({ ...SYSTEM_CALLER, label }), command, input),
    };
    const scheduled = new ScheduledTasks(
      [
        { id: 'core', tasks: coreModule.scheduledTasks, ctx: coreTasks },
        ...plugins.map((p) => ({ id: p.id, tasks: p.scheduledTasks ?? [], ctx: contextFor(p) })),
      ],
      leases.take,
    );

    const platform: Platform = {
      info,
      plugins,
      orm: ready,
      schema,
      events,
      boards,
      countFolds: countFolder.totals,
      logPrunes: logPruner.totals,
      scheduledTasks: scheduled.totals,
      runScheduledTask: (task) => scheduled.runNow(task),
      spreadsheetExports,
      photoLinks,
      services: allServices,
      logger,
      databaseUrl: options.databaseUrl,
      now: clock,
      createContext,
      async checkDatabase(timeoutMs) {
        await withTimeout(timeoutMs, 'the database check', () => ready.em.getConnection().execute('select 1'));
      },
      async seed() {
        const em = ready.em.fork() as EntityManager;
        await em.transactional(async (tx) => {
          await coreModule.seed(tx, clock);
          for (const plugin of plugins) {
            // Each plugin's seed starts with nothing loaded: every flush compares each row the
            // EntityManager holds, and the council seed's flushes spent ~200 ms of CPU on the
            // hundreds of rows the seeds before it left (130–160 ms without them).
            await tx.flush();
            tx.clear();
            await plugin.seed?.({ ...contextFor(plugin), em: () => tx });
          }
        });
      },
      async close() {
        // A task's round under way ends first, its events delivered here.
        await scheduled.stop();
        await leases.close();
        // Deliveries under way finish; the rest stay in the outbox for the next process's sweep.
        await events.stopDelivery().catch((err) => logger.error({ err }, 'stopping event delivery failed'));
        await webhookDispatcher.stop().catch((err) => logger.error({ err }, 'stopping the webhook dispatcher failed'));
        await countFolder.stop();
        await logPruner.stop();
        for (const plugin of destroyed) {
          try {
            await plugin.destroy?.(contextFor(plugin));
          } catch (err) {
            logger.error({ err, plugin: plugin.id }, 'plugin destroy failed');
          }
        }
        webhookInterest.close();
        keptRows.close();
        await boards.close().catch((err) => logger.error({ err }, 'closing the board hub failed'));
        const closed = connectionsClosed(nativePool);
        await ready.close(true);
        await closed;
      },
    };
    await webhookInterest.start();
    await keptRows.start();
    events.startSweeping();
    webhookDispatcher.start();
    countFolder.start();
    logPruner.start();
    scheduled.start();
    return platform;
  } catch (err) {
    await events.stopDelivery().catch(() => undefined);
    await webhookDispatcher.stop().catch(() => undefined);
    for (const plugin of destroyed) {
      await Promise.resolve(runtimeContext && plugin.destroy?.(runtimeContext(plugin))).catch(() => undefined);
    }
    webhookInterest.close();
    keptRows.close();
    await boards.close().catch(() => undefined);
    await ready.close(true).catch(() => undefined);
    throw err;
  }
}
