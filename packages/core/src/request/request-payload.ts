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
