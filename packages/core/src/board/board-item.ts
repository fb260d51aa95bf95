import type { EntityManager } from '@mikro-orm/postgresql';
import type { GongzhiEvents } from '../events/event-bus.js';
import type { ServiceRegistry } from '../plugin/plugin.js';

/** Which board item an event changed: its local id and where it is. */
export interface BoardItemRef {
  /** The item's local id (the uuid inside its global id). */
  id: string;
  /** The materialized path of the item's place (`/district/…/community/`), as `Place.path`. */
  placePath: string;
}

/** What an event reader returns: the item it changed, several items, or none (null or `[]`). */
export type BoardItemRefs = BoardItemRef | readonly BoardItemRef[] | null;

/** What a board card shows of an item, read from the loaded item. */
export interface BoardCardFacts {
  /** The item's local id. */
  id: string;
  placePath: string;
  title: string;
  /** The item's own status value (a column of the board), e.g. `claimed`. */
  status: string;
  /** Still work to do (counts as open on the board). */
  open: boolean;
  /** When it is due; an open item past it is overdue. */
  dueAt?: Date | null;
  /** Filterable facts, when the item type has them (`kind`, `level` of requests). */
  kind?: string | null;
  level?: string | null;
  /** Local id of the person the item is assigned to or claimed by. */
  assigneeId?: string | null;
}

/** What a board asks a source to list. */
export interface BoardListQuery {
  /** Only items whose place path starts with this. */
  placePath: string;
  /** At most this many items. */
  limit: number;
  now: Date;
}

/**
 * Declares that some of a plugin's events change items that live task boards show, and how
 * to load them. Put it in the plugin definition's `boardItems`:
 *
 * ```ts
 * definePlugin({
 *   id: 'volunteer',
 *   boardItems: [defineBoardItems<VolunteerTask>({
 *     type: 'VolunteerTask',
 *     events: {
 *       'volunteer.task-created': (p) => ({ id: p.taskId, placePath: p.placePath }),
 *       'volunteer.task-claimed': (p) => ({ id: p.taskId, placePath: p.placePath }),
 *     },
 *     load: (em, ids) => em.find(VolunteerTask, { uuid: { $in: [...ids] } }),
 *     list: (em, q) => em.find(VolunteerTask, { placePath: { $like: `${q.placePath}%` }, done: false }, { limit: q.limit }),
 *     card: (t) => ({ id: t.uuid, placePath: t.placePath, title: t.title, status: t.status, open: !t.done, dueAt: t.startsAt }),
 *   })],
 * });
 * ```
 *
 * Rules: `type` is the item's GraphQL object type (it implements `Node`, so a board change's
 * `item` can be selected with `... on VolunteerTask { … }`); event payloads carry the item id
 * and place path (never the item itself: the board loads it after commit with a fresh
 * EntityManager); `load` and `list` read only, with the EntityManager they are given.
 */
export interface BoardItemSource<T extends object = object> {
  /** GraphQL object type of the items; also the `itemType` board filters name. */
  type: string;
  /**
   * The events that change an item of this type, each with a function reading the item's id
   * and place path from the payload (return null to leave an event off the boards). An event
   * that changes several items at once (a decision creating its action items) may return a
   * list: each item gets its own board change and sequence number, in the list's order.
   */
  events: { [K in keyof GongzhiEvents]?: (payload: GongzhiEvents[K]) => BoardItemRefs } & {
    // Events this code has no type for: the reader says what payload it expects.
    [name: string]: ((payload: never) => BoardItemRefs) | undefined;
  };
  /** Loads items by local id, in one query; the result may be in any order and miss gone ones. */
  load(em: EntityManager, ids: readonly string[]): Promise<readonly T[]>;
  /** The items a board of a place shows now: open ones, and recently finished ones if useful. */
  list(em: EntityManager, query: BoardListQuery): Promise<readonly T[]>;
  /**
   * The card facts of a loaded item. `scope.services` reaches the plugins' services, e.g. the
   * source's own options (the time zone its due days end in).
   */
  card(item: T, scope: BoardCardScope): BoardCardFacts;
}

/** What a board item source's `card` may read besides the item. */
export interface BoardCardScope {
  services: ServiceRegistry;
}

/** Declares a board item source with its item type checked; returns its argument. */
export function defineBoardItems<T extends object>(source: BoardItemSource<T>): BoardItemSource<T> {
  return source;
}
