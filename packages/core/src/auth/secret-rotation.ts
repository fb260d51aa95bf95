import type { EntityManager } from '@mikro-orm/postgresql';
import { expectRow } from '../database/rows.js';
import { coreMessages } from '../i18n/core-messages.js';

/** Longest grace period of a rotated secret (an API key's, a webhook's signing secret): 7 days. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/** Refuses a grace period that is not a whole number of seconds from 0 to {@link MAX_ROTATION_GRACE_SECONDS} (field `graceSeconds`). */
export function checkGraceSeconds(graceSeconds: number): void {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
    throw coreMessages.gracesecondsWholeNumberFrom.error({ MAX_ROTATION_GRACE_SECONDS, graceSeconds }, 'graceSeconds');
  }
}

/** When a grace of `graceSeconds` from now ends, by the database's clock (the one that compares it later). */
export async function graceEnd(em: EntityManager, graceSeconds: number): Promise<Date> {
  const row = expectRow(
    await em.execute<{ expires: Date }[]>(`SELECT clock_timestamp() + ? * interval '1 second' AS expires`, [graceSeconds]),
    'clock',
  );
  return new Date(row.expires);
}
