import { batchLoader, type ReadContext } from '@gongzhi/core';
import { MoralBankVenuePolicy } from './venue.entity.js';

/** The booking policy of a venue, or null when it takes no moral-bank bookings; batched per operation. */
export function venuePolicy(ctx: ReadContext, venueUuid: string): Promise<MoralBankVenuePolicy | null> {
  return batchLoader<string, MoralBankVenuePolicy | null>(ctx, 'MoralBankVenuePolicy#byVenue', async (ids) => {
    const rows = await ctx.em.find(MoralBankVenuePolicy, { venueUuid: { $in: [...ids] } });
    return ids.map((id) => rows.find((r) => r.venueUuid === id) ?? null);
  }).load(venueUuid);
}
