import type { EntitySchema } from '@mikro-orm/core';
import type { Command, ConstraintError, Outcome } from '../command/command.js';
import type { MessageCatalog } from '../i18n/catalog.js';
import type { PlaceRule } from '../auth/place-rule.js';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { BoardItemSource } from '../board/board-item.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Migration } from '../migrations/migration.js';
import type { PersonalDataPolicy } from '../person/personal-data.js';
import type { ScheduledTask } from './scheduled-task.js';
import type { SpreadsheetExport } from './spreadsheet-export.js';
import type { EventCatalog } from '../events/event-catalog.js';

/** A class constructor, as entity, resolver and type lists take them (whatever its constructor's parameters). */
export type ClassType = abstract new (...args: never[]) => unknown;

/**
 * Services that plugins offer to the plugins that depend on them, by plugin id. A plugin
 * declares the shape of what it provides by declaration merging:
 *
 * ```ts
 * declare module '@gongzhi/core' {
 *   interface GongzhiServices { grid: GridService }
 * }
 * ```
 */

export interface GongzhiServices {}

/** Looks up the services of a plugin. A plugin reaches its own and those of the plugins named in its `dependsOn`. */
export interface ServiceRegistry {
  get<K extends keyof GongzhiServices>(pluginId: K): GongzhiServices[K];
  get(pluginId: string): unknown;
}

/**
 * Anything that knows the platform clock and the plugins' services: an operation's context, a unit
 * of work, a plugin's runtime. What a plugin's "today" needs (the clock, and its options' time zone).
 */
export interface ClockAndServices {
  now: () => Date;
  services: ServiceRegistry;
}

/** What every lifecycle hook receives. */
export interface PluginContext<Options = unknown> {
  /** This plugin's options: its defaults merged with what the configuration gave. */
  options: Options;
  logger: Logger;
  events: EventBus;
  services: ServiceRegistry;
}

/** What `bootstrap`, `seed` and `services` receive: the running ORM and schema. */
export interface PluginRuntimeContext<Options = unknown> extends PluginContext<Options> {
  orm: MikroORM;
  /** A fresh EntityManager for work outside a request (a plain function, safe to pass on). */
  em: () => EntityManager;
  schema: GraphQLSchema;
  /** The platform clock (a plain function, safe to pass on): scheduled jobs and time rules read it, so tests can move time. */
  now: () => Date;
  /**
   * Runs a command as the system in a unit of work of its own (scheduled jobs, imports):
   * `label` names the job in timelines (`system: grid.escalation`). Domain outcomes come back as
   * `errors`; faults are thrown.
   */
  runCommand: <I, R>(label: string, command: Command<I, R>, input: I) => Promise<Outcome<R>>;
}

/** What `seed` receives. */
export interface PluginSeedContext<Options = unknown> extends PluginRuntimeContext<Options> {
  /** The EntityManager of the seeding transaction; everything a seed writes commits together. */
  em: () => EntityManager;
}

/** The host's settings a plugin's option defaults may follow. */
export interface PluginOptionsHost {
  /** The district's time zone (`PlatformOptions.timeZone`, `GONGZHI_TIME_ZONE`): a plugin counting days should count them in it unless told otherwise. */
  timeZone: string;
}

/** Options a plugin accepts, with their defaults and a check. */
export interface PluginOptionsSpec<Options> {
  /**
   * The defaults, or a function of the host's settings that gives them, for a default that
   * follows the platform's (`(host) => ({ ...defaults, timeZone: host.timeZone })`).
   */
  defaults: Options | ((host: PluginOptionsHost) => Options);
  /** Returns the problems found (empty when fine); each should say what a right value is. */
  validate?(options: Options): string[];
}

/**
 * A Gongzhi plugin: everything a module adds to the platform, in one object. Define it with
 * {@link definePlugin}; the gateway loads it by its npm package name.
 *
 * The hooks are declared as methods (write them as methods or arrow functions alike) so that
 * a `GongzhiPlugin<GridOptions>` is also a `GongzhiPlugin`: the host holds plugins of every
 * options type in one list and hands each its own options.
 */
export interface GongzhiPlugin<Options = unknown> {
  /**
   * Kebab-case identity, unique on a server. It namespaces the plugin's database schema,
   * migrations, events (`<id>.something`) and services.
   */
  id: string;
  /** The plugin's own version (its package.json version). */
  version: string;
  /** Semver range of `@gongzhi/core` the plugin works with: its peerDependency, read with `peerRange(import.meta.url, '@gongzhi/core')`. */
  coreRange: string;
  /** Plugins this one needs, with the version range of each: `{ grid: '^0.1.0' }`. */
  dependsOn?: Record<string, string>;
  /** PostgreSQL schema of the plugin's tables; defaults to the id with `-` turned into `_`. */
  dbSchema?: string;
  /**
   * MikroORM entities: decorated classes, or `EntitySchema`s for plugins written without
   * decorators. Each must live in the plugin's own database schema.
   */
  entities?: (ClassType | EntitySchema)[];
  /** Forward-only migrations, in order. They run after core's and after those of dependencies. */
  migrations?: readonly Migration[];
  /** type-graphql resolver classes; a resolver of a core type adds fields to it. */
  resolvers?: ClassType[];
  /** GraphQL types no resolver returns directly but clients should see (interface implementations). */
  orphanedTypes?: ClassType[];
  /**
   * Which place each of the plugin's rows belongs to: one rule per entity that is also a
   * GraphQL type. Callers see a row only when its place is inside their places; the host
   * refuses to start when an entity has no rule.
   */
  placeRules?: PlaceRule[];
  /**
   * What the plugin keeps about people and how it forgets one when their personal data is erased
   * (`erasePersonalData`). Required when one of its entities has a relation to Person: the host
   * refuses to start when such an entity is not named. See {@link PersonalDataPolicy}.
   */
  personalData?: PersonalDataPolicy;
  /**
   * Permissions the plugin checks (`@Authorized('grid.visit.write')` or `authorize(ctx, …)`),
   * each with the person roles that grant it at their place: `{ 'grid.visit.write': { description, roles: ['grid_worker'] } }`.
   * API keys are given permissions by name when they are created.
   */
  permissions?: Record<string, { description: string; roles: readonly string[] }>;
  /**
   * What the plugin's database constraints mean to clients, by constraint name: a command that
   * breaks one answers with this error in its payload instead of a fault. Keep the rule in the
   * database (a constraint survives concurrency); say here what it means.
   */
  constraintErrors?: Record<string, ConstraintError>;
  /**
   * The plugin's error messages (made with `defineMessages`): every code it reports, with its
   * text in English and Chinese. The host refuses to start when one lacks a language or the two
   * texts take different parameters.
   */
  messages?: MessageCatalog;
  /**
   * Every event the plugin emits (`<id>.…`), each with a sentence saying when and what it means:
   * `events: noticeboardEvents` where `noticeboardEvents = { … } satisfies PluginEventCatalog<'noticeboard'>`
   * (TypeScript then checks it against the events declared on `GongzhiEvents`). Clients list them
   * (`eventTypes`); a listener or a webhook naming an event of the plugin that is not here is
   * refused, and in tests (`createTestApp`) emitting one fails. Without it the plugin's event
   * names are not checked.
   */
  events?: EventCatalog;
  /** Options with defaults and validation. */
  options?: PluginOptionsSpec<Options>;
  /** Builds the services this plugin offers to plugins that depend on it. */
  services?(ctx: PluginRuntimeContext<Options>): object;
  /**
   * Before the ORM and schema exist: subscribe to events (after-commit handlers with a stable
   * `id`, and idempotent: they run at least once), check options.
   */
  register?(ctx: PluginContext<Options>): void | Promise<void>;
  /** After the ORM, schema and services exist: warm caches, open connections. */
  bootstrap?(ctx: PluginRuntimeContext<Options>): void | Promise<void>;
  /**
   * Background work in rounds, run by the host in every serving process from after `bootstrap`
   * until before `destroy`: declare it here rather than starting a timer (see {@link ScheduledTask}).
   */
  scheduledTasks?: readonly ScheduledTask<Options>[];
  /** On shutdown, in reverse order (after the scheduled tasks stopped): close connections. */
  destroy?(ctx: PluginRuntimeContext<Options>): void | Promise<void>;
  /**
   * Items of this plugin that live task boards show (volunteer tasks, wishes, action items…):
   * which of its events change one, and how to load and list them. Boards then follow them
   * like requests: logged in the emitting transaction, delivered after commit, in order,
   * across processes. See {@link BoardItemSource} and docs/boards.md.
   */
  boardItems?: readonly BoardItemSource[];
  /**
   * Lists of this plugin that districts download as spreadsheets (`/export/<name>.csv`, 台账导出):
   * a query of one page and a heading per column, checked against the composed schema at boot.
   * See {@link SpreadsheetExport}.
   */
  spreadsheetExports?: readonly SpreadsheetExport[];
  /** Writes the plugin's demo data; must be idempotent (seeding twice adds nothing). */
  seed?(ctx: PluginSeedContext<Options>): Promise<void>;
}

/**
 * Declares a plugin. It returns its argument unchanged; its value is the type check and the
 * place to read a plugin's whole contribution at a glance.
 */
export function definePlugin<Options = Record<string, never>>(plugin: GongzhiPlugin<Options>): GongzhiPlugin<Options> {
  return plugin;
}

/** The database schema a plugin's tables live in. */
export function pluginDbSchema(plugin: Pick<GongzhiPlugin, 'id' | 'dbSchema'>): string {
  return plugin.dbSchema ?? plugin.id.replace(/-/g, '_');
}
