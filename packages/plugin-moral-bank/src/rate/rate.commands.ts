import { defineCommand, type Named, type Place } from '@gongzhi/core';
import { MoralBankPermission } from '../permissions.js';
import { requireCommunity } from '../place-types.js';
import { t } from '../db.js';
import { bankMessages } from '../messages.js';

/** A community's rate as set: venue minutes per minute of verified service. */
export interface CommunityRate {
  community: Place;
  rate: number;
}

/**
 * Sets how many venue minutes one minute of verified service earns in a community ("5 for 1" is
 * 5); later earnings use it, each recording the rate it was paid at. Needs `moral-bank.manage` there.
 */
export const setRate = defineCommand<{ community: Named<Place>; rate: number }, CommunityRate>({
  name: 'moral-bank.setRate',
  async run(uow, { community, rate }) {
    requireCommunity(community, 'communityId');
    uow.actor.authorize(MoralBankPermission.MANAGE, community.path);
    if (!Number.isInteger(rate) || rate < 1 || rate > 100) throw bankMessages.rateWholeNumberFrom.error({ rate }, 'rate');
    await uow.em.execute(
      `INSERT INTO ${t('community_settings')} (community_id, rate, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (community_id) DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at`,
      [community.uuid, rate, uow.now()],
    );
    return { community, rate };
  },
});
