import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the moral bank emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const moralBankEvents = {
  'moral-bank.transaction-posted': {
    description: 'A ledger transaction was posted: an earning, a transfer, a gift, a booking’s charge, a refund or a reversal.',
    payload: {
      transactionId: { node: 'MoralBankTransaction', description: 'The transaction posted.' },
      communityId: { node: 'Place', description: 'The community whose bank it is.' },
      placePath:
        'The materialised path of the community (ids from the root): who may see the event; empty when the community was not found.',
      kind: 'What it records, in lower case: earn, transfer, gift, booking, refund or reversal.',
      minutes: 'The minutes moved (the sum of the credits).',
      accountIds: {
        node: 'MoralBankAccount',
        description: 'The accounts of its entries, in posting order (the bank’s own account too, for earnings, bookings and refunds).',
      },
    },
  },
  'moral-bank.booking-changed': {
    description: 'A venue booking was requested, confirmed, cancelled, declined or marked a no-show.',
    payload: {
      bookingId: { node: 'MoralBankBooking', description: 'The booking.' },
      venueId: { node: 'Place', description: 'The venue booked (a place of type venue).' },
      accountId: { node: 'MoralBankAccount', description: 'The account that pays for it.' },
      placePath: 'The materialised path of the venue (ids from the root): who may see the event; empty when the venue was not found.',
      status: 'Its status now, in lower case: requested, confirmed, cancelled, declined or no_show.',
    },
  },
  'moral-bank.venue-closed': {
    description:
      'A venue was closed for a time (renovation, a lockdown): its bookings then were called off, confirmed ones refunded in full.',
    payload: {
      closureId: { node: 'MoralBankVenueClosure', description: 'The closure.' },
      venueId: { node: 'Place', description: 'The venue (a place of type venue).' },
      placePath: 'The materialised path of the venue (ids from the root): who may see the event.',
      startsAt: 'When it closes, as an ISO 8601 time.',
      endsAt: 'When it opens again, as an ISO 8601 time.',
      calledOff: 'How many bookings were called off (each also announced as moral-bank.booking-changed).',
    },
  },
  'moral-bank.venue-reopened': {
    description: 'A closed venue opened again before the closure’s end (one not begun is withdrawn); what it called off stays cancelled.',
    payload: {
      closureId: { node: 'MoralBankVenueClosure', description: 'The closure (gone when it had not begun).' },
      venueId: { node: 'Place', description: 'The venue (a place of type venue).' },
      placePath: 'The materialised path of the venue (ids from the root): who may see the event.',
      reopenedAt: 'When it opened again, as an ISO 8601 time.',
    },
  },
} as const satisfies PluginEventCatalog<'moral-bank'>;
