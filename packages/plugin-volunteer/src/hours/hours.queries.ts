import {
  keyedCount,
  type ConnectionArgs,
  type ConnectionPage,
  expectRow,
  findPage,
  type Person,
  type Place,
  personSummary,
  type ReadContext,
} from '@gongzhi/core';
import type { FilterQuery } from '@mikro-orm/core';
import { t } from '../db.js';
import { VolunteerServiceEntry, type VolunteerServiceStatus } from './hours.entity.js';

/** Reads of service-hour entries. */

/** Service-hour entries, newest first, a page at a time: under a place (by community), of a person, of a status. */
export function serviceEntries(
  ctx: ReadContext,
  filter: { under?: Place | null; person?: Person | null; status?: VolunteerServiceStatus | null },
  page: ConnectionArgs,
): Promise<ConnectionPage<VolunteerServiceEntry>> {
  const where: FilterQuery<VolunteerServiceEntry> = {};
  if (filter.under) where.communityPath = { $like: `${filter.under.path}%` };
  if (filter.person) where.person = filter.person;
  if (filter.status) where.status = filter.status;
  return findPage(ctx, VolunteerServiceEntry, where, { keys: ['createdAt', 'uuid'], direction: 'desc' }, page, {
    connection: 'Query.volunteerServiceEntries',
    filter: { under: filter.under?.uuid ?? null, person: filter.person?.uuid ?? null, status: filter.status ?? null },
    defaultSize: 50,
  });
}

/** How an entry was decided, as it stands in the database now: status, when, and who decided it. */
export async function decisionOf(ctx: ReadContext, entryUuid: string): Promise<{ status: string; at: Date; by: string | null }> {
  const row = expectRow(
    await ctx.em.execute<{ status: string; verified_at: Date; verified_by_id: string | null }[]>(
      `SELECT e.status, e.verified_at, e.verified_by_id FROM ${t('service_entry')} e WHERE e.id = ?`,
      [entryUuid],
    ),
    `service entry ${entryUuid}`,
  );
  const verifier = row.verified_by_id ? await personSummary(ctx, row.verified_by_id) : null;
  return { status: row.status, at: new Date(row.verified_at), by: verifier?.name ?? null };
}

/** An entry's minutes with its corrections that were not declined: what the entry stands at. */
export async function correctedTotal(ctx: ReadContext, entryUuid: string): Promise<number> {
  const row = expectRow(
    await ctx.em.execute<{ total: number }[]>(
      `SELECT o.minutes + coalesce((SELECT sum(c.minutes) FROM ${t('service_entry')} c
          WHERE c.corrects_entry_id = o.id AND c.status <> 'declined'), 0) AS total
         FROM ${t('service_entry')} o WHERE o.id = ?`,
      [entryUuid],
    ),
    `service entry ${entryUuid}`,
  );
  return Number(row.total);
}

/** A person's verified service minutes (approved entries, approved corrections included), batched per operation. */
export function verifiedMinutesOf(ctx: ReadContext, personUuid: string): Promise<number> {
  return keyedCount(ctx, 'volunteer.verifiedMinutes', personUuid, {
    sql: (match) => `SELECT person_id, sum(minutes) AS n FROM ${t('service_entry')}
        WHERE status = 'approved' AND person_id ${match} GROUP BY person_id`,
    keyColumn: 'person_id',
    type: 'uuid',
  });
}
