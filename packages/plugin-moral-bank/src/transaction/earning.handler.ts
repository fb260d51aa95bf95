import { DomainError, type EventBus, type GongzhiEvent, type Logger } from '@gongzhi/core';
import type { VolunteerServiceVerified } from '@gongzhi/plugin-volunteer/events';
import { creditVerifiedService } from './transaction.commands.js';

/** What the bank refuses before writing anything: a malformed service, an unknown community or person. */
const IGNORED = new Set(['BAD_USER_INPUT', 'NOT_FOUND']);

/**
 * Credits verified volunteer service (`volunteer.service-verified`, the volunteer plugin's event
 * contract) after the verification commits, through {@link creditVerifiedService} as
 * `system: moral-bank.credit-verified-service`. A service the bank cannot credit is ignored with a
 * warning; anything else (a correction the volunteer already spent) fails the handler: nothing is
 * written, and core's event outbox delivers the event again later (with back-off). A second
 * delivery of a credited entry credits nothing (the entry's id is the transaction's unique source).
 */
export function subscribeEarnings(events: EventBus, logger: Logger): void {
  events.on(
    'volunteer.service-verified',
    // The payload is typed by the volunteer plugin's published contract, not a copy of it.
    async (event: GongzhiEvent, ctx) => {
      const service = event.payload as VolunteerServiceVerified;
      try {
        await ctx.run(creditVerifiedService, { service });
      } catch (err) {
        if (!(err instanceof DomainError && IGNORED.has(err.code))) throw err;
        logger.warn({ entryId: service.entryId, code: err.code }, `moral-bank: verified service not credited: ${err.message}`);
      }
    },
    { id: 'moral-bank.credit-verified-service' },
  );
}
