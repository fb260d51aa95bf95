import type { CouncilEventPayload } from '../council/council.events.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'council.resident-poll-closed': CouncilEventPayload & {
      pollId: string;
      proposalId: string;
      agree: number;
      disagree: number;
      /** Residents under the poll's places when it closed. */
      eligible: number;
    };
  }
}
