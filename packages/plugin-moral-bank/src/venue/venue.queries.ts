import { loadById, type ReadContext } from '@gongzhi/core';
import { MoralBankVenuePolicy } from './venue.entity.js';

/** The booking policy of a venue, or null when it takes no moral-bank bookings; batched per operation (keyed by the venue). */
export function venuePolicy(ctx: ReadContext, venueUuid: string): Promise<MoralBankVenuePolicy | null> {
  return loadById(ctx, MoralBankVenuePolicy, venueUuid);
}
