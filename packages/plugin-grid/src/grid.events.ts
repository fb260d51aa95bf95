/**
 * Events of the grid plugin, declared on core's event map. Payloads are small (uuids,
 * materialized paths, statuses) so live boards and other plugins can follow and refetch.
 * Escalations use core's own `request.escalated`.
 */
declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.created': { gridId: string; communityId: string; kind: string; parentId: string | null };
    'grid.places-added': { gridId: string; placeIds: string[] };
    'grid.worker-assigned': { gridId: string; personId: string; assignmentId: string; startsOn: string };
    'grid.adopted': { gridId: string; organizationId: string; adoptionId: string };
    'grid.request-routed': { requestId: string; placePath: string; gridId: string; assigneeId: string | null };
    'grid.visit-recorded': {
      visitId: string;
      householdId: string;
      placePath: string;
      workerId: string;
      findingIds: string[];
      requestIds: string[];
    };
    'grid.finding-opened-request': { findingId: string; requestId: string; placePath: string };
    'grid.attention-changed': { markId: string; placeId: string; placePath: string; level: string; previousLevel: string | null };
    'grid.meeting-recorded': { meetingId: string; gridId: string; heldAt: string };
    'grid.escalation-limit-set': { scope: 'grid' | 'community'; scopeId: string; level: string; hours: number };
  }
}

export {};
