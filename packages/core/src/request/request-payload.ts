import { payloadType } from '../command/payload.js';
import { Request } from './request.entity.js';

/** The changed request, or the errors that stopped the change. */
export const RequestPayload = payloadType<{ request: Request | null; created: boolean }>('RequestPayload', 'request', () => Request, {
  description: 'The changed request, or the errors that stopped the change (nothing was written).',
  extra: {
    created: { type: () => Boolean, description: 'False when an idempotent call found the request already there.', whenFailed: false },
  },
});
export type RequestPayload = InstanceType<typeof RequestPayload>;

/** @deprecated Codes of the old request service; commands throw DomainError. Removed once no plugin uses RequestService. */
export enum RequestErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  ALREADY_CLAIMED = 'ALREADY_CLAIMED',
  TOP_LEVEL = 'TOP_LEVEL',
  INVALID_INPUT = 'BAD_USER_INPUT',
}

/** @deprecated Thrown by the old request service; commands throw DomainError. */
export class RequestRuleError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}
