import {
  type ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  expectRow,
  findPage,
  loadByForeignKey,
  type Place,
  type ReadContext,
} from '@gongzhi/core';
import { t } from '../db.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment.entity.js';

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

/** Closing soonest first (then the oldest call). */
const CLOSING_SOONEST: ConnectionOrder<VolunteerRecruitment> = { keys: ['openUntil', 'createdAt', 'uuid'], direction: 'asc' };

/**
 * The calls for the people of a place, a page at a time: those posted at the place itself or at
 * any place above it (a resident asks with her household and gets her building's, compound's and
 * community's calls), closing soonest first; those still open at `openAt` only, unless it is null. The place's
 * materialized path names its ancestors, so no core table is read.
 */
export function callsFor(
  ctx: ReadContext,
  place: Place,
  openAt: Date | null,
  page: ConnectionArgs,
): Promise<ConnectionPage<VolunteerRecruitment>> {
  const line = place.path.split('/').filter(Boolean);
  return findPage(
    ctx,
    VolunteerRecruitment,
    { place: { $in: line }, ...(openAt ? { openUntil: { $gt: openAt } } : {}) },
    CLOSING_SOONEST,
    page,
    { connection: 'Query.volunteerRecruitments', filter: { place: place.uuid, includeClosed: !openAt }, defaultSize: 50 },
  );
}
