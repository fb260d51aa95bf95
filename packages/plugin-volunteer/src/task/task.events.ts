import type { VolunteerTaskEventPayload } from '../events.js';

/** What tasks announce: each step of their life, with enough for a task board to place and refetch them. */
export type VolunteerTaskEventName =
  'volunteer.task-created' | 'volunteer.task-claimed' | 'volunteer.task-released' | 'volunteer.task-done' | 'volunteer.task-cancelled';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.task-created': VolunteerTaskEventPayload;
    'volunteer.task-claimed': VolunteerTaskEventPayload;
    'volunteer.task-released': VolunteerTaskEventPayload;
    'volunteer.task-done': VolunteerTaskEventPayload;
    'volunteer.task-cancelled': VolunteerTaskEventPayload;
  }
}
