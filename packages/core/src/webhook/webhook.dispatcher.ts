import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import pg from 'pg';
import { endPool } from '../database/pool.js';
import { namedText, namePreparedStatements } from '../database/prepared-statements.js';
import { describeFailure } from '../events/outbox.js';
import type { Logger } from '../logger.js';
import { PrivateNetworkError, type ResolveAll, systemResolve, webhookConnection } from './webhook-address.js';
import { webhookSignatureHeader } from './webhook-signature.js';

/** How webhook deliveries are sent (see docs/webhooks.md). Times are the database's. */
export interface WebhookOptions {
  /** Send deliveries from this process (default true). */
  enabled?: boolean;
  /** How often this process looks for deliveries that are due. Default 1 s. */
  pollIntervalMs?: number;
  /** Longest wait for a receiver's answer; past it the attempt fails. Default 10 s. */
  timeoutMs?: number;
  /** Most requests in flight at once from this process. Default 8. */
  concurrency?: number;
  /** Wait before the first retry; each further failure doubles it. Default 5 s. */
  retryBaseMs?: number;
  /** The longest wait between two attempts. Default 1 h. */
  retryMaxMs?: number;
  /** How long a delivery is retried before it fails and its webhook is disabled. Default 24 h. */
  retryWindowMs?: number;
  /**
   * Send to https receivers on private, loopback and link-local addresses (an intranet
   * deployment). Default false: such deliveries are refused, so a webhook cannot reach into the
   * server's own network.
   */
  privateNetworks?: boolean;
  /**
   * How receivers' names are resolved (default: the system's resolver, as `dns.lookup`). The
   * private-network check runs on this answer, the one the connection uses.
   */
  resolve?: ResolveAll;
  /** How long finished deliveries (succeeded or failed) and their attempts stay in the log. Default 30 days. */
  retentionMs?: number;
  /** How often this process deletes finished deliveries past `retentionMs`. Default 1 h. */
  pruneIntervalMs?: number;
}

export const WEBHOOK_DEFAULTS: Readonly<Required<WebhookOptions>> = Object.freeze({
  enabled: true,
  pollIntervalMs: 1_000,
  timeoutMs: 10_000,
  concurrency: 8,
  retryBaseMs: 5_000,
  retryMaxMs: 3_600_000,
  retryWindowMs: 86_400_000,
  privateNetworks: false,
  resolve: systemResolve,
  retentionMs: 30 * 86_400_000,
  pruneIntervalMs: 3_600_000,
});

/** Finished deliveries deleted per statement, so pruning a large backlog never holds long locks. */
const PRUNE_BATCH = 1_000;

/** A delivery claimed for one attempt, with what is needed to send it. */
interface Claimed {
  id: string;
  webhook_id: string;
  event: string;
  payload: unknown;
  occurred_at: Date | string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
}

/** The outcome of one HTTP attempt. */
interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** "86400000" → "24 h", for reasons people read. */
function humanDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/**
 * Sends webhook deliveries in the background, never on the request path: it claims due
 * deliveries with a lease (`next_attempt_at` moves past the attempt's timeout, in one
 * statement, so no transaction or connection is held while a receiver answers), sends at most
 * `concurrency` at once with a timeout each, and records each attempt. A failed attempt is
 * retried with doubling waits; one still failing `retryWindowMs` after its series began fails
 * and disables its webhook with the reason. A process that stops mid-series leaves the rows as
 * they are: any process resumes them when they are due (a lease that expired included), with
 * the same `webhook-id`.
 *
 * It talks to the database through a small pool of its own (two connections), so it never takes
 * a connection operations wait for, and its polls are not counted among an operation's statements.
 */
export class WebhookDispatcher {
  private readonly options: Required<WebhookOptions>;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private claiming = false;
  private lastPruned = 0;
  private readonly inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private readonly pool: pg.Pool;

  /**
   * @param clientPayload What a delivery's receiver gets of its payload (the platform gives
   *   `EventTypes.forClients`): ids as global ids even in deliveries queued before the fan-out
   *   wrote them so (core 0.4 wrote row uuids; a receiver's `node(id:)` takes global ids only).
   */
  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
    options: WebhookOptions = {},
    private readonly clientPayload: (event: string, payload: unknown) => unknown = (_event, payload) => payload,
  ) {
    this.options = { ...WEBHOOK_DEFAULTS, ...options };
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000, keepAlive: true });
    // An idle connection that dies (a database restart) must not take the process down; the next query reconnects.
    this.pool.on('error', (err) => this.logger.warn({ err }, 'a webhook dispatcher connection failed; it reconnects'));
    namePreparedStatements(this.pool);
  }

  /** Its statements are of fixed shape: named, so a poll's claim is not parsed and planned anew every time. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(namedText(sql), params)).rows;
  }

  /** Starts polling (at once, then every `pollIntervalMs`). */
  start(): void {
    if (!this.options.enabled) return;
    this.schedule(0);
  }

  /** Stops claiming; attempts under way are aborted and recorded as failed, to be retried by the next process. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const { abort } of this.inFlight.values()) abort.abort(new Error('the sender stopped (the process is shutting down)'));
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
    await endPool(this.pool);
  }

  private schedule(afterMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick()
        .then(() => this.pruneWhenDue())
        .finally(() => this.schedule(this.options.pollIntervalMs));
    }, afterMs);
    this.timer.unref();
  }

  /** Claims as many due deliveries as there are free slots and starts sending them. */
  async tick(): Promise<void> {
    if (this.closed || this.claiming) return;
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return;
    this.claiming = true;
    try {
      const claimed = await this.claim(free);
      // Each send that ends claims again (see `send`): a backlog drains without waiting for the poll.
      for (const delivery of claimed) this.send(delivery);
    } catch (err) {
      this.logger.error({ err }, 'webhook dispatcher could not claim deliveries; it tries again at the next poll');
    } finally {
      this.claiming = false;
    }
  }

  private async pruneWhenDue(): Promise<void> {
    if (this.closed || Date.now() - this.lastPruned < this.options.pruneIntervalMs) return;
    this.lastPruned = Date.now();
    try {
      const deleted = await this.prune();
      if (deleted) this.logger.info({ deleted }, 'deleted webhook deliveries past the retention period');
    } catch (err) {
      this.logger.warn({ err }, 'pruning old webhook deliveries failed; it tries again at the next prune interval');
    }
  }

  /**
   * Deletes finished deliveries (and, by cascade, their attempts) created before the retention
   * period, in batches; pending ones are never deleted. Safe from several processes at once.
   * Returns how many were deleted.
   */
  async prune(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = await this.query(
        `DELETE FROM webhook_delivery WHERE id IN (
           SELECT d.id FROM webhook w JOIN webhook_delivery d ON d.webhook_id = w.id
            WHERE d.created_at < clock_timestamp() - $1 * interval '1 millisecond' AND d.status <> 'pending'
            LIMIT $2 FOR UPDATE OF d SKIP LOCKED)
         RETURNING id`,
        [this.options.retentionMs, PRUNE_BATCH],
      );
      deleted += rows.length;
      if (rows.length < PRUNE_BATCH || this.closed) return deleted;
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const leaseMs = this.options.timeoutMs + 30_000;
    return this.query<Claimed>(
      `UPDATE webhook_delivery d SET next_attempt_at = clock_timestamp() + $1 * interval '1 millisecond'
         FROM webhook w
        WHERE w.id = d.webhook_id AND d.id IN (
          SELECT d2.id FROM webhook_delivery d2 JOIN webhook w2 ON w2.id = d2.webhook_id
           WHERE d2.status = 'pending' AND w2.status = 'active' AND d2.next_attempt_at <= clock_timestamp()
           ORDER BY d2.next_attempt_at LIMIT $2 FOR UPDATE OF d2 SKIP LOCKED)
      RETURNING d.id, d.webhook_id, d.event, d.payload, d.occurred_at, d.attempts, w.url, w.secret,
                CASE WHEN w.previous_secret_expires_at > clock_timestamp() THEN w.previous_secret END AS previous_secret`,
      [leaseMs, limit],
    );
  }

  private send(delivery: Claimed): void {
    const abort = new AbortController();
    const done = this.attempt(delivery, abort.signal)
      .then((result) => this.record(delivery, result))
      .catch((err: unknown) =>
        this.logger.error({ err, delivery: delivery.id }, 'recording a webhook attempt failed; the lease expires and it is retried'),
      )
      .finally(() => {
        this.inFlight.delete(delivery.id);
        if (!this.closed) void this.tick();
      });
    this.inFlight.set(delivery.id, { done, abort });
  }

  /** One signed POST. Never throws: every failure is an outcome to record. */
  private async attempt(delivery: Claimed, stop: AbortSignal): Promise<AttemptResult> {
    const occurredAt = delivery.occurred_at instanceof Date ? delivery.occurred_at : new Date(delivery.occurred_at);
    const body = JSON.stringify({
      type: delivery.event,
      timestamp: occurredAt.toISOString(),
      data: this.clientPayload(delivery.event, delivery.payload),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = delivery.previous_secret ? [delivery.secret, delivery.previous_secret] : [delivery.secret];
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const url = new URL(delivery.url);
      const connection = webhookConnection(url, this.options.privateNetworks, this.options.resolve);
      if ('refused' in connection) return { ok: false, statusCode: null, durationMs: elapsed(), error: connection.refused };
      const status = await post(url, {
        lookup: connection.lookup,
        signal: AbortSignal.any([stop, AbortSignal.timeout(this.options.timeoutMs)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gongzhi-Webhooks',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignatureHeader(secrets, delivery.id, timestamp, body),
        },
        body,
      });
      const ok = status >= 200 && status < 300;
      return {
        ok,
        statusCode: status,
        durationMs: elapsed(),
        error: ok ? null : `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
      };
    } catch (err) {
      const { code, message } = err as NodeJS.ErrnoException;
      const error = stop.aborted
        ? describeFailure(stop.reason)
        : (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : err instanceof PrivateNetworkError
            ? message
            : code
              ? `${code}: ${message}`.trim()
              : describeFailure(err);
      return { ok: false, statusCode: null, durationMs: elapsed(), error };
    }
  }

  private async record(delivery: Claimed, result: AttemptResult): Promise<void> {
    const attempt = delivery.attempts + 1;
    const log = [delivery.id, attempt, result.statusCode, result.durationMs, result.error];
    if (result.ok) {
      await this.query(
        `WITH logged AS (
           INSERT INTO webhook_attempt (delivery_id, attempt, attempted_at, status_code, duration_ms, error)
           VALUES ($1, $2, clock_timestamp(), $3, $4, $5))
         UPDATE webhook_delivery SET status = 'succeeded', attempts = attempts + 1, last_status_code = $3, last_error = NULL,
                delivered_at = clock_timestamp()
          WHERE id = $1`,
        log,
      );
      return;
    }
    const { retryBaseMs, retryMaxMs, retryWindowMs } = this.options;
    const retryInMs = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt - 1, 30));
    const [row] = await this.query<{ status: string }>(
      `WITH logged AS (
         INSERT INTO webhook_attempt (delivery_id, attempt, attempted_at, status_code, duration_ms, error)
         VALUES ($1, $2, clock_timestamp(), $3, $4, $5))
       UPDATE webhook_delivery SET attempts = attempts + 1, last_error = $5, last_status_code = $3,
              status = CASE WHEN clock_timestamp() + $6 * interval '1 millisecond' > retry_since + $7 * interval '1 millisecond'
                            THEN 'failed' ELSE 'pending' END,
              next_attempt_at = clock_timestamp() + $6 * interval '1 millisecond'
        WHERE id = $1 RETURNING status`,
      [...log, retryInMs, retryWindowMs],
    );
    if (row?.status !== 'failed') {
      this.logger.warn(
        { webhook: delivery.webhook_id, delivery: delivery.id, attempt, error: result.error },
        `webhook delivery failed (attempt ${attempt}); retrying in ${retryInMs} ms`,
      );
      return;
    }
    const reason =
      `Deliveries failed for ${humanDuration(retryWindowMs)}: delivery ${delivery.id} (${delivery.event}) failed ${attempt} attempts, ` +
      `the last with ${result.error}. Fix the receiver at ${delivery.url}, then enableWebhook and replayWebhookDelivery.`;
    await this.query(
      `UPDATE webhook SET status = 'disabled', disabled_at = clock_timestamp(), disabled_reason = $1 WHERE id = $2 AND status = 'active'`,
      [reason, delivery.webhook_id],
    );
    this.logger.error({ webhook: delivery.webhook_id, delivery: delivery.id, attempt, error: result.error }, `webhook disabled: ${reason}`);
  }
}

/**
 * Node's HTTP clients, loaded with the first delivery rather than at start: imported as ES
 * modules, `node:http` builds its namespace from every export, one of which loads undici (about
 * 60 ms of CPU), and `node:https` loads TLS (about 30 ms), for a feature most platforms rarely use.
 */
const requireBuiltin = createRequire(import.meta.url);

/**
 * One POST; resolves with the answer's status (its body is dropped, so the connection is free),
 * rejects with the connection's or the signal's error. Redirects are not followed. With
 * `lookup`, the connection resolves the name with it (see {@link webhookConnection}).
 */
function post(
  url: URL,
  options: { lookup?: LookupFunction; signal: AbortSignal; headers: Record<string, string>; body: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send =
      url.protocol === 'https:'
        ? (requireBuiltin('node:https') as typeof Https).request
        : (requireBuiltin('node:http') as typeof Http).request;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) },
        signal: options.signal,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    // An aborted request fails with an AbortError; the signal's reason says why (a timeout, a stop).
    request.on('error', (err) => reject(options.signal.aborted ? (options.signal.reason as Error) : err));
    request.end(options.body);
  });
}
