/**
 * Failures of the moment: PostgreSQL rolled a transaction back for a reason that running it
 * again from the start removes. The event bus's units of work (every command, every event
 * delivery) are run again on them, so a client never sees one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { isStalePlan } from './prepared-statements.js';

/** How many times in all a transaction rolled back for a transient reason is run. */
export const TRANSACTION_ATTEMPTS = 3;

/** serialization_failure (two transactions' reads and writes could not be ordered), deadlock_detected (PostgreSQL chose this one). */
const RETRYABLE_STATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/**
 * Whether `err` (as `pg` or MikroORM throws it) ended a transaction that can simply be run again:
 * a serialization failure, a deadlock, or a prepared statement gone stale under a migration
 * ({@link isStalePlan}). Not a lost connection: a COMMIT whose answer was lost may have committed.
 */
export function isTransientFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && RETRYABLE_STATES.has(code)) || isStalePlan(err);
}

/**
 * Runs `transaction` (a whole transaction, from BEGIN to COMMIT; told which attempt it is), and
 * again when it fails for a transient reason ({@link isTransientFailure}), up to
 * {@link TRANSACTION_ATTEMPTS} times in all, after a few random milliseconds (more each time, so two
 * transactions that deadlocked do not take their locks in step again). Each retry is logged as a
 * warning; the last failure is thrown.
 */
export async function runAgainOnTransientFailure<T>(transaction: (attempt: number) => Promise<T>, logger: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(attempt);
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isTransientFailure(err)) throw err;
      logger.warn({ code: (err as { code?: unknown }).code, attempt }, 'transaction rolled back for a transient reason; running it again');
      await sleep(Math.random() * 10 * attempt);
    }
  }
}
