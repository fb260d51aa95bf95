import { BOARD_CHANNEL } from '../board/board-transport.js';
import type { NotificationListener } from '../database/notification-listener.js';

/**
 * Tells an authenticator's credential cache, in every process, that an API key was revoked or a
 * person's grants changed. While it is not `live` (not connected, reconnecting), nothing may be
 * cached: a revocation could be missed.
 */
export interface RevocationFeed {
  /** Whether revocations are being received right now. */
  readonly live: boolean;
  /**
   * Calls `listener` with the uuid of each revoked key or person whose grants changed, or with
   * null when every cached credential must go (notices may have been lost: the connection dropped
   * or was re-made; or a change touched many people at once).
   */
  subscribe(listener: (keyId: string | null) => void): () => void;
  close(): Promise<void>;
}

/**
 * The notice core migrations 0016 and 0024 send on the board channel when an API key is revoked or
 * deleted, or a person's grants change: the uuid, or `*` for everybody's.
 */
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
 * Revocations over PostgreSQL: LISTEN on the board channel (`gongzhi_board`), where database
 * triggers announce every revoked key and every person whose grants changed
 * (`{"revoked":"<uuid>"}`, or `{"revoked":"*"}` for everybody, sent on commit), through the
 * process's one {@link NotificationListener}. While its connection is down, the feed is not live
 * (caches off); when it is back, every cached credential goes.
 */
export class PostgresRevocationFeed implements RevocationFeed {
  private readonly listeners = new Set<(keyId: string | null) => void>();
  private stop: (() => void) | null = null;

  constructor(private readonly listener: NotificationListener) {}

  get live(): boolean {
    return this.stop !== null && this.listener.live;
  }

  subscribe(listener: (keyId: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(keyId: string | null): void {
    for (const listener of this.listeners) listener(keyId);
  }

  /** Listens; resolves once live or after the first failed attempt (it keeps retrying). */
  async start(): Promise<void> {
    this.stop = await this.listener.listen(BOARD_CHANNEL, {
      notification: (payload) => {
        const id = parseRevocationNotice(payload);
        if (id) this.emit(id === '*' ? null : id);
      },
      // Anything cached before the connection listened (again) may have missed a revocation.
      resume: () => this.emit(null),
      lost: () => this.emit(null),
    });
  }

  close(): Promise<void> {
    this.stop?.();
    this.stop = null;
    this.emit(null);
    return Promise.resolve();
  }
}
