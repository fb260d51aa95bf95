import { defineCommand, type Named, type Place, placeSummary } from '@gongzhi/core';
import { callOffBookings, lockVenue } from '../booking/booking.commands.js';
import { bankMessages } from '../messages.js';
import { MoralBankPermission } from '../permissions.js';
import { requireVenue } from '../place-types.js';
import { MoralBankVenueClosure } from './venue-closure.entity.js';
import { venuePolicy } from './venue.queries.js';

/** A time a venue is to close, as staff give it. */
export interface NewClosure {
  venue: Named<Place>;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

/**
 * Closes a venue for a time (装修, 疫情封控): `moral-bank.manage` where it is. From the commit no
 * booking is made in that time, and the bookings of it not yet begun are called off, the confirmed
 * ones refunded in full. Under the venue's lock, which every booking takes: a booking in flight
 * commits first and is called off here, or comes after and finds the closure.
 */
export const closeVenue = defineCommand<NewClosure, MoralBankVenueClosure>({
  name: 'moral-bank.closeVenue',
  async run(uow, { venue, startsAt, endsAt, reason }) {
    uow.actor.authorize(MoralBankPermission.MANAGE, requireVenue(venue, 'input.venueId').path);
    const policy = await venuePolicy(uow, venue.uuid);
    if (!policy) throw bankMessages.venueTakesMoralBank.error({ venueName: venue.name }, 'input.venueId');
    if (endsAt <= startsAt || endsAt <= uow.now()) throw bankMessages.closureEndsAfterStarts.error('input.endsAt');
    const why = reason.trim();
    if (!why || why.length > 200) throw bankMessages.closureReasonLength.error('input.reason');
    await lockVenue(uow, venue.uuid);
    const closure = uow.em.create(MoralBankVenueClosure, {
      venueUuid: venue.uuid,
      community: policy.community,
      startsAt,
      endsAt,
      reason: why,
      createdAt: uow.now(),
    });
    await uow.em.flush();
    closure.calledOff = await callOffBookings(uow, venue, startsAt, endsAt, why);
    await uow.em.flush();
    await uow.emit('moral-bank.venue-closed', {
      closureId: closure.uuid,
      venueId: venue.uuid,
      placePath: venue.path,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      calledOff: closure.calledOff,
    });
    return closure;
  },
});

/**
 * Opens a closed venue again before the closure's end (the renovation finished early, or the
 * closure was a mistake): `moral-bank.manage` where it is. A closure under way ends now; one not
 * begun is withdrawn (its row goes; the audit log keeps it). Bookings it called off stay cancelled
 * and refunded: their holders book again. Under the venue's lock, as closing is.
 */
export const reopenVenue = defineCommand<{ closure: Named<MoralBankVenueClosure> }, MoralBankVenueClosure>({
  name: 'moral-bank.reopenVenue',
  lock: ['closure'],
  async run(uow, { closure }) {
    const venue = await placeSummary(uow, closure.venueUuid);
    uow.actor.authorize(MoralBankPermission.MANAGE, venue!.path);
    const now = uow.now();
    if (closure.endsAt <= now) throw bankMessages.closureOver.error({ endsAt: closure.endsAt.toISOString() }, 'id');
    await lockVenue(uow, closure.venueUuid);
    if (closure.startsAt < now) closure.endsAt = now;
    else uow.em.remove(closure);
    await uow.em.flush();
    await uow.emit('moral-bank.venue-reopened', {
      closureId: closure.uuid,
      venueId: closure.venueUuid,
      placePath: venue!.path,
      reopenedAt: now.toISOString(),
    });
    return closure;
  },
});
