import type { EntityManager } from '@mikro-orm/postgresql';
import type { GongzhiContext } from '../context.js';
import type { FinalWrite, GongzhiEvent } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { boardLog, type BoardLogEntry, type BoardSources } from './board-log.js';
import type { BoardTransport } from './board-transport.js';

/** What a board subscriber receives: a logged event, or "your gap is too old, refetch". */
export type BoardDelivery = BoardEventDelivery | { kind: 'refetch'; seq: number; reason: string };

/**
 * A logged event on its way to subscribers. Live ones are one object shared by every stream
 * of the process, so a transport can recognise "the same event" and execute it once.
 */
export interface BoardEventDelivery {
  kind: 'event';
  seq: number;
  entry: BoardLogEntry;
  /** Read live by the hub as it was committed (not from the log for a resuming subscriber). */
  live?: boolean;
}

/** The part of a board's filter the hub applies before anything is loaded. */
export interface BoardStreamFilter {
  /** Only items under this place path. */
  placePath: string;
  /** Only these item types (all when empty or missing). */
  itemTypes?: readonly string[] | null;
}

export interface BoardHubOptions {
  /** Largest gap a resuming subscriber may catch up on; a larger one gets a refetch signal. */
  maxCatchUp?: number;
  /** Deliveries a subscriber may have waiting before it is cut off as too slow. */
  queueLimit?: number;
  /** How often the log is read even without notices (safety net), in ms; 0 turns it off. */
  pollIntervalMs?: number;
  /** How long entries stay in the log, in ms. */
  retentionMs?: number;
  /** How often this process prunes the log, in ms; 0 turns it off. */
  pruneIntervalMs?: number;
  /**
   * Whether the caller may watch the board of a place (its materialized path). The place-scoped
   * authorization plugs in here; until it exists every caller may.
   */
  canWatch?: (ctx: GongzhiContext, placePath: string) => boolean | Promise<boolean>;
}

/** Thrown into a subscriber's stream when it fell too far behind. */
export class SlowConsumerError extends Error {
  readonly code = 'SLOW_CONSUMER';
}

const READ_BATCH = 500;

/** A consumer a {@link BoardStream} hands its deliveries to as they come (see {@link BoardStream.listen}). */
export interface BoardSink {
  /** The next delivery, in order; called synchronously by the hub's reader. */
  delivery(delivery: BoardDelivery): void;
  /** The stream ended: returned (null), or failed (a {@link SlowConsumerError}, say). */
  end(err: Error | null): void;
}

/**
 * One subscriber's ordered stream of deliveries: an async generator for graphql-js and
 * graphql-ws, with a bounded queue (a consumer that does not keep up is cut off); or, once a
 * consumer {@link listen}s, handed to it synchronously, so that thousands of subscribers of
 * one event cost no promise, turn or queue each.
 */
export class BoardStream implements AsyncGenerator<BoardDelivery, undefined, unknown> {
  private readonly queue: BoardDelivery[] = [];
  private waiter: ((r: IteratorResult<BoardDelivery, undefined>) => void) | null = null;
  private failWaiter: ((err: Error) => void) | null = null;
  private sink: BoardSink | null = null;
  private done = false;
  private error: Error | null = null;
  /** Live entries held back while the catch-up reads the log. */
  held: BoardEventDelivery[] | null = [];
  /** The last sequence this stream passed on (or was told to start after). */
  position: number;

  constructor(
    readonly filter: BoardStreamFilter,
    start: number,
    private readonly limit: number,
    private readonly onClose: (stream: BoardStream) => void,
  ) {
    this.position = start;
  }

  matches(entry: BoardLogEntry): boolean {
    if (!entry.placePath.startsWith(this.filter.placePath)) return false;
    const types = this.filter.itemTypes;
    return !types?.length || types.includes(entry.itemType);
  }

  /** Offers a live entry (in sequence order). */
  offer(delivery: BoardEventDelivery): void {
    if (this.done) return;
    if (this.held) {
      this.held.push(delivery);
      if (this.held.length > this.limit) this.fail(new SlowConsumerError(`More than ${this.limit} board events arrived during catch-up.`));
      return;
    }
    this.deliver(delivery);
  }

  /** Passes an entry on if it is new to this stream and matches; `bounded` false while catching up. */
  deliver(delivery: BoardEventDelivery, bounded = true): void {
    if (delivery.seq <= this.position) return;
    this.position = delivery.seq;
    if (this.matches(delivery.entry)) this.push(delivery, bounded);
  }

  push(delivery: BoardDelivery, bounded = true): void {
    if (this.done) return;
    if (delivery.kind === 'refetch') this.position = Math.max(this.position, delivery.seq);
    if (this.sink) {
      this.sink.delivery(delivery);
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.failWaiter = null;
      w({ value: delivery, done: false });
      return;
    }
    this.queue.push(delivery);
    if (bounded && this.queue.length > this.limit) {
      this.fail(
        new SlowConsumerError(
          `More than ${this.limit} board events are waiting for this subscriber; it is too slow. Resubscribe with the last sequence it received.`,
        ),
      );
    }
  }

  /**
   * Hands every delivery, those waiting first, to `sink` as it comes instead of queueing it for
   * `next()`: the consumer bounds what it keeps. Its end comes through `sink.end`.
   */
  listen(sink: BoardSink): void {
    this.sink = sink;
    for (const delivery of this.queue.splice(0)) sink.delivery(delivery);
    if (this.done) {
      const error = this.error;
      this.error = null;
      sink.end(error);
    }
  }

  fail(err: unknown): void {
    if (this.done) return;
    const error = err instanceof Error ? err : new Error(`Board stream failed: ${String(err)}`);
    this.error = error;
    this.queue.length = 0;
    this.finish();
    if (this.sink) {
      this.error = null;
      this.sink.end(error);
    }
    if (this.failWaiter) {
      const f = this.failWaiter;
      this.waiter = null;
      this.failWaiter = null;
      f(error);
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.held = null;
    this.onClose(this);
  }

  /** Deliveries waiting to be taken. */
  get pending(): number {
    return this.queue.length;
  }

  next(): Promise<IteratorResult<BoardDelivery, undefined>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.error) {
      const err = this.error;
      this.error = null;
      return Promise.reject(err);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<BoardDelivery, undefined>> {
    this.queue.length = 0;
    this.error = null;
    const open = !this.done;
    this.finish();
    if (open) this.sink?.end(null);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.failWaiter = null;
      w({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<BoardDelivery, undefined>> {
    this.fail(err);
    return this.next();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/**
 * The live-board hub of one process: it logs board events in the emitting transactions,
 * wakes up on notices from the transport (one LISTEN connection per process), reads the log
 * once per process from its cursor, and hands each entry to the matching subscribers in
 * sequence order. Subscribers that resume from a sequence read their gap from the log first.
 */
export class BoardHub {
  private cursor = 0;
  private started: Promise<void> | null = null;
  private closed = false;
  private readonly streams = new Set<BoardStream>();
  private reading: Promise<void> | null = null;
  private again = false;
  private wanted = 0;
  private wantedRetries = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly options: Required<Omit<BoardHubOptions, 'canWatch'>> & Pick<BoardHubOptions, 'canWatch'>;

  constructor(
    private readonly em: () => EntityManager,
    readonly sources: BoardSources,
    readonly transport: BoardTransport,
    private readonly logger: Logger,
    options: BoardHubOptions = {},
  ) {
    this.options = {
      maxCatchUp: options.maxCatchUp ?? 10_000,
      queueLimit: options.queueLimit ?? 1_000,
      pollIntervalMs: options.pollIntervalMs ?? 5_000,
      retentionMs: options.retentionMs ?? 7 * 24 * 3600_000,
      pruneIntervalMs: options.pruneIntervalMs ?? 15 * 60_000,
      canWatch: options.canWatch,
    };
  }

  /**
   * What the emitting transaction writes at its end (the event bus's final write) to hand its
   * board events to the log, numbered as it commits; null when none is on a board.
   */
  finalWrite(events: readonly GongzhiEvent[]): FinalWrite | null {
    return boardLog.pendingWrite(this.sources, events, this.transport.notifyChannel);
  }

  /** Whether any of `events` is on a board (its transaction logged entries). */
  logs(events: readonly GongzhiEvent[]): boolean {
    return events.some((event) => this.sources.refs(event).length > 0);
  }

  /** After a transaction that logged board entries committed. */
  afterCommit(): void {
    this.transport.publishAfterCommit?.();
  }

  /** Starts the reader and the transport; called by the first subscriber. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.cursor = (await boardLog.state(this.em())).lastSeq;
      await this.transport.start({ onNotice: (n) => this.wake(n.seq), onResync: () => this.wake() });
      if (this.options.pollIntervalMs > 0) {
        this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
        this.pollTimer.unref();
      }
      if (this.options.pruneIntervalMs > 0) {
        this.pruneTimer = setInterval(
          () => void this.prune().catch((err) => this.logger.warn({ err }, 'pruning the board log failed')),
          this.options.pruneIntervalMs,
        );
        this.pruneTimer.unref();
      }
    })();
    // A first subscriber that came while the database was down must not leave the hub unstartable.
    this.started.catch(() => (this.started = null));
    return this.started;
  }

  /** Deletes log entries older than the retention. */
  prune(now = new Date()): Promise<number> {
    return boardLog.prune(this.em(), new Date(now.getTime() - this.options.retentionMs));
  }

  /** The last sequence this process has read and dispatched. */
  get position(): number {
    return this.cursor;
  }

  /** Number of open subscriber streams in this process. */
  get subscriberCount(): number {
    return this.streams.size;
  }

  /** Asks the reader to read the log (up to `seq`, when a notice said how far). */
  wake(seq?: number): void {
    if (this.closed || !this.started) return;
    if (seq !== undefined) this.wanted = Math.max(this.wanted, seq);
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readLoop().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const entries = await boardLog.read(this.em(), this.cursor, READ_BATCH);
        for (const entry of entries) {
          if (entry.seq !== this.cursor + 1 && this.cursor > 0) {
            // Entries were pruned before this process read them: every subscriber must refetch.
            for (const stream of this.streams) stream.push({ kind: 'refetch', seq: entry.seq - 1, reason: 'pruned' });
          }
          this.cursor = entry.seq;
          const delivery: BoardEventDelivery = { kind: 'event', seq: entry.seq, entry, live: true };
          for (const stream of this.streams) stream.offer(delivery);
        }
        if (entries.length < READ_BATCH) break;
      }
      if (this.wanted > this.cursor && this.wantedRetries++ < 100) {
        this.retrySoon(); // notified of a commit not yet visible here (e.g. a nested transaction)
      } else {
        this.wanted = this.cursor;
        this.wantedRetries = 0;
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'reading the board log failed; retrying');
      this.retrySoon(500);
    }
  }

  private retrySoon(ms = 50): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, ms);
    this.retryTimer.unref();
  }

  /**
   * Opens a subscriber stream: entries after `after` (its gap read from the log first), or
   * from now on when `after` is null. A gap older than the log, or larger than `maxCatchUp`,
   * yields one `refetch` delivery and then live entries.
   */
  async subscribe(filter: BoardStreamFilter, after: number | null): Promise<BoardStream> {
    if (this.closed) throw new Error('The live board hub is closed.');
    await this.start();
    const c0 = this.cursor;
    const stream = new BoardStream(filter, after ?? c0, this.options.queueLimit, (s) => this.streams.delete(s));
    this.streams.add(stream);
    try {
      if (after !== null && after < c0) await this.catchUp(stream, after, c0);
      else if (after !== null && after > c0) {
        // Ahead of this process's reader is normal for a moment; ahead of the database is not
        // (a restored database, a number from elsewhere): that client must reload.
        const { lastSeq } = await boardLog.state(this.em());
        if (after > lastSeq) {
          stream.position = lastSeq;
          stream.push({ kind: 'refetch', seq: lastSeq, reason: 'unknown-sequence' });
        }
      }
    } catch (err) {
      await stream.return();
      throw err;
    }
    const held = stream.held ?? [];
    stream.held = null;
    for (const delivery of held) stream.deliver(delivery);
    return stream;
  }

  private async catchUp(stream: BoardStream, after: number, through: number): Promise<void> {
    const em = this.em();
    const state = await boardLog.state(em);
    if (after < state.prunedThrough || through - after > this.options.maxCatchUp) {
      const reason = after < state.prunedThrough ? 'pruned' : 'too-far-behind';
      stream.push({ kind: 'refetch', seq: through, reason });
      return;
    }
    let from = after;
    while (from < through) {
      const entries = await boardLog.read(em, from, READ_BATCH, through);
      if (entries.length === 0) break;
      for (const entry of entries) stream.deliver({ kind: 'event', seq: entry.seq, entry }, false);
      from = entries.at(-1)!.seq;
    }
    stream.position = Math.max(stream.position, through);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const stream of [...this.streams]) await stream.return();
    await this.reading?.catch(() => undefined);
    await this.transport.close();
  }
}
