/**
 * Events this plugin emits, and the one it consumes. The volunteer plugin's event is declared
 * here too, byte for byte as the volunteer plugin declares it: plugins never import each other.
 */
export interface MoralBankTransactionPosted {
  transactionId: string;
  communityId: string;
  /** Materialized path of the community, for scoped boards. */
  placePath: string;
  kind: string;
  minutes: number;
  accountIds: string[];
}

export interface MoralBankBookingChanged {
  bookingId: string;
  venueId: string;
  accountId: string;
  /** Materialized path of the venue. */
  placePath: string;
  status: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A ledger transaction was posted (earning, transfer, gift, booking, refund, reversal). */
    'moral-bank.transaction-posted': MoralBankTransactionPosted;
    /** A booking was requested, confirmed, cancelled, declined or marked a no-show. */
    'moral-bank.booking-changed': MoralBankBookingChanged;
  }
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A service-hour entry was verified by community staff (volunteer plugin). */
    'volunteer.service-verified': {
      /** uuid of the verified entry: the idempotency key of whatever follows from it. */
      entryId: string;
      /** uuid of the volunteer (a core Person). */
      personId: string;
      /** uuid of the volunteer team the service was done for, or null. */
      teamId: string | null;
      /** uuid of the community (a core Place of type COMMUNITY) where the service was done. */
      communityId: string;
      /** Signed whole minutes, never 0: positive for service, negative for a verified correction. */
      minutes: number;
      /** Where the hours came from. */
      source: 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
      /** uuid of the entry a correction corrects, else null. */
      correctsEntryId: string | null;
      /** ISO-8601 time of verification. */
      verifiedAt: string;
    };
  }
}
