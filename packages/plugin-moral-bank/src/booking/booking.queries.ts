import { type ConnectionArgs, type ConnectionOrder, type ConnectionPage, findPage, type ReadContext } from '@gongzhi/core';
import { type BookingStatus, MoralBankBooking } from './booking.entity.js';

/** A venue's bookings by start (served by booking_venue_starts_idx). */
const BY_START: ConnectionOrder<MoralBankBooking> = { keys: ['startsAt', 'uuid'], direction: 'asc' };

/** A page of a venue's bookings overlapping [from, to), by start, optionally of some statuses. */
export function bookingsOfVenue(
  ctx: ReadContext,
  venueUuid: string,
  from: Date,
  to: Date,
  statuses: readonly BookingStatus[] | null,
  page: ConnectionArgs,
): Promise<ConnectionPage<MoralBankBooking>> {
  const status = statuses?.length ? [...statuses] : null;
  return findPage(
    ctx,
    MoralBankBooking,
    { venueUuid, startsAt: { $lt: to }, endsAt: { $gt: from }, ...(status ? { status: { $in: status } } : {}) },
    BY_START,
    page,
    { connection: 'Query.moralBankBookings', filter: { venueUuid, from, to, status }, defaultSize: 50 },
  );
}
