import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Access, resolveAccess, type RolePermissions } from '../auth/access.js';
import { BOARD_CHANNEL } from '../board/board-transport.js';
import type { Caller } from '../context.js';
import type { NotificationListener } from '../database/notification-listener.js';
import { ANY_EVENT, type EventBus, type GongzhiEvent } from '../events/event-bus.js';

/** The outbox handler id of the fan-out (outbox rows name it). */
export const WEBHOOK_FAN_OUT = 'webhook.fan-out';

interface Candidate {
  id: string;
  owner_kind: 'person' | 'api-key';
  owner_id: string;
  /** Paths of the webhook's own places; empty for all its owner sees. */
  paths: string[];
  /** How many places the webhook names. */
  places: number;
}

/** The place an event is about: its payload's `placePath` (every core and plugin event that concerns a place carries one). */
function placePathOf(event: GongzhiEvent): string | null {
  const payload = event.payload as { placePath?: unknown } | null;
  return payload && typeof payload.placePath === 'string' && payload.placePath ? payload.placePath : null;
}

/**
 * Whether a webhook may receive `event`: its owner must see the event's place (today, with the
 * owner's current roles or key), and the place must lie under one of the webhook's places when
 * it names some. An event without a place goes only to owners who see everywhere.
 */
export function webhookMayReceive(access: Access, paths: readonly string[], event: GongzhiEvent): boolean {
  const path = placePathOf(event);
  if (!path) return access.everywhere && paths.length === 0;
  return access.sees(path) && (paths.length === 0 || paths.some((p) => path.startsWith(p)));
}

/**
 * Subscribes the webhook fan-out to every event, through the outbox: for each committed event
 * some active webhook subscribes to, one outbox delivery whose handler writes one
 * `webhook_delivery` row per webhook in scope, in the delivering transaction (so rows and
 * "done" commit together; `(webhook, outbox row)` is unique, so a repeated delivery adds none).
 * Events no webhook wants cost no outbox row, and, with `notifications` (the process's LISTEN
 * connection), no query either: see {@link WebhookInterest}. Returns the interest, to start and stop.
 */
export function subscribeWebhookFanOut(
  events: EventBus,
  rolePermissions: RolePermissions,
  clock: () => Date,
  notifications: NotificationListener | null = null,
  timeZone?: string,
): WebhookInterest {
  const interest = new WebhookInterest(notifications);
  events.on(
    ANY_EVENT,
    async (event, { em, deliveryId }) => {
      if (!deliveryId) return;
      const candidates = await em.execute<Candidate[]>(
        `SELECT w.id, w.owner_kind, w.owner_id,
                coalesce(array_agg(p.path) FILTER (WHERE p.path IS NOT NULL), '{}') AS paths,
                cardinality(w.place_ids) AS places
           FROM webhook w LEFT JOIN place p ON p.id = ANY (w.place_ids)
          WHERE w.status = 'active' AND (? = ANY (w.event_types) OR '*' = ANY (w.event_types))
          GROUP BY w.id`,
        [event.name],
      );
      const accessOf = new Map<string, Promise<Access>>();
      const chosen: string[] = [];
      for (const hook of candidates) {
        // A webhook whose places are all gone receives nothing rather than everything.
        if (hook.places > 0 && hook.paths.length === 0) continue;
        const caller: Caller = { id: hook.owner_id, kind: hook.owner_kind };
        let access = accessOf.get(hook.owner_id);
        if (!access) accessOf.set(hook.owner_id, (access = resolveAccess(em, caller, clock(), rolePermissions, timeZone)));
        if (webhookMayReceive(await access, hook.paths, event)) chosen.push(hook.id);
      }
      if (chosen.length === 0) return;
      // What the receivers get: ids as global ids, which node(id:) takes.
      const clientPayload = events.eventTypes.forClients(event.name, event.payload);
      await em.execute(
        `INSERT INTO webhook_delivery (id, webhook_id, source_id, event, payload, occurred_at)
         VALUES ${chosen.map(() => '(?, ?, ?, ?, ?::jsonb, ?)').join(', ')}
         ON CONFLICT ON CONSTRAINT webhook_delivery_source_unique DO NOTHING`,
        chosen.flatMap((webhookId) => [
          randomUUID(),
          webhookId,
          deliveryId,
          event.name,
          JSON.stringify(clientPayload ?? null),
          event.occurredAt,
        ]),
      );
    },
    {
      id: WEBHOOK_FAN_OUT,
      interest: async (em, emitted) => {
        const wanted = await interest.wanted(em, [...new Set(emitted.map((e) => e.name))]);
        return (event) => wanted.has(event.name);
      },
    },
  );
  return interest;
}

/** The notice core migration 0022 sends on the board channel when webhooks change. */
const WEBHOOK_CHANGE_NOTICE = '{"webhooks":"changed"}';

/**
 * Which event names some active webhook subscribes to, asked by every emitting transaction. With
 * a LISTEN connection the answer is kept in the process and dropped on every change notice (a
 * database trigger announces each change of the webhook table, from any process) and whenever
 * the connection is lost or re-made; while it is not listening, every transaction asks the
 * database (one query, in the transaction). A change takes effect in this process when its
 * notice arrives, a few milliseconds after its commit: an event committed in between is judged
 * by the webhooks as they were.
 */
export class WebhookInterest {
  /** Event names (or `*`) of active webhooks, while kept. */
  private kept: ReadonlySet<string> | null = null;
  /** Moves on every notice: a read begun before it may not be kept. */
  private generation = 0;
  private stop: (() => void) | null = null;

  constructor(private readonly listener: NotificationListener | null) {}

  /** Whether change notices are being received right now (only then is anything kept). */
  get live(): boolean {
    return this.stop !== null && !!this.listener?.live;
  }

  /** Starts listening for change notices (nothing is kept before, nor without a listener). */
  async start(): Promise<void> {
    if (!this.listener || this.stop) return;
    this.stop = await this.listener.listen(BOARD_CHANNEL, {
      notification: (payload) => {
        if (payload === WEBHOOK_CHANGE_NOTICE) this.forget();
      },
      resume: () => this.forget(),
      lost: () => this.forget(),
    });
  }

  close(): void {
    this.stop?.();
    this.stop = null;
    this.forget();
  }

  private forget(): void {
    this.generation++;
    this.kept = null;
  }

  /** Which of `names` some active webhook wants: from what is kept, or one query in the emitting transaction. */
  async wanted(em: EntityManager, names: readonly string[]): Promise<ReadonlySet<string>> {
    let subscribed = this.live ? this.kept : null;
    if (!subscribed) {
      const generation = this.generation;
      const rows = await em.execute<{ name: string }[]>(`SELECT DISTINCT unnest(event_types) AS name FROM webhook WHERE status = 'active'`);
      subscribed = new Set(rows.map((r) => r.name));
      // Kept only if no notice arrived since the read began (it may have missed that change).
      if (this.live && generation === this.generation) this.kept = subscribed;
    }
    const all = subscribed.has('*');
    return new Set(names.filter((name) => all || subscribed.has(name)));
  }
}
