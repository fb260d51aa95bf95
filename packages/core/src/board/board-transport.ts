import type { NotificationListener } from '../database/notification-listener.js';

/**
 * A wake-up call: "the board log has grown to `seq`". Tiny on purpose (NOTIFY payloads must
 * stay under 8,000 bytes); readers load the entries from the log, never from the notice.
 */
export interface BoardNotice {
  seq: number;
}

/** What a transport calls in the process that listens. */
export interface BoardTransportHandlers {
  onNotice(notice: BoardNotice): void;
  /** Read the log from the cursor: notices may have been lost (first connect, reconnect), or the log grew by numbers not named. */
  onResync(): void;
}

/**
 * The pub/sub between gateway processes. It only carries wake-up notices: the board log in
 * the database is the source of truth, and readers catch up from it by sequence, so a lost,
 * repeated or late notice costs latency, never an event. PostgreSQL LISTEN/NOTIFY and an
 * in-process implementation ship; Redis or NATS would implement `publishAfterCommit`.
 */
export interface BoardTransport {
  /**
   * A PostgreSQL NOTIFY channel: the board log's commit-time trigger notifies `{"s":<seq>}` on it
   * (sent on commit, in commit order), so the notice costs no statement of its own. Set by
   * transports that listen there.
   */
  readonly notifyChannel?: string;
  /**
   * In the emitting process, after a transaction that logged board entries committed. Their
   * numbers are given at commit inside PostgreSQL, so the call names none: readers read the log
   * from their cursor.
   */
  publishAfterCommit?(): void;
  /** Starts receiving notices (one connection per process). */
  start(handlers: BoardTransportHandlers): Promise<void>;
  close(): Promise<void>;
}

/** For one process alone: notices go straight to this process's reader after commit. */
export class InProcessBoardTransport implements BoardTransport {
  private handlers: BoardTransportHandlers | null = null;

  publishAfterCommit(): void {
    const handlers = this.handlers;
    if (handlers) queueMicrotask(() => handlers.onResync());
  }

  start(handlers: BoardTransportHandlers): Promise<void> {
    this.handlers = handlers;
    handlers.onResync();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.handlers = null;
    return Promise.resolve();
  }
}

/** The NOTIFY channel; notifications are per database, so each database has its own boards. */
export const BOARD_CHANNEL = 'gongzhi_board';

/**
 * PostgreSQL LISTEN/NOTIFY: the board log's commit-time trigger calls `pg_notify` (delivered only if and
 * when the emitting transaction commits, in commit order); notices arrive through the process's one
 * {@link NotificationListener}, which reconnects by itself when the database restarts and then
 * asks for a resync.
 */
export class PostgresBoardTransport implements BoardTransport {
  private stop: (() => void) | null = null;

  /** `ownsListener`: the transport closes the listener when it closes (nothing else uses it). */
  constructor(
    private readonly listener: NotificationListener,
    private readonly ownsListener = false,
  ) {}

  /** How many times the listening connection was (re)established; for tests and metrics. */
  get connects(): number {
    return this.listener.connects;
  }

  /** The board log's commit-time trigger sends the notice (`{"s":<seq>}`, on commit, in commit order). */
  readonly notifyChannel = BOARD_CHANNEL;

  async start(handlers: BoardTransportHandlers): Promise<void> {
    this.stop = await this.listener.listen(BOARD_CHANNEL, {
      notification: (payload) => {
        // The channel also carries other notices (revoked keys): only `{"s":<seq>}` is a board's.
        if (!payload?.startsWith('{"s":')) return;
        const seq = Number(payload.slice(5, -1));
        if (Number.isSafeInteger(seq) && seq > 0) handlers.onNotice({ seq });
        else handlers.onResync();
      },
      resume: () => handlers.onResync(),
    });
  }

  async close(): Promise<void> {
    this.stop?.();
    this.stop = null;
    if (this.ownsListener) await this.listener.close();
  }
}
