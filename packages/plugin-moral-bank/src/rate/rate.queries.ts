import type { UnitOfWork } from '@gongzhi/core';
import { t } from '../db.js';

/** The community's rate ("5 for 1" is 5): venue minutes per minute of verified service, or the plugin's default. */
export async function communityRate(em: UnitOfWork['em'], communityId: string, defaultRate: number): Promise<number> {
  const [row] = await em.execute<{ rate: number }[]>(`SELECT rate FROM ${t('community_settings')} WHERE community_id = ?`, [communityId]);
  return row?.rate ?? defaultRate;
}
