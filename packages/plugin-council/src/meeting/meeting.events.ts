import type { CouncilEventPayload } from '../council/council.events.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A member convened a meeting. */
    'council.meeting-scheduled': CouncilEventPayload & { meetingId: string; urgent: boolean };
  }
}
