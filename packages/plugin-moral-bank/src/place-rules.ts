import { type PlaceRule, refId } from '@gongzhi/core';
import { MoralBankAccount } from './account/account.entity.js';
import { MoralBankBooking } from './booking/booking.entity.js';
import { MoralBankTransaction } from './transaction/transaction.entity.js';
import { MoralBankVenuePolicy } from './venue/venue.entity.js';

/**
 * Which community each moral-bank row belongs to. Holders and keepers always see their own
 * accounts; a community's venue rules are visible to the people who live below it.
 */
export const moralBankPlaceRules: PlaceRule[] = [
  {
    entity: MoralBankAccount,
    place: (account: MoralBankAccount) => refId(account.community),
    owners: (account: MoralBankAccount) => [refId(account.person), refId(account.keeper)],
  },
  {
    entity: MoralBankTransaction,
    place: (tx: MoralBankTransaction) => refId(tx.community),
    owners: (tx: MoralBankTransaction) => [refId(tx.actor)],
  },
  { entity: MoralBankVenuePolicy, place: (policy: MoralBankVenuePolicy) => refId(policy.community), visibleFromBelow: true },
  {
    entity: MoralBankBooking,
    place: (booking: MoralBankBooking) => booking.venueUuid,
    owners: (booking: MoralBankBooking) => [refId(booking.bookedBy)],
  },
];
