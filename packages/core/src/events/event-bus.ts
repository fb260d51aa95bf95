import type { EntityManager } from '@mikro-orm/postgresql';
import type { Command, UnitOfWork } from '../command/command.js';
import type { Logger } from '../logger.js';

/**
 * The typed map of every event on the bus: name → payload. Core declares its own;
 * plugins add theirs by declaration merging:
 *
 * ```ts
 * declare module '@gongzhi/core' {
 *   interface GongzhiEvents { 'grid.visit-recorded': { visitId: string } }
 * }
 * ```
 *
 * Event names are namespaced by the emitting plugin's id (`request.*` belongs to core).
 */

export interface GongzhiEvents {}

/** A known event name, or any string for events of plugins this code does not know. */
export type EventName = keyof GongzhiEvents | (string & {});
export type EventPayload<K extends EventName> = K extends keyof GongzhiEvents ? GongzhiEvents[K] : unknown;

/** One event as handlers receive it. */
export interface GongzhiEvent<K extends EventName = EventName> {
  name: K;
  payload: EventPayload<K>;
  occurredAt: Date;
  /** The person or API key on whose behalf the change was made, when known. */
  actorId?: string | null;
}

/** What a handler may use: inside the transaction for blocking handlers, a fresh fork after commit. */
export interface EventHandlerContext {
  em: EntityManager;
  emit: EventEmitter;
  /**
   * Runs a command in this handler's unit of work as the system, named after the handler
   * (`system: grid.route-new-request` in timelines), with the command's own checks.
   */
  run<I, R>(command: Command<I, R>, input: I): Promise<R>;
}

/** Opens a unit of work over a transaction for the system acting as `label` (installed by the platform). */
export type SystemUnitOfWork = (tx: { em: EntityManager; emit: EventEmitter }, label: string) => Promise<UnitOfWork>;

export type EventHandler<K extends EventName = EventName> = (event: GongzhiEvent<K>, ctx: EventHandlerContext) => void | Promise<void>;

export interface EventHandlerOptions {
  /**
   * Blocking handlers run inside the emitting transaction, before it commits; throwing
   * vetoes the change (the transaction rolls back and the error reaches the caller).
   * Use them only when a rule must hold; everything else should react after commit.
   */
  blocking?: boolean;
  /** A name for logs, e.g. `grid.route-new-request`. */
  id?: string;
}

export type EventEmitter = <K extends EventName>(name: K, payload: EventPayload<K>) => Promise<void>;

interface Subscription {
  name: string;
  /** The plugin that subscribed, when it subscribed through its own context's bus. */
  owner: string | null;
  /** Called only with events named `name`. */
  handler: EventHandler;
  blocking: boolean;
  id: string;
}

/** Receives every committed event, in commit order; used by live boards and cross-process fan-out. */
export type CommittedEventListener = (events: readonly GongzhiEvent[]) => void | Promise<void>;

/**
 * Receives the events of a transaction at its very end, inside it, just before it commits
 * (after the work and every blocking handler). Throwing rolls the transaction back. Used by
 * live boards to append the events to the board log under the board sequence lock, so that
 * the lock is held only for the last moment of the transaction.
 */
export type BeforeCommitListener = (events: readonly GongzhiEvent[], em: EntityManager) => void | Promise<void>;

/**
 * The event bus. Events are emitted inside a unit of work opened with {@link EventBus.transaction};
 * blocking handlers run at once inside it, the others after it commits, each with its own
 * EntityManager fork. A failing after-commit handler is logged and does not undo the commit.
 */
export class EventBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly committedListeners: CommittedEventListener[] = [];
  private readonly beforeCommitListeners: BeforeCommitListener[] = [];

  constructor(
    private readonly rootEm: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  /** Subscribes a handler to one event name. Returns a function that unsubscribes it. */
  on<K extends EventName>(name: K, handler: EventHandler<K>, options: EventHandlerOptions = {}): () => void {
    const sub: Subscription = {
      name,
      owner: this.owner,
      // The bus hands it only events named `name`, whose payload is EventPayload<K>.
      handler: handler as EventHandler,
      blocking: options.blocking ?? false,
      id: options.id ?? `${name}#${this.subscriptions.length + 1}`,
    };
    this.subscriptions.push(sub);
    return () => {
      const i = this.subscriptions.indexOf(sub);
      if (i >= 0) this.subscriptions.splice(i, 1);
    };
  }

  /** Listens to every event once its transaction has committed. */
  onCommitted(listener: CommittedEventListener): () => void {
    this.committedListeners.push(listener);
    return () => {
      const i = this.committedListeners.indexOf(listener);
      if (i >= 0) this.committedListeners.splice(i, 1);
    };
  }

  /** Runs `listener` inside every transaction that emitted events, just before it commits. */
  onBeforeCommit(listener: BeforeCommitListener): () => void {
    this.beforeCommitListeners.push(listener);
    return () => {
      const i = this.beforeCommitListeners.indexOf(listener);
      if (i >= 0) this.beforeCommitListeners.splice(i, 1);
    };
  }

  /**
   * Runs `work` in one database transaction. Events it emits reach blocking handlers inside
   * the transaction and all other handlers after the commit; if anything throws, nothing is
   * written and no after-commit handler runs.
   */
  async transaction<T>(
    em: EntityManager,
    work: (tx: { em: EntityManager; emit: EventEmitter }) => Promise<T>,
    actorId?: string | null,
  ): Promise<T> {
    const pending: GongzhiEvent[] = [];
    const result = await em.transactional(async (txEm) => {
      const emit: EventEmitter = async (name, payload) => {
        const event: GongzhiEvent = { name, payload, occurredAt: new Date(), actorId: actorId ?? null };
        pending.push(event);
        for (const sub of this.subscriptions) {
          if (sub.blocking && sub.name === name) {
            await sub.handler(event, this.handlerContext({ em: txEm, emit }, sub.id));
          }
        }
      };
      const value = await work({ em: txEm, emit });
      if (pending.length > 0) {
        for (const listener of this.beforeCommitListeners) await listener(pending, txEm);
      }
      return value;
    });
    if (pending.length > 0) await this.deliverCommitted(pending, actorId);
    return result;
  }

  /** Emits events outside any caller transaction (each blocking handler still gets one). */
  async emit<K extends EventName>(name: K, payload: EventPayload<K>, actorId?: string | null): Promise<void> {
    await this.transaction(this.rootEm().fork(), ({ emit }) => emit(name, payload), actorId);
  }

  /** The plugin this view of the bus belongs to (see {@link EventBus.forPlugin}); null for the bus itself. */
  protected owner: string | null = null;

  /**
   * The bus as plugin `pluginId` sees it: the same bus, but what it subscribes is recorded as
   * its own, so the host can check it depends on every plugin whose events it listens to.
   */
  forPlugin(pluginId: string): EventBus {
    const view = Object.create(this) as EventBus;
    view.owner = pluginId;
    return view;
  }

  /** Who listens to what: (listening plugin, event name) for every subscription a plugin made. */
  listeners(): { owner: string; event: string }[] {
    return this.subscriptions.flatMap((s) => (s.owner ? [{ owner: s.owner, event: s.name }] : []));
  }

  /** Installed by the platform: how handlers run commands as the system. */
  systemUnitOfWork: SystemUnitOfWork | null = null;

  private handlerContext(tx: { em: EntityManager; emit: EventEmitter }, handlerId: string): EventHandlerContext {
    return {
      ...tx,
      run: async (command, input) => {
        if (!this.systemUnitOfWork) throw new Error('Commands cannot run in event handlers before the platform has started.');
        return (await this.systemUnitOfWork(tx, handlerId)).run(command, input);
      },
    };
  }

  private async deliverCommitted(events: GongzhiEvent[], actorId?: string | null): Promise<void> {
    for (const listener of this.committedListeners) {
      try {
        await listener(events);
      } catch (err) {
        this.logger.error({ err }, 'committed-event listener failed');
      }
    }
    for (const event of events) {
      for (const sub of this.subscriptions) {
        if (sub.blocking || sub.name !== event.name) continue;
        try {
          // Each after-commit handler gets its own unit of work, so its own writes (and the
          // events they emit) commit or fail on their own.
          await this.transaction(
            this.rootEm().fork(),
            async (tx) => {
              await sub.handler(event, this.handlerContext(tx, sub.id));
            },
            actorId,
          );
        } catch (err) {
          this.logger.error({ err, handler: sub.id, event: event.name }, 'after-commit event handler failed');
        }
      }
    }
  }
}
