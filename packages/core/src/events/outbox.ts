import type { EntityManager } from '@mikro-orm/postgresql';
import { holdWrite } from '../command/held-write.js';
import { executePrepared, executePreparedLater } from '../database/prepared-statements.js';
import type { KeysetRead } from '../relay/connection.js';
import type { GongzhiEvent } from './event-bus.js';

/**
 * How the event outbox delivers (see docs/decisions/0002-event-outbox.md). Times are the
 * database's, not the platform clock's: a test clock that stands still must not hold back retries.
 */
export interface OutboxOptions {
  /**
   * How often this process sweeps the outbox for deliveries that are due: left behind by a
   * process that stopped between commit and delivery, or failed and due for a retry. Default 5 s.
   */
  sweepIntervalMs?: number;
  /**
   * How long a fresh delivery belongs to the process that committed it (which delivers at once)
   * before a sweep of any process may take it. Default 5 s.
   */
  handoverMs?: number;
  /**
   * Holds back every delivery of this process for this long after it is due (the committing
   * process's own attempt included). Default 0. For fault drills and tests: the window in which
   * a crash leaves committed events to the next sweep.
   */
  deliveryDelayMs?: number;
  /** Wait before the first retry of a failed delivery; each further failure doubles it. Default 1 s. */
  retryBaseMs?: number;
  /** The longest wait between two attempts (the back-off is capped here). Default 10 min. */
  retryMaxMs?: number;
}

export const OUTBOX_DEFAULTS: Readonly<Required<OutboxOptions>> = Object.freeze({
  sweepIntervalMs: 5_000,
  handoverMs: 5_000,
  deliveryDelayMs: 0,
  retryBaseMs: 1_000,
  retryMaxMs: 600_000,
});

/** How long to wait before attempt `attempts + 1`, after `attempts` failed ones: doubling, capped. */
export function retryDelayMs(attempts: number, options: Pick<Required<OutboxOptions>, 'retryBaseMs' | 'retryMaxMs'>): number {
  // 2 ** 30 is far past any cap; the exponent stops growing so the number stays finite.
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}

/** One delivery to make: an event and the after-commit handler (by id) that must see it. */
export interface OutboxRow {
  id: string;
  event: GongzhiEvent;
  handler: string;
  /** Failed attempts so far. */
  attempts: number;
}

/** A delivery that failed at least once and will be tried again, as operators see it. */
export interface FailedDelivery {
  id: string;
  event: string;
  payload: unknown;
  handler: string;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  occurredAt: Date;
}

/** How deep the event outbox is (see {@link eventOutbox.depth}). */
export interface OutboxDepth {
  pending: number;
  failing: number;
  oldestAgeSeconds: number;
}

interface Row {
  id: string;
  event: string;
  payload: unknown;
  actor_id: string | null;
  occurred_at: Date | string;
  handler: string;
  attempts: number;
}

const COLUMNS = 'id, event, payload, actor_id, occurred_at, handler, attempts';
const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function toRow(row: Row | undefined): OutboxRow | null {
  if (!row) return null;
  return {
    id: String(row.id),
    event: { name: row.event, payload: row.payload, occurredAt: asDate(row.occurred_at), actorId: row.actor_id },
    handler: row.handler,
    attempts: row.attempts,
  };
}

/** What a failure leaves for operators: the error's name and message, bounded. */
export function describeFailure(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** Reading and writing the event outbox (`event_outbox`). */
export const eventOutbox = {
  /**
   * Records, inside the emitting transaction (at its end), one delivery per (event, handler id).
   * A sweep may take them `handoverMs` after they were written. The statement goes with the
   * transaction's next query (its COMMIT) in one round trip: the returned promise resolves once it
   * is sent, with the new rows (in order, each as a sweep would read it back) to come when it has answered.
   */
  async write(
    em: EntityManager,
    deliveries: readonly { event: GongzhiEvent; handler: string }[],
    handoverMs: number,
  ): Promise<{ rows: Promise<OutboxRow[]> }> {
    if (deliveries.length === 0) return { rows: Promise.resolve([]) };
    const written = JSON.stringify(
      deliveries.map(({ event, handler }) => ({
        event: event.name,
        payload: event.payload ?? null,
        actor_id: event.actorId ?? null,
        occurred_at: event.occurredAt.toISOString(),
        handler,
      })),
    );
    const { sent, rows } = executePreparedLater<{ id: string }>(
      em,
      // One text for any number of deliveries (a prepared statement); ids are taken in order, so sorting them keeps it.
      `INSERT INTO event_outbox (event, payload, actor_id, occurred_at, handler, next_attempt_at)
       SELECT d.event, coalesce(d.payload, 'null'), d.actor_id, d.occurred_at, d.handler, clock_timestamp() + ? * interval '1 millisecond'
         FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (event text, payload jsonb, actor_id text, occurred_at timestamptz, handler text))
              WITH ORDINALITY AS d(event, payload, actor_id, occurred_at, handler, n)
        ORDER BY d.n
       RETURNING id`,
      [handoverMs, written],
    );
    const recorded = rows.then((inserted) => {
      const ids = inserted.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // Parsed from the text sent, the payloads are what a sweep would read back: plain JSON, nothing shared with the emitter.
      return (JSON.parse(written) as Row[]).map((row, i) => toRow({ ...row, id: String(ids[i]), attempts: 0 })!);
    });
    recorded.catch(() => undefined);
    await sent;
    return { rows: recorded };
  },

  /**
   * Takes a delivery this process committed itself, for its first attempt: deletes the row,
   * holding its lock until the transaction ends (the handler's writes and "done" commit together;
   * a rollback puts it back). The delete is not awaited: it goes with the handler's first query (or
   * the COMMIT) in one round trip. When the row is not there to take (delivered, held by another
   * process, or already tried: retries follow the back-off), that statement fails, so the
   * transaction cannot commit and nothing the handler wrote is kept. `failure` resolves, once the
   * delete has answered, to its error (SQLSTATE GZ409, nothing written, when the row was not there), or to
   * undefined when it took the row.
   */
  async take(em: EntityManager, row: OutboxRow): Promise<{ failure: Promise<Error | undefined> }> {
    const { sent, rows } = holdWrite(
      em,
      `written AS (
         DELETE FROM event_outbox WHERE id = (SELECT id FROM event_outbox WHERE id = ? AND attempts = 0 FOR UPDATE SKIP LOCKED) RETURNING id)`,
      [row.id],
      `event_outbox ${row.id}`,
    );
    await sent;
    return {
      failure: rows.then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      ),
    };
  },

  /**
   * Takes (as {@link eventOutbox.take}) the delivery due first for one of `handlers` (the ones
   * this process runs), skipping those another process holds; null when none is due. `delayMs`
   * holds deliveries back for that long past their due time.
   */
  async takeDue(em: EntityManager, handlers: readonly string[], delayMs: number): Promise<OutboxRow | null> {
    if (handlers.length === 0) return null;
    // Prepared (handlers as one array value): every sweep sends the same text, planned once per connection.
    const rows = await executePrepared<Row>(
      em,
      `DELETE FROM event_outbox WHERE id = (
         SELECT id FROM event_outbox
          WHERE next_attempt_at <= now() - ? * interval '1 millisecond' AND handler = ANY (?::text[])
          ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [delayMs, [...handlers]],
    );
    return toRow(rows[0]);
  },

  /**
   * An attempt at `row` failed (its transaction rolled back, so the row is there again): counted,
   * with its error, and due again in `retryInMs`. Returns when, or null when the row changed
   * meanwhile (another process took it up: its own attempt decides).
   */
  async failed(em: EntityManager, row: OutboxRow, error: string, retryInMs: number): Promise<Date | null> {
    const [updated] = await em.execute<{ next_attempt_at: Date | string }[]>(
      `UPDATE event_outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = clock_timestamp(),
              next_attempt_at = clock_timestamp() + ? * interval '1 millisecond'
        WHERE id = ? AND attempts = ? RETURNING next_attempt_at`,
      [error, retryInMs, row.id, row.attempts],
    );
    return updated ? asDate(updated.next_attempt_at) : null;
  },

  /** How many deliveries are not made yet (failed ones included). */
  async pendingCount(em: EntityManager): Promise<number> {
    const [row] = await em.execute<{ n: string }[]>('SELECT count(*) AS n FROM event_outbox');
    return Number(row?.n ?? 0);
  },

  /**
   * How deep the outbox is, for metrics: deliveries not made yet, those among them that failed
   * at least once, and the age of the oldest in seconds (0 when none waits), by the database's clock.
   */
  async depth(em: EntityManager): Promise<OutboxDepth> {
    const [row] = await em.execute<{ pending: string; failing: string; oldest: string | number | null }[]>(
      `SELECT count(*) AS pending, count(*) FILTER (WHERE attempts > 0) AS failing,
              extract(epoch FROM clock_timestamp() - min(created_at)) AS oldest
         FROM event_outbox`,
    );
    return {
      pending: Number(row?.pending ?? 0),
      failing: Number(row?.failing ?? 0),
      oldestAgeSeconds: Math.max(0, Number(row?.oldest ?? 0)),
    };
  },

  /**
   * Deliveries that failed at least once, by when they are due next (then id), read in
   * `direction` after the position `after` (due time, id), at most `limit` (event_outbox_due_idx).
   */
  async failures(em: EntityManager, { limit, direction, after }: KeysetRead): Promise<FailedDelivery[]> {
    const rows = await em.execute<
      (Row & { last_error: string | null; last_attempt_at: Date | string | null; next_attempt_at: Date | string })[]
    >(
      `SELECT ${COLUMNS}, last_error, last_attempt_at, next_attempt_at FROM event_outbox
        WHERE attempts > 0 ${after ? `AND (next_attempt_at, id) ${direction === 'asc' ? '>' : '<'} (?, ?)` : ''}
        ORDER BY next_attempt_at ${direction}, id ${direction} LIMIT ?`,
      [...(after ?? []), limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      event: r.event,
      payload: r.payload,
      handler: r.handler,
      attempts: r.attempts,
      lastError: r.last_error,
      lastAttemptAt: r.last_attempt_at === null ? null : asDate(r.last_attempt_at),
      nextAttemptAt: asDate(r.next_attempt_at),
      occurredAt: asDate(r.occurred_at),
    }));
  },
};
