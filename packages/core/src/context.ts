import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Access } from './auth/access.js';
import type { ConstraintError } from './command/command.js';
import type { PlaceRule } from './auth/place-rule.js';
import type { BoardHub } from './board/board-hub.js';
import type { EventBus } from './events/event-bus.js';
import type { Logger } from './logger.js';
import type { PersonalDataHolder } from './person/personal-data.js';
import type { ClassType, ServiceRegistry } from './plugin/plugin.js';
import type { PhotoLinks } from './request/photo-links.js';
import type { CheckedExport } from './plugin/spreadsheet-export.js';

/** Who is calling. Authentication fills it in; `null` is an anonymous caller; `system` is the platform itself (CLI, jobs, tests). */
export interface Caller {
  /** The local uuid of the signed-in person (kind `person`) or of the API key (kind `api-key`). */
  id: string;
  kind: 'person' | 'api-key' | 'system';
  /** For the system: which job or handler acts (`grid.escalation`), recorded in timelines as `system: grid.escalation`. */
  label?: string;
}

/** What a running server says about itself; `plugins { … }` answers from it. */
export interface PlatformInfo {
  coreVersion: string;
  /** The district's time zone (IANA): the calendar its days are counted in. */
  timeZone: string;
  /** Hours before a deadline that open work counts as due soon (即将超期; `GONGZHI_DUE_SOON_HOURS`; 0: never). */
  dueSoonHours: number;
  plugins: readonly { id: string; version: string; coreRange: string; dependsOn: Record<string, string> }[];
  /** Core's and the plugins' spreadsheet exports, checked against the composed schema. */
  spreadsheetExports: readonly CheckedExport[];
}

/**
 * The GraphQL context of one operation (one HTTP request, or one subscription event): its
 * own EntityManager fork, so identity maps never outlive an operation or leak between callers.
 */
export interface GongzhiContext {
  em: EntityManager;
  events: EventBus;
  /** Every plugin's services (resolvers may use any; plugins use only their dependencies'). */
  services: ServiceRegistry;
  caller: Caller | null;
  /** What the caller may see and do, worked out on first use and kept for the operation. */
  access(): Promise<Access>;
  /** The place rules of core and every plugin, by entity class (used by the scope guard). */
  placeRules: ReadonlyMap<ClassType, readonly PlaceRule[]>;
  platform: PlatformInfo;
  logger: Logger;
  /** Per-operation DataLoaders by name; use `batchLoader` rather than this map. */
  loaders: Map<string, DataLoader<unknown, unknown>>;
  /** The platform clock (a plain function, safe to pass on); tests replace it to move time. */
  now: () => Date;
  /** What database constraints mean to clients (declared by core and plugins), for command payloads. */
  constraintErrors: ReadonlyMap<string, ConstraintError>;
  /** The live task board hub of this process (subscriptions); absent where boards do not run. */
  boards?: BoardHub;
  /** What core and every plugin keep about people, in the order an erasure runs them. */
  personalData: readonly PersonalDataHolder[];
  /** Signs and checks the links to uploaded photos (`RequestPhoto.url`, `GET /photos/…`). */
  photoLinks: PhotoLinks;
}

/** The platform acting on its own behalf: sees everything, may do everything. */
export const SYSTEM_CALLER: Caller = Object.freeze({ id: '00000000-0000-0000-0000-000000000000', kind: 'system' });
