import { type GongzhiContext, Place, type PlaceRule, refId } from '@gongzhi/core';
import { AccountHolderKind, MoralBankAccount } from './account/account.entity.js';
import { depositorPlacesOf, holdersOfTransaction } from './account/account.queries.js';
import { MoralBankBooking } from './booking/booking.entity.js';
import { MoralBankTransaction } from './transaction/transaction.entity.js';
import { MoralBankVenueClosure } from './venue/venue-closure.entity.js';
import { MoralBankVenuePolicy } from './venue/venue.entity.js';

/** The signed-in person, when the caller is one and `placeId` is among the places her accounts open to her. */
async function depositorSeeing(ctx: GongzhiContext, placeId: string | null): Promise<string[]> {
  const me = (await ctx.access()).personId;
  return me && placeId && (await depositorPlacesOf(ctx, me)).has(placeId) ? [me] : [];
}

/**
 * Which community each moral-bank row belongs to. Holders and keepers always see their own
 * accounts and every transaction that moves minutes on them; a community's venue rules are
 * visible to the people who live below it. A depositor needs no role in the community: her
 * accounts open to her the community, its bank's issuance account (the other side of her
 * earnings and bookings) and its venues, so she can read her statement and book.
 */
export const moralBankPlaceRules: PlaceRule[] = [
  {
    entity: MoralBankAccount,
    place: (account: MoralBankAccount) => refId(account.community),
    owners: async (account: MoralBankAccount, ctx) => [
      refId(account.person),
      refId(account.keeper),
      ...(account.holderKind === AccountHolderKind.BANK ? await depositorSeeing(ctx, refId(account.community)) : []),
    ],
  },
  {
    entity: MoralBankTransaction,
    place: (tx: MoralBankTransaction) => refId(tx.community),
    owners: async (tx: MoralBankTransaction, ctx) => [refId(tx.actor), ...(await holdersOfTransaction(ctx, tx.uuid))],
  },
  // Adds to core's rule for Place: the community of a depositor's account and the venues its bank books.
  { entity: Place, owners: (place: Place, ctx) => depositorSeeing(ctx, place.uuid) },
  { entity: MoralBankVenuePolicy, place: (policy: MoralBankVenuePolicy) => refId(policy.community), visibleFromBelow: true },
  // Who sees a venue's rules sees when it is closed, and why.
  { entity: MoralBankVenueClosure, place: (closure: MoralBankVenueClosure) => refId(closure.community), visibleFromBelow: true },
  {
    entity: MoralBankBooking,
    place: (booking: MoralBankBooking) => booking.venueUuid,
    owners: (booking: MoralBankBooking) => [refId(booking.bookedBy)],
  },
];
