import type { VolunteerShiftEventPayload } from '../events.js';

/** What shifts announce: every change of a sign-up (signed up, cancelled, swapped, handed over, checked in or out). */
export type VolunteerShiftEventName = 'volunteer.shift-changed';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.shift-changed': VolunteerShiftEventPayload;
  }
}
