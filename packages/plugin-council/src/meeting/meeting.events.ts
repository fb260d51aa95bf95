import type { CouncilEventPayload } from '../council/council.events.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A member convened a meeting. */
    'council.meeting-scheduled': CouncilEventPayload & { meetingId: string; urgent: boolean };
    /**
     * A meeting starts within `meetingReminderMinutes`: once per meeting, not for one convened
     * inside that time (its members were just told), so a district app can remind the members.
     */
    'council.meeting-reminder': CouncilEventPayload & { meetingId: string; title: string; scheduledAt: string; placeId: string | null };
    /** A member moved a meeting to another time (or place); it will be reminded again. */
    'council.meeting-rescheduled': CouncilEventPayload & {
      meetingId: string;
      scheduledAt: string;
      previousScheduledAt: string;
      placeId: string | null;
    };
    /** A member called a meeting off. */
    'council.meeting-cancelled': CouncilEventPayload & { meetingId: string; scheduledAt: string; reason: string };
  }
}
