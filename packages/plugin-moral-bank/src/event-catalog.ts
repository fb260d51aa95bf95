import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the moral bank emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const moralBankEvents = {
  'moral-bank.transaction-posted':
    'A ledger transaction was posted: an earning, a transfer, a gift, a booking’s charge, a refund or a reversal.',
  'moral-bank.booking-changed': 'A venue booking was requested, confirmed, cancelled, declined or marked a no-show.',
} as const satisfies PluginEventCatalog<'moral-bank'>;
