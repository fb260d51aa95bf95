import pg from 'pg';
import { BOARD_CHANNEL } from '../board/board-transport.js';
import type { Logger } from '../logger.js';

/**
 * Tells an authenticator's credential cache, in every process, that an API key was revoked.
 * While it is not `live` (not connected, reconnecting), nothing may be cached: a revocation
 * could be missed.
 */
export interface RevocationFeed {
  /** Whether revocations are being received right now. */
  readonly live: boolean;
  /**
   * Calls `listener` with the uuid of each revoked key, or with null when notices may have been
   * lost (the connection dropped or was re-made): then every cached credential must go.
   */
  subscribe(listener: (keyId: string | null) => void): () => void;
  close(): Promise<void>;
}

/** The notice core migration 0016 sends on the board channel when an API key is revoked or deleted. */
export function parseRevocationNotice(payload: string | undefined): string | null {
  if (!payload?.includes('"revoked"')) return null;
  try {
    const id = (JSON.parse(payload) as { revoked?: unknown }).revoked;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Revocations over PostgreSQL: LISTEN on the board channel (`gongzhi_board`), where a database
 * trigger announces every revoked key (`{"revoked":"<uuid>"}`, sent on commit). One connection;
 * it reconnects with back-off, and the feed is not live (caches off) until it is back.
 */
export class PostgresRevocationFeed implements RevocationFeed {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<(keyId: string | null) => void>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delay = 100;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly maxDelayMs = 2000,
  ) {}

  get live(): boolean {
    return this.client !== null;
  }

  subscribe(listener: (keyId: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(keyId: string | null): void {
    for (const listener of this.listeners) listener(keyId);
  }

  /** Connects and listens; resolves once live or after the first failed attempt (it keeps retrying). */
  async start(): Promise<void> {
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
      this.emit(null);
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn({ err: err?.message }, 'revocation LISTEN connection lost; credential cache off until it is back');
        this.schedule();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel !== BOARD_CHANNEL) return;
      const id = parseRevocationNotice(msg.payload);
      if (id) this.emit(id);
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
    // Anything cached before this connection listened may have missed a revocation.
    this.emit(null);
    this.client = client;
    this.delay = 100;
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
    this.emit(null);
    await client?.end().catch(() => undefined);
  }
}
