import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger.js';

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
  /** Notices may have been lost (first connect, reconnect): read the log from the cursor. */
  onResync(): void;
}

/**
 * The pub/sub between gateway processes. It only carries wake-up notices: the board log in
 * the database is the source of truth, and readers catch up from it by sequence, so a lost,
 * repeated or late notice costs latency, never an event. PostgreSQL LISTEN/NOTIFY and an
 * in-process implementation ship; Redis or NATS would implement `publishAfterCommit`.
 */
export interface BoardTransport {
  /** Inside the emitting transaction, after its entries were logged (sent on commit, e.g. NOTIFY). */
  publishInTransaction?(em: EntityManager, notice: BoardNotice): Promise<void>;
  /** In the emitting process, after the commit. */
  publishAfterCommit?(notice: BoardNotice): void;
  /** Starts receiving notices (one connection per process). */
  start(handlers: BoardTransportHandlers): Promise<void>;
  close(): Promise<void>;
}

/** For one process alone: notices go straight to this process's reader after commit. */
export class InProcessBoardTransport implements BoardTransport {
  private handlers: BoardTransportHandlers | null = null;

  publishAfterCommit(notice: BoardNotice): void {
    const handlers = this.handlers;
    if (handlers) queueMicrotask(() => handlers.onNotice(notice));
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
 * PostgreSQL LISTEN/NOTIFY: the emitting transaction calls `pg_notify` (delivered only if and
 * when it commits, in commit order); each process holds ONE listening connection, which
 * reconnects by itself with backoff when the database restarts, then asks for a resync.
 */
export class PostgresBoardTransport implements BoardTransport {
  private client: pg.Client | null = null;
  private handlers: BoardTransportHandlers | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delay = 100;
  /** How many times the listening connection was (re)established; for tests and metrics. */
  connects = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly maxDelayMs = 2000,
  ) {}

  async publishInTransaction(em: EntityManager, notice: BoardNotice): Promise<void> {
    await em.execute('SELECT pg_notify(?, ?)', [BOARD_CHANNEL, JSON.stringify({ s: notice.seq })]);
  }

  async start(handlers: BoardTransportHandlers): Promise<void> {
    this.handlers = handlers;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    let failed = false;
    const lost = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn({ err: err?.message }, 'board LISTEN connection lost; reconnecting');
        this.schedule();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel !== BOARD_CHANNEL) return;
      try {
        const seq = Number((JSON.parse(msg.payload ?? '{}') as { s?: unknown }).s);
        if (Number.isFinite(seq)) this.handlers?.onNotice({ seq });
      } catch {
        this.handlers?.onResync();
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BOARD_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connects++;
    this.delay = 100;
    // Anything committed while no connection listened is in the log: read it now.
    this.handlers?.onResync();
  }

  private schedule(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, this.maxDelayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
