import type { CouncilEventPayload } from '../council/council.events.js';
import type { ProposalOutcome } from './proposal.entity.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A seat's vote was cast (or, with `changed`, changed). */
    'council.vote-cast': CouncilEventPayload & { proposalId: string; memberId: string; changed: boolean };
    'council.proposal-closed': CouncilEventPayload & { proposalId: string; outcome: ProposalOutcome };
  }
}
