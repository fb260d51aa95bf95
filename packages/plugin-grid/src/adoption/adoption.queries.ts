import { organizationIdsOfPerson, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';

/** Whether `personId` is a member of a partner unit that has adopted one of the grids, on `day`. */
export async function isAdoptingMember(ctx: ReadContext, gridIds: readonly string[], personId: string, day: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const organizationIds = await organizationIdsOfPerson(ctx, personId);
  if (!organizationIds.length) return false;
  const rows = await ctx.em.execute(
    `SELECT 1 FROM ${t('grid_adoption')} a
      WHERE a.grid_id IN (?) AND a.organization_id IN (?) AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date) LIMIT 1`,
    [gridIds, organizationIds, day, day],
  );
  return rows.length > 0;
}
