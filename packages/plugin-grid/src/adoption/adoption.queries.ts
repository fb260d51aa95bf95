import { executeRead, matchKeys, organizationIdsOfPerson, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';

/** Whether `personId` is a member of a partner unit that has adopted one of the grids, on `day`. */
export async function isAdoptingMember(ctx: ReadContext, gridIds: readonly string[], personId: string, day: string): Promise<boolean> {
  if (!gridIds.length) return false;
  const organizationIds = await organizationIdsOfPerson(ctx, personId);
  if (!organizationIds.length) return false;
  const grids = matchKeys(gridIds, 'uuid');
  const organizations = matchKeys(organizationIds, 'uuid');
  const rows = await executeRead(
    ctx.em,
    `SELECT 1 FROM ${t('grid_adoption')} a
      WHERE a.grid_id ${grids.match} AND a.organization_id ${organizations.match} AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date) LIMIT 1`,
    [grids.value, organizations.value, day, day],
    { fixedShape: true },
  );
  return rows.length > 0;
}
