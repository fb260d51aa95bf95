import type { VolunteerShiftEventPayload, VolunteerShiftReminder } from '../events.js';

/**
 * What shifts announce: every change of a sign-up (signed up, cancelled, swapped, handed over,
 * checked in or out), and the reminder before a shift a person signed up for.
 */
export type VolunteerShiftEventName = 'volunteer.shift-changed' | 'volunteer.shift-reminder';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.shift-changed': VolunteerShiftEventPayload;
    'volunteer.shift-reminder': VolunteerShiftReminder;
  }
}
