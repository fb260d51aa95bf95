import type { CouncilEventPayload } from '../council/council.events.js';
import type { ActionItemStatus } from './decision.entity.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
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
      /** Its owner now (exactly one of the two is set). */
      ownerPersonId: string | null;
      ownerOrganizationId: string | null;
      done: number;
      total: number;
    };
    /**
     * An action item is still unfinished after its due day ended (midnight in the council's time zone): announced once
     * per item, by the plugin's overdue round (`overdueCheckIntervalMs`), so a district app can
     * remind its owner. Finishing it late announces nothing more.
     */
    'council.action-item-overdue': CouncilEventPayload & {
      actionItemId: string;
      decisionId: string;
      /** The due day that passed, YYYY-MM-DD. */
      dueOn: string;
      status: ActionItemStatus;
      /** Who owns it: a person, or an organisation. */
      ownerPersonId: string | null;
      ownerOrganizationId: string | null;
    };
    /**
     * Every action item of the decision is done. `requestResolved` says whether the linked request
     * was walked to resolved: only when the person finishing the last item may move requests there
     * (`request.manage`); otherwise it stays in progress for community staff to resolve.
     */
    'council.decision-completed': CouncilEventPayload & { decisionId: string; requestId: string | null; requestResolved: boolean };
  }
}
