import { expectRow, loadByForeignKey, type ReadContext } from '@gongzhi/core';
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

/**
 * The calls for the people of a place: those posted at the place itself or at any place above it
 * (a resident asks with her household and gets her building's, compound's and community's calls),
 * closing soonest first. The place's materialized path names its ancestors, so no core table is read.
 */
export async function callsFor(
  ctx: ReadContext,
  placePath: string,
  options: { openAt: Date | null; first: number },
): Promise<VolunteerRecruitment[]> {
  const line = placePath.split('/').filter(Boolean);
  if (!line.length || options.first < 1) return [];
  const rows = await ctx.em.execute<{ id: string }[]>(
    `SELECT id FROM ${t('recruitment')} WHERE place_id IN (?) ${options.openAt ? 'AND open_until > ?' : ''}
      ORDER BY open_until, created_at DESC, id LIMIT ?`,
    options.openAt ? [line, options.openAt, options.first] : [line, options.first],
  );
  if (!rows.length) return [];
  const calls = await ctx.em.find(VolunteerRecruitment, { uuid: { $in: rows.map((r) => r.id) } });
  const byId = new Map(calls.map((c) => [c.uuid, c]));
  return rows.map((r) => byId.get(r.id)!).filter(Boolean);
}
