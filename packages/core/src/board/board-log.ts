import type { EntityManager } from '@mikro-orm/postgresql';
import { PluginCompositionError } from '../errors.js';
import type { FinalWrite, GongzhiEvent } from '../events/event-bus.js';
import type { BoardItemRef, BoardItemRefs, BoardItemSource } from './board-item.js';

/** One committed board event, as the board log keeps it. */
export interface BoardLogEntry {
  /** Position in the board sequence: gapless, in commit order. */
  seq: number;
  itemType: string;
  /** Local id of the item. */
  itemId: string;
  placePath: string;
  /** The event name, e.g. `request.claimed`. */
  event: string;
  actorId: string | null;
  occurredAt: Date;
}

/** Where the board sequence stands. */
export interface BoardLogState {
  /** The last sequence number handed out (and committed). */
  lastSeq: number;
  /** Events up to this number were pruned: a resume from before it must refetch. */
  prunedThrough: number;
}

interface Row {
  seq: string | number;
  item_type: string;
  item_id: string;
  place_path: string;
  event: string;
  actor_id: string | null;
  occurred_at: Date | string;
}

function toEntry(row: Row): BoardLogEntry {
  return {
    seq: Number(row.seq),
    itemType: row.item_type,
    itemId: row.item_id,
    placePath: row.place_path,
    event: row.event,
    actorId: row.actor_id,
    occurredAt: row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at),
  };
}

/** The board item sources of core and plugins, by type and by event name. */
export class BoardSources {
  readonly byType = new Map<string, BoardItemSource>();
  private readonly byEvent = new Map<string, { source: BoardItemSource; ref: (payload: never) => BoardItemRefs }[]>();

  constructor(sources: readonly { owner: string; source: BoardItemSource }[]) {
    for (const { owner, source } of sources) {
      if (this.byType.has(source.type)) {
        throw new PluginCompositionError(
          `Board item type "${source.type}" is declared twice (again by ${owner}). Fix: give each board item source its own GraphQL type.`,
        );
      }
      this.byType.set(source.type, source);
      for (const [name, ref] of Object.entries(source.events)) {
        if (!ref) continue;
        const list = this.byEvent.get(name) ?? [];
        list.push({ source, ref });
        this.byEvent.set(name, list);
      }
    }
  }

  /** The board items an event changed (usually one). */
  refs(event: GongzhiEvent): { type: string; ref: BoardItemRef }[] {
    const readers = this.byEvent.get(event.name);
    if (!readers) return [];
    const out: { type: string; ref: BoardItemRef }[] = [];
    for (const { source, ref } of readers) {
      const found = ref(event.payload as never);
      if (!found) continue;
      for (const one of Array.isArray(found) ? (found as readonly BoardItemRef[]) : [found as BoardItemRef])
        out.push({ type: source.type, ref: one });
    }
    return out;
  }
}

/** Reading and writing the board log (`board_event`, `board_sequence`). */
export const boardLog = {
  /**
   * The statement that hands the board events among `events` to the board log, inside the
   * emitting transaction, at its end (null when none of them is on a board): one
   * `board_event_pending` row, which a deferred trigger numbers into `board_event` as the
   * transaction commits (core migration 0023). The `board_sequence` row lock is taken there and
   * held only for the commit itself, so numbers follow commit order and stay gapless (a rollback
   * gives its numbers back), and no writer waits on another's round trips. With `notifyChannel`,
   * the trigger also queues `pg_notify(notifyChannel, '{"s":<last number>}')` (sent on commit, in
   * commit order). The entries' numbers exist only once committed (readers find them in the log).
   * An INSERT without RETURNING: it may ride as a CTE on another statement.
   */
  pendingWrite(sources: BoardSources, events: readonly GongzhiEvent[], notifyChannel?: string): FinalWrite | null {
    const items = events.flatMap((event) => sources.refs(event).map((r) => ({ event, ...r })));
    if (items.length === 0) return null;
    return {
      sql: `INSERT INTO board_event_pending (entries, notify_channel) VALUES (?::jsonb, ?)`,
      params: [
        JSON.stringify(
          items.map((item) => ({
            item_type: item.type,
            item_id: item.ref.id,
            place_path: item.ref.placePath,
            event: item.event.name,
            actor_id: item.event.actorId ?? null,
            occurred_at: item.event.occurredAt,
          })),
        ),
        notifyChannel ?? null,
      ],
    };
  },

  /** Sends {@link boardLog.pendingWrite} on its own; returns whether there was anything to hand over. */
  async append(em: EntityManager, sources: BoardSources, events: readonly GongzhiEvent[], notifyChannel?: string): Promise<boolean> {
    const write = this.pendingWrite(sources, events, notifyChannel);
    if (write) await em.execute(write.sql, write.params);
    return write !== null;
  },

  /** Entries after `afterSeq` (up to `throughSeq` when given), oldest first, at most `limit`. */
  async read(em: EntityManager, afterSeq: number, limit: number, throughSeq?: number): Promise<BoardLogEntry[]> {
    const rows = await em.execute<Row[]>(
      `SELECT seq, item_type, item_id, place_path, event, actor_id, occurred_at FROM board_event
        WHERE seq > ? ${throughSeq === undefined ? '' : 'AND seq <= ?'} ORDER BY seq LIMIT ?`,
      throughSeq === undefined ? [afterSeq, limit] : [afterSeq, throughSeq, limit],
    );
    return rows.map(toEntry);
  },

  async state(em: EntityManager): Promise<BoardLogState> {
    const [row] = await em.execute<{ last_seq: string; pruned_through: string }[]>('SELECT last_seq, pruned_through FROM board_sequence');
    return { lastSeq: Number(row?.last_seq ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
  },

  /**
   * Deletes the entries that occurred before `before` (and every older number), and records
   * how far it pruned. Safe to run from several processes at once.
   */
  async prune(em: EntityManager, before: Date): Promise<number> {
    const [row] = await em.execute<{ pruned_through: string }[]>(
      `WITH cut AS (SELECT max(seq) AS s FROM board_event WHERE occurred_at < ?),
            gone AS (DELETE FROM board_event WHERE seq <= (SELECT s FROM cut))
       UPDATE board_sequence SET pruned_through = GREATEST(pruned_through, coalesce((SELECT s FROM cut), 0))
       RETURNING pruned_through`,
      [before],
    );
    return Number(row?.pruned_through ?? 0);
  },
};
