import type { EntityManager } from '@mikro-orm/postgresql';
import { explainNothingWritten, isNothingWritten } from '../command/held-write.js';
import type { Command, UnitOfWork } from '../command/command.js';
import { Ref } from '../command/reference.js';
import { type EntityClass, graphQLTypeName } from '../relay/node-entity.js';
import type { Logger } from '../logger.js';
import { runAgainOnTransientFailure } from '../database/transient-failure.js';
import { EventTypes } from './event-catalog.js';
import { describeFailure, eventOutbox, OUTBOX_DEFAULTS, type OutboxOptions, type OutboxRow, retryDelayMs } from './outbox.js';

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
  /** Plain JSON (ids, paths, statuses; times as ISO strings): after-commit handlers get it from the outbox. */
  payload: EventPayload<K>;
  occurredAt: Date;
  /** The person or API key on whose behalf the change was made, when known. */
  actorId?: string | null;
}

/**
 * What a handler may use: the emitting transaction for blocking handlers; for after-commit
 * handlers, the transaction that delivers the event (their writes and the delivery commit together).
 */
export interface EventHandlerContext {
  em: EntityManager;
  emit: EventEmitter;
  /**
   * Runs a command in this handler's unit of work as the system, named after the handler
   * (`system: grid.route-new-request` in timelines), with the command's own checks.
   */
  run<I, R>(command: Command<I, R>, input: I): Promise<R>;
  /**
   * Names the row of `entity` whose key is `id` (an id from the event's payload) as input of a
   * command to {@link run}: the command path loads it inside the handler's transaction (locked
   * if the command says so, with its audit trail's first read) rather than the handler loading
   * it first. If the row no longer exists, `run` throws NOT_FOUND, as for a client's id.
   *
   * ```ts
   * await handler.run(routeRequest, { request: handler.ref(Request, event.payload.requestId) });
   * ```
   */
  ref<T extends object>(entity: EntityClass & { prototype: T }, id: string): Ref<T>;
  /**
   * For an after-commit handler delivered from the outbox: the outbox row being delivered, the
   * same on every attempt of this delivery (a key to make the handler's writes idempotent).
   */
  deliveryId?: string;
}

/** Opens a unit of work over a transaction for the system acting as `label` (installed by the platform). */
export type SystemUnitOfWork = (tx: { em: EntityManager; emit: EventEmitter }, label: string) => Promise<UnitOfWork>;

export type EventHandler<K extends EventName = EventName> = (event: GongzhiEvent<K>, ctx: EventHandlerContext) => void | Promise<void>;

export interface EventHandlerOptions<K extends EventName = EventName> {
  /**
   * Blocking handlers run inside the emitting transaction, before it commits; throwing
   * vetoes the change (the transaction rolls back and the error reaches the caller).
   * Use them only when a rule must hold; everything else should react after commit.
   */
  blocking?: boolean;
  /**
   * The handler's stable name, prefixed with the plugin's id: `grid.route-new-request`. An
   * after-commit handler with an id is delivered from the outbox, which records each delivery
   * by this name: keep it across versions (a renamed handler leaves the deliveries recorded
   * for the old name undelivered). Required for a plugin's after-commit handlers (start-up
   * refuses one without). Commands the handler runs act as `system: <id>`.
   */
  id?: string;
  /**
   * For a durable handler: which of a transaction's events (those it subscribes to) are worth a
   * delivery, asked once per emitting transaction, inside it, before it commits (one query at
   * most; the interests of several handlers go to the database together). Events it leaves out
   * cost no outbox row and never reach the handler. Webhooks: only events some webhook
   * subscribes to; the grid's routing: only new requests at places some grid covers. The
   * handler must still check what it acts on: the answer is as of the emitting transaction.
   * Like a blocking handler, it is part of that transaction: if it throws (or its query fails),
   * the change it was asked about fails too, so keep it to one indexed read, and when in doubt
   * answer true (the handler decides when it is delivered).
   */
  interest?: EventInterest<K>;
}

/** See {@link EventHandlerOptions.interest}: answers a test of the events given. */
export type EventInterest<K extends EventName = EventName> = (
  em: EntityManager,
  events: readonly GongzhiEvent<K>[],
) => Promise<(event: GongzhiEvent<K>) => boolean>;

/** Subscribing to this name receives every event (core's webhook fan-out does). */
export const ANY_EVENT = '*';

export type EventEmitter = <K extends EventName>(name: K, payload: EventPayload<K>) => Promise<void>;

interface Subscription {
  name: string;
  /** The plugin that subscribed, when it subscribed through its own context's bus. */
  owner: string | null;
  /** Called only with events named `name`. */
  handler: EventHandler;
  blocking: boolean;
  id: string;
  /** The id the subscriber gave, if any. */
  givenId: string | null;
  /** Delivered from the outbox: an after-commit handler with an id. */
  durable: boolean;
  interest: EventInterest | null;
}

/** Whether `sub` receives events named `name`. */
const matches = (sub: Subscription, name: string) => sub.name === name || sub.name === ANY_EVENT;

/** One subscription as the host's start-up checks see it. */
export interface ListenerInfo {
  /** The plugin that subscribed. */
  owner: string;
  event: string;
  blocking: boolean;
  /** The handler id the plugin gave, or null. */
  id: string | null;
}

/** One data-modifying SQL statement (usable as a CTE: `WITH w AS (<sql>) …`) and its parameters. */
export interface FinalWrite {
  sql: string;
  params: unknown[];
}

/**
 * What a transaction's events need written at its end (the board log's entries), or null. The
 * bus gives the write to the last statement of the unit of work when it can (the audit trail's,
 * see {@link TransactionWork.takeFinalWrites}) and else sends it on its own before commit.
 */
export type FinalWriteProvider = (events: readonly GongzhiEvent[]) => FinalWrite | null;

/** What the work of {@link EventBus.transaction} is given. */
export interface TransactionWork {
  em: EntityManager;
  emit: EventEmitter;
  /**
   * The final writes of the events emitted so far, for a statement the work sends last anyway to
   * carry (one round trip less); events emitted afterwards still get theirs before commit.
   */
  takeFinalWrites: () => FinalWrite[];
}

/** Receives every committed event, in commit order; used by live boards and cross-process fan-out. */
export type CommittedEventListener = (events: readonly GongzhiEvent[]) => void | Promise<void>;

/**
 * Receives the events of a transaction at its very end, inside it, just before it commits
 * (after the work and every blocking handler). Throwing rolls the transaction back.
 */
export type BeforeCommitListener = (events: readonly GongzhiEvent[], em: EntityManager) => void | Promise<void>;

/** Deliveries a sweep makes before it lets the next timer tick start another. */
const SWEEP_BATCH = 500;

/** What the bus and every plugin's view of it share (views are prototype copies: never assign fields after construction). */
interface DeliveryState {
  options: Required<OutboxOptions>;
  /** Set once the platform closes: nothing more is delivered by this process. */
  closed: boolean;
  sweepTimer: NodeJS.Timeout | null;
  /** Deliveries held back by `deliveryDelayMs`. */
  readonly delayed: Set<NodeJS.Timeout>;
  /** Deliveries and sweeps under way, awaited on close. */
  readonly running: Set<Promise<unknown>>;
}

/**
 * The event bus. Events are emitted inside a unit of work opened with {@link EventBus.transaction}:
 *
 * - blocking handlers run at once inside it;
 * - after-commit handlers with an id (every plugin's) are recorded in the event outbox in the
 *   same transaction, one delivery per event and handler, and delivered **at least once**: by
 *   this process right after the commit, or by the sweep of any process if this one stops first
 *   or the handler fails (retried with capped exponential back-off). Each delivery runs in a
 *   transaction of its own that also deletes the outbox row, so a handler's writes and "done"
 *   commit together; handlers must still be idempotent (docs/decisions/0002-event-outbox.md);
 * - host code's after-commit handlers without an id (test observers) and committed-event
 *   listeners (live boards) are called in this process only, after commit, once.
 *
 * Nothing reaches after-commit handlers from a transaction that rolls back.
 */
export class EventBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly committedListeners: CommittedEventListener[] = [];
  private readonly beforeCommitListeners: BeforeCommitListener[] = [];
  private readonly finalWriteProviders: FinalWriteProvider[] = [];
  private readonly delivery: DeliveryState;

  constructor(
    private readonly rootEm: () => EntityManager,
    private readonly logger: Logger,
    outbox: OutboxOptions = {},
  ) {
    this.delivery = {
      options: { ...OUTBOX_DEFAULTS, ...outbox },
      closed: false,
      sweepTimer: null,
      delayed: new Set(),
      running: new Set(),
    };
  }

  /** Subscribes a handler to one event name. Returns a function that unsubscribes it. */
  on<K extends EventName>(name: K, handler: EventHandler<K>, options: EventHandlerOptions<K> = {}): () => void {
    const blocking = options.blocking ?? false;
    const sub: Subscription = {
      name,
      owner: this.owner,
      // The bus hands it only events named `name`, whose payload is EventPayload<K>.
      handler: handler as EventHandler,
      blocking,
      id: options.id ?? `${name}#${this.subscriptions.length + 1}`,
      givenId: options.id ?? null,
      durable: !blocking && options.id !== undefined,
      // The bus asks it only about events named `name`, as it hands the handler.
      interest: (options.interest as EventInterest | undefined) ?? null,
    };
    this.subscriptions.push(sub);
    return () => {
      const i = this.subscriptions.indexOf(sub);
      if (i >= 0) this.subscriptions.splice(i, 1);
    };
  }

  /** Listens to every event once its transaction has committed (in this process only, not through the outbox). */
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

  /** Adds what every emitting transaction must write at its end for its events (see {@link FinalWriteProvider}). */
  onFinalWrite(provider: FinalWriteProvider): void {
    this.finalWriteProviders.push(provider);
  }

  /**
   * Runs `work` in one database transaction. Events it emits reach blocking handlers inside
   * the transaction; the outbox records them for after-commit handlers in the same transaction,
   * and this process delivers them once it has committed (at once, or after `deliveryDelayMs`).
   * If anything throws, nothing is written and no after-commit handler runs.
   */
  async transaction<T>(em: EntityManager, work: (tx: TransactionWork) => Promise<T>, actorId?: string | null): Promise<T> {
    return this.unitOfWork(em, actorId ?? null, (tx) => work(tx));
  }

  /** Emits events outside any caller transaction (each blocking handler still gets one). */
  async emit<K extends EventName>(name: K, payload: EventPayload<K>, actorId?: string | null): Promise<void> {
    await this.transaction(this.rootEm().fork(), ({ emit }) => emit(name, payload), actorId);
  }

  /** The plugin this view of the bus belongs to (see {@link EventBus.forPlugin}); null for the bus itself. */
  protected owner: string | null = null;

  /** The events core and the plugins declare (installed by the platform): an emitted name must be one of them. */
  eventTypes = new EventTypes([]);
  /**
   * Whether emitting an event its owner did not declare throws (tests: the emitting code is
   * wrong) rather than logging it once (a running district keeps working).
   */
  strictEvents = false;
  private readonly undeclaredLogged = new Set<string>();

  /**
   * The bus as plugin `pluginId` sees it: the same bus, but what it subscribes is recorded as
   * its own, so the host can check it depends on every plugin whose events it listens to.
   */
  forPlugin(pluginId: string): EventBus {
    const view = Object.create(this) as EventBus;
    view.owner = pluginId;
    return view;
  }

  /** Every subscription a plugin made: who listens to what, how, and under which handler id. */
  listeners(): ListenerInfo[] {
    return this.subscriptions.flatMap((s) => (s.owner ? [{ owner: s.owner, event: s.name, blocking: s.blocking, id: s.givenId }] : []));
  }

  /** Installed by the platform: how handlers run commands as the system. */
  systemUnitOfWork: SystemUnitOfWork | null = null;

  /**
   * Starts this process's outbox sweep (the platform does, once it runs): at once, then every
   * `sweepIntervalMs`. Deliveries of this process's own commits do not wait for it.
   */
  startSweeping(): void {
    this.sweepThenSchedule();
  }

  /**
   * Sweeps the outbox once: delivers deliveries that are due (left by a stopped process, or
   * failed and due again) for the handlers this process runs, one transaction each, skipping
   * rows another process holds. Returns how many it took. Safe to run in several processes at once;
   * in one process a sweep asked for while another runs (the periodic one, say) starts after it.
   */
  async sweep(): Promise<number> {
    // Two at once would only compete for the same rows; and whoever awaits a sweep then knows
    // every earlier one has ended (the one a process starts with included).
    const before = this.sweepUnderWay;
    const run = (before ?? Promise.resolve(0)).catch(() => 0).then(() => this.sweepOnce());
    this.sweepUnderWay = run;
    try {
      return await run;
    } finally {
      if (this.sweepUnderWay === run) this.sweepUnderWay = null;
    }
  }

  /** The last sweep asked for in this process, while it runs (see {@link sweep}). */
  private sweepUnderWay: Promise<number> | null = null;

  private async sweepOnce(): Promise<number> {
    const handlers = [...new Set(this.subscriptions.filter((s) => s.durable).map((s) => s.id))];
    const { deliveryDelayMs } = this.delivery.options;
    let taken = 0;
    try {
      while (
        !this.delivery.closed &&
        taken < SWEEP_BATCH &&
        (await this.deliver(async (em) => {
          const row = await eventOutbox.takeDue(em, handlers, deliveryDelayMs);
          return row && { row };
        }))
      ) {
        taken++;
      }
    } catch (err) {
      this.logger.error({ err }, 'event outbox sweep failed; the next sweep tries again');
    }
    return taken;
  }

  /** Stops delivering: no more sweeps or held-back deliveries; waits for those under way. */
  async stopDelivery(): Promise<void> {
    const state = this.delivery;
    state.closed = true;
    if (state.sweepTimer) clearTimeout(state.sweepTimer);
    state.sweepTimer = null;
    for (const timer of state.delayed) clearTimeout(timer);
    state.delayed.clear();
    await Promise.allSettled([...state.running]);
  }

  /** Sweeps now, then again in `sweepIntervalMs` (at once after a full batch: more is due). */
  private sweepThenSchedule(): void {
    const state = this.delivery;
    if (state.closed) return;
    void this.track(this.sweep()).then((taken) => this.scheduleSweep(taken >= SWEEP_BATCH ? 0 : state.options.sweepIntervalMs));
  }

  private scheduleSweep(afterMs: number): void {
    const state = this.delivery;
    if (state.closed) return;
    state.sweepTimer = setTimeout(() => {
      state.sweepTimer = null;
      this.sweepThenSchedule();
    }, afterMs);
    state.sweepTimer.unref();
  }

  /** Keeps `work` in the set that closing waits for. */
  private track<T>(work: Promise<T>): Promise<T> {
    const { running } = this.delivery;
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  }

  /** The emitter of one transaction: collects events into `sink` and runs blocking handlers at once. */
  private emitter(em: EntityManager, sink: GongzhiEvent[], actorId: string | null): EventEmitter {
    const emit: EventEmitter = async (name, payload) => {
      if (!this.eventTypes.allows(name)) this.undeclared(name);
      else if (this.strictEvents) this.checkPayload(name, payload);
      const event: GongzhiEvent = { name, payload, occurredAt: new Date(), actorId };
      sink.push(event);
      for (const sub of [...this.subscriptions]) {
        if (sub.blocking && matches(sub, name)) await sub.handler(event, this.handlerContext({ em, emit }, sub.id));
      }
    };
    return emit;
  }

  /** In tests: a payload field its event's description does not list is a fault (a webhook receiver could not know it). */
  private checkPayload(name: string, payload: unknown): void {
    const fields = this.eventTypes.undescribedFields(name, payload);
    if (fields.length) {
      throw new Error(
        `The event "${name}" was emitted with ${fields.map((f) => `"${f}"`).join(', ')} in its payload, which its events catalog does not describe. Fix: describe each in the event's payload, or leave it out of the payload.`,
      );
    }
  }

  /** An emitted event its owner's catalog does not hold: a fault in tests, a warning (once per name) otherwise. */
  private undeclared(name: string): void {
    const fix = `Fix: add it, with a sentence saying when it is emitted, to the events of its plugin (or correct the name; known: ${this.eventTypes.near(name).join(', ')}).`;
    if (this.strictEvents) throw new Error(`The event "${name}" was emitted but is not declared. ${fix}`);
    if (this.undeclaredLogged.has(name)) return;
    this.undeclaredLogged.add(name);
    this.logger.warn(
      { event: name },
      `an event not declared in its plugin's events was emitted; listeners and webhooks cannot name it. ${fix}`,
    );
  }

  /**
   * One transaction: `work`, then (if it emitted events) the outbox rows and the before-commit
   * listeners at its end, then, after the commit, delivery of what it emitted. A transaction that
   * PostgreSQL rolled back for a reason of the moment (a deadlock, a serialization failure, a
   * prepared statement gone stale under a migration) is run again from the start
   * ({@link runAgainOnTransientFailure}), so its caller never sees it; one nested in a caller's
   * transaction is not (the caller's transaction is the one to run again).
   */
  private async unitOfWork<T>(
    em: EntityManager,
    actorId: string | null,
    work: (tx: TransactionWork, emitted: GongzhiEvent[]) => Promise<T>,
  ): Promise<T> {
    const once = async (attempt = 1) => {
      const pending: GongzhiEvent[] = [];
      let recorded: Promise<OutboxRow[]> = Promise.resolve([]);
      // A transaction's fork shares the rows `em` holds; an attempt run again starts from none of
      // them, so it reads them as committed, not as the failed attempt left them in memory.
      const fresh = attempt > 1 ? { clear: true } : {};
      const value = await em.transactional(async (txEm) => {
        let handed = 0;
        const takeFinalWrites = () => {
          const events = pending.slice(handed);
          handed = pending.length;
          return events.length ? this.finalWrites(events) : [];
        };
        const result = await work({ em: txEm, emit: this.emitter(txEm, pending, actorId), takeFinalWrites }, pending);
        if (pending.length > 0) {
          const wanted = await this.interests(txEm, pending);
          const deliveries = pending.flatMap((event) =>
            this.subscriptions
              .filter((s) => s.durable && matches(s, event.name) && (wanted.get(s)?.(event) ?? true))
              .map((s) => ({ event, handler: s.id })),
          );
          ({ rows: recorded } = await eventOutbox.write(txEm, deliveries, this.delivery.options.handoverMs));
          for (const write of takeFinalWrites()) await txEm.execute(write.sql, write.params);
          for (const listener of this.beforeCommitListeners) await listener(pending, txEm);
        }
        return result;
      }, fresh);
      return { value, pending, recorded };
    };
    const { value, pending, recorded } = em.isInTransaction() ? await once() : await runAgainOnTransientFailure(once, this.logger);
    // The outbox rows' ids arrive with the COMMIT's answer.
    if (pending.length > 0) await this.afterCommit(pending, await recorded);
    return value;
  }

  private finalWrites(events: readonly GongzhiEvent[]): FinalWrite[] {
    return this.finalWriteProviders.flatMap((provider) => provider(events) ?? []);
  }

  /**
   * What each durable subscription with an `interest` wants of these events (one call each, all
   * at once: their queries share a round trip).
   */
  private async interests(
    em: EntityManager,
    events: readonly GongzhiEvent[],
  ): Promise<Map<Subscription, (event: GongzhiEvent) => boolean>> {
    const asked = this.subscriptions.flatMap((sub) => {
      const interest = sub.durable ? sub.interest : null;
      const theirs = interest ? events.filter((e) => matches(sub, e.name)) : [];
      return interest && theirs.length ? [interest(em, theirs).then((wants) => [sub, wants] as const)] : [];
    });
    return new Map(await Promise.all(asked));
  }

  private handlerContext(tx: { em: EntityManager; emit: EventEmitter }, handlerId: string, deliveryId?: string): EventHandlerContext {
    return {
      ...tx,
      ...(deliveryId === undefined ? {} : { deliveryId }),
      run: async (command, input) => {
        if (!this.systemUnitOfWork) throw new Error('Commands cannot run in event handlers before the platform has started.');
        return (await this.systemUnitOfWork(tx, handlerId)).run(command, input);
      },
      ref: (entity, id) => new Ref(graphQLTypeName(entity), id, 'id', () => entity),
    };
  }

  private async afterCommit(events: GongzhiEvent[], recorded: readonly OutboxRow[]): Promise<void> {
    for (const listener of this.committedListeners) {
      try {
        await listener(events);
      } catch (err) {
        this.logger.error({ err }, 'committed-event listener failed');
      }
    }
    if (recorded.length > 0) await this.deliverOwn(recorded);
    for (const event of events) {
      for (const sub of [...this.subscriptions]) {
        if (sub.blocking || sub.durable || !matches(sub, event.name)) continue;
        try {
          // An observer without id: called here, once, in a unit of work of its own.
          await this.transaction(
            this.rootEm().fork(),
            async (tx) => {
              await sub.handler(event, this.handlerContext(tx, sub.id));
            },
            event.actorId,
          );
        } catch (err) {
          this.logger.error({ err, handler: sub.id, event: event.name }, 'after-commit event handler failed');
        }
      }
    }
  }

  /**
   * This process delivers what it just committed, without waiting for a sweep: at once (the
   * caller's operation answers after its effects), or after `deliveryDelayMs`. A delivery it
   * cannot make now stays in the outbox for the sweep.
   */
  private async deliverOwn(rows: readonly OutboxRow[]): Promise<void> {
    const state = this.delivery;
    if (state.closed) return;
    const run = async () => {
      for (const row of rows) {
        if (state.closed) return;
        // This process wrote the row, so it knows it: the take goes with the handler's first query.
        await this.deliver(async (em) => ({ row, ...(await eventOutbox.take(em, row)) })).catch((err: unknown) =>
          this.logger.error({ err, outboxId: row.id }, 'event delivery could not complete; the row stays for the sweep'),
        );
      }
    };
    if (state.options.deliveryDelayMs === 0) {
      await this.track(run());
      return;
    }
    const timer = setTimeout(() => {
      state.delayed.delete(timer);
      void this.track(run());
    }, state.options.deliveryDelayMs);
    timer.unref();
    state.delayed.add(timer);
  }

  /**
   * Makes one delivery in a transaction of its own: takes the row `take` picks (deleted, and
   * locked until the end of the transaction) and runs its handler in the same transaction, so
   * the handler's writes and "done" commit together. If the handler (or the commit) fails,
   * everything rolls back, the row with it, and the row then records the failure and when to
   * try again. Returns whether it made an attempt.
   */
  private async deliver(take: (em: EntityManager) => Promise<Taking | null>): Promise<boolean> {
    let taken: { row: OutboxRow; sub: Subscription } | null = null;
    let txEm: EntityManager | null = null;
    let takeFailure: Promise<Error | undefined> | undefined;
    try {
      await this.unitOfWork(this.rootEm().fork(), null, async (tx, emitted) => {
        taken = null; // an attempt run again (a transient failure) takes its row anew
        txEm = tx.em;
        const taking = await take(tx.em);
        if (!taking) return;
        const { row } = taking;
        takeFailure = taking.failure;
        const sub = this.subscriptions.find((s) => s.durable && s.id === row.handler);
        // A handler unsubscribed since: the rollback leaves the row for a process that runs it.
        if (!sub) throw new HandlerGone();
        taken = { row, sub };
        const own: GongzhiEvent[] = [];
        await sub.handler(
          row.event,
          this.handlerContext({ em: tx.em, emit: this.emitter(tx.em, own, row.event.actorId ?? null) }, sub.id, row.id),
        );
        emitted.push(...own);
      });
    } catch (thrown) {
      if (thrown instanceof HandlerGone) return false;
      const notTaken = await takeFailure;
      // The row was not there to take: the attempt was never this process's to make.
      if (isNothingWritten(notTaken)) return false;
      // The take itself failed (the connection was lost, say): there is no attempt to count on the row.
      if (notTaken !== undefined) throw notTaken;
      // A command's held write that wrote nothing is recorded as what it found, not as a bare SQLSTATE.
      const err = txEm ? await explainNothingWritten(thrown, txEm, this.rootEm()) : thrown;
      if (!taken) throw err;
      await this.recordFailure(taken, err);
    }
    return taken !== null;
  }

  /** Counts a failed attempt on its row (back in the outbox after the rollback) and logs it; rethrows `err` when the row is not there to count on. */
  private async recordFailure({ row, sub }: { row: OutboxRow; sub: Subscription }, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const retryInMs = retryDelayMs(attempts, this.delivery.options);
    const nextAttemptAt = await eventOutbox.failed(this.rootEm().fork(), row, describeFailure(err), retryInMs);
    // The row is gone or changed: the failure came after the commit, or another process took the row up.
    if (!nextAttemptAt) throw err;
    this.logger.error(
      { err, handler: sub.id, event: row.event.name, outboxId: row.id, attempts, nextAttemptAt },
      `event handler ${sub.id} failed on ${row.event.name} (attempt ${attempts}); retrying in ${retryInMs} ms`,
    );
  }
}

/**
 * A delivery taken for an attempt: its row, and, when the take was sent without waiting for its
 * answer, that answer's error, if any (then the transaction cannot commit).
 */
interface Taking {
  row: OutboxRow;
  failure?: Promise<Error | undefined>;
}

/** Thrown to roll back a taken delivery whose handler this process no longer runs. */
class HandlerGone extends Error {}
