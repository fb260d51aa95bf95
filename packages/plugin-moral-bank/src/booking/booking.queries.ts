import type { ReadContext } from '@gongzhi/core';
import { type BookingStatus, MoralBankBooking } from './booking.entity.js';

/** Most bookings one listing returns. */
const MAX_BOOKINGS = 500;

/** A venue's bookings overlapping [from, to), by start, optionally of some statuses. */
export function bookingsOfVenue(
  ctx: ReadContext,
  venueUuid: string,
  from: Date,
  to: Date,
  statuses: readonly BookingStatus[] | null,
): Promise<MoralBankBooking[]> {
  return ctx.em.find(
    MoralBankBooking,
    { venueUuid, startsAt: { $lt: to }, endsAt: { $gt: from }, ...(statuses?.length ? { status: { $in: [...statuses] } } : {}) },
    { orderBy: { startsAt: 'asc', uuid: 'asc' }, limit: MAX_BOOKINGS },
  );
}
