import { expectRow, loadByForeignKey, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerApplication } from './recruitment.entity.js';

/** Reads of recruitment calls and their applications. */

/**
 * A call's seats, read under a share lock: a leader's accept (which locks the row to take a
 * seat) either finished before, and is counted, or waits until this transaction ends.
 */
export async function seatsOf(em: ReadContext['em'], callUuid: string): Promise<{ accepted: number; wanted: number }> {
  const row = expectRow(
    await em.execute<{ accepted: number; wanted: number }[]>(`SELECT accepted, wanted FROM ${t('recruitment')} WHERE id = ? FOR SHARE`, [
      callUuid,
    ]),
    `recruitment ${callUuid}`,
  );
  return { accepted: Number(row.accepted), wanted: Number(row.wanted) };
}

/** Every application of a call, in sign-up order (batched per operation). */
export function applicationsOf(ctx: ReadContext, callUuid: string): Promise<VolunteerApplication[]> {
  return loadByForeignKey(ctx, VolunteerApplication, 'recruitment', callUuid, { seq: 'asc' });
}
