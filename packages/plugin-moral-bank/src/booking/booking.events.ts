/** The event bookings emit: one per change of status, delivered after commit. */
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
    /** A booking was requested, confirmed, cancelled, declined or marked a no-show. */
    'moral-bank.booking-changed': MoralBankBookingChanged;
  }
}
