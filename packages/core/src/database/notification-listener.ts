import pg from 'pg';
import type { Logger } from '../logger.js';

/** What one user of a {@link NotificationListener} is told about its channel. */
export interface ChannelHandlers {
  /** A notification on the channel (its payload). */
  notification(payload: string | undefined): void;
  /**
   * The channel is listened to again (first connect, or a reconnect): notifications sent while
   * it was not may be lost, so whatever they announce must be read from the source of truth.
   */
  resume(): void;
  /** The connection dropped: nothing arrives until the next `resume`. */
  lost?(): void;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The ONE PostgreSQL LISTEN connection of a process: every part that needs notifications (live
 * boards, credential revocations) listens through it, so a process costs the database one
 * listening connection however many channels and users it has (NOTIFY's cost grows with
 * listeners). It connects on the first `listen`, reconnects by itself with back-off when the
 * database restarts, and then tells every user to resume.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private readonly channels = new Map<string, Set<ChannelHandlers>>();
  private connecting: Promise<void> | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delay = 100;
  /** How many times the connection was (re)established; for tests and metrics. */
  connects = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly maxDelayMs = 2000,
  ) {}

  /** Whether notifications are being received right now. */
  get live(): boolean {
    return this.client !== null;
  }

  /**
   * Listens on `channel`. Resolves once the channel is listened to (then `resume` was called) or
   * after the first failed attempt (it keeps retrying, and calls `resume` when it is back).
   * Returns the function that stops listening.
   */
  async listen(channel: string, handlers: ChannelHandlers): Promise<() => void> {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`"${channel}" is not a plain channel name.`);
    if (this.closed) throw new Error('The notification listener is closed.');
    let users = this.channels.get(channel);
    const fresh = !users;
    if (!users) this.channels.set(channel, (users = new Set()));
    users.add(handlers);
    const client = this.client;
    if (client && fresh) {
      try {
        await client.query(`LISTEN ${channel}`);
      } catch {
        // The connection is going down: its reconnect listens on every channel, then resumes.
      }
    }
    if (this.client) handlers.resume();
    else await this.ensureConnected();
    return () => {
      users.delete(handlers);
      if (users.size > 0 || this.channels.get(channel) !== users) return;
      this.channels.delete(channel);
      void this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  private each(call: (handlers: ChannelHandlers) => void): void {
    for (const users of this.channels.values()) for (const handlers of users) call(handlers);
  }

  private ensureConnected(): Promise<void> {
    return (this.connecting ??= this.connect().finally(() => (this.connecting = null)));
  }

  private async connect(): Promise<void> {
    if (this.closed || this.client) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    let failed = false;
    const lost = (err?: Error) => {
      if (failed) return;
      failed = true;
      const wasLive = this.client === client;
      if (wasLive) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (wasLive) this.each((h) => h.lost?.());
      if (!this.closed) {
        this.logger.warn({ err: err?.message }, 'LISTEN connection lost; reconnecting');
        this.schedule();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      for (const handlers of this.channels.get(msg.channel) ?? []) handlers.notification(msg.payload);
    });
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.closed || failed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connects++;
    this.delay = 100;
    // Anything announced while no connection listened must be read from its source now.
    this.each((h) => h.resume());
  }

  private schedule(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.ensureConnected();
    }, this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, this.maxDelayMs);
  }

  /** Stops listening on every channel and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) this.each((h) => h.lost?.());
    this.channels.clear();
    await client?.end().catch(() => undefined);
  }
}
