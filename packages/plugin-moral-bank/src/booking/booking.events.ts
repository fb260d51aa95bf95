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
    /** A venue was closed for a time; its bookings then were called off (each also a booking-changed). */
    'moral-bank.venue-closed': {
      closureId: string;
      venueId: string;
      placePath: string;
      startsAt: string;
      endsAt: string;
      calledOff: number;
    };
    /** A closed venue opened again before the closure's end (a closure not begun is withdrawn). */
    'moral-bank.venue-reopened': { closureId: string; venueId: string; placePath: string; reopenedAt: string };
  }
}
