import type { ActionItemStatus, ProposalOutcome } from './council-enums.js';

/** What every council event carries: the council and the materialized path of its community. */
export interface CouncilEventPayload {
  councilId: string;
  /** The council's community `path`, so boards scoped to a place can follow it. */
  placePath: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'council.meeting-scheduled': CouncilEventPayload & { meetingId: string; urgent: boolean };
    'council.vote-cast': CouncilEventPayload & { proposalId: string; memberId: string; changed: boolean };
    'council.proposal-closed': CouncilEventPayload & { proposalId: string; outcome: ProposalOutcome };
    'council.resident-poll-closed': CouncilEventPayload & { pollId: string; proposalId: string; agree: number; disagree: number };
    /** A council decided: other plugins and district apps follow outcomes through it. */
    'council.decision-made': CouncilEventPayload & {
      decisionId: string;
      proposalId: string;
      requestId: string | null;
      actionItemIds: string[];
    };
    'council.action-item-updated': CouncilEventPayload & {
      actionItemId: string;
      decisionId: string;
      status: ActionItemStatus;
      done: number;
      total: number;
    };
    /** Every action item of the decision is done (the linked request, if any, was resolved). */
    'council.decision-completed': CouncilEventPayload & { decisionId: string; requestId: string | null };
  }
}
