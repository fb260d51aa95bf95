/**
 * Events of the volunteer plugin, declared on core's event map. Payloads are small (uuids,
 * the place's materialized path, statuses) so live boards can follow them through NOTIFY.
 */

import type { VolunteerServiceVerified } from './events.js';

/** A task changed: enough for a task board to place it and refetch it. */
export interface VolunteerTaskEventPayload {
  taskId: string;
  placePath: string;
  status: 'open' | 'claimed' | 'done' | 'cancelled';
  requestId: string | null;
  claimedById: string | null;
}

/** A shift sign-up changed (signed up, cancelled, swapped, handed over, checked in or out). */
export interface VolunteerShiftEventPayload {
  signupId: string;
  shiftId: string;
  personId: string;
  placePath: string;
  change: 'signed-up' | 'cancelled' | 'swapped' | 'handed-over' | 'checked-in' | 'checked-out';
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A service-hour entry was verified by community staff (volunteer plugin). */
    'volunteer.service-verified': VolunteerServiceVerified;
    /** A service-hour entry was logged and waits for verification. */
    'volunteer.service-logged': {
      entryId: string;
      personId: string;
      communityPath: string;
      minutes: number;
      source: 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
    };
    /** A service-hour entry was declined, with a reason. */
    'volunteer.service-declined': { entryId: string; personId: string; communityPath: string };
    'volunteer.team-created': { teamId: string; placePath: string };
    'volunteer.member-joined': { teamId: string; personId: string; placePath: string };
    'volunteer.recruitment-posted': { recruitmentId: string; teamId: string; placePath: string };
    /** An application to a recruitment call changed status. */
    'volunteer.application-changed': {
      applicationId: string;
      recruitmentId: string;
      personId: string;
      status: 'pending' | 'waitlisted' | 'accepted' | 'declined' | 'withdrawn';
    };
    'volunteer.shift-changed': VolunteerShiftEventPayload;
    'volunteer.pairing-created': { pairingId: string; residentId: string; placePath: string };
    'volunteer.pairing-visited': { pairingId: string; visitId: string; placePath: string };
    'volunteer.task-created': VolunteerTaskEventPayload;
    'volunteer.task-claimed': VolunteerTaskEventPayload;
    'volunteer.task-released': VolunteerTaskEventPayload;
    'volunteer.task-done': VolunteerTaskEventPayload;
    'volunteer.task-cancelled': VolunteerTaskEventPayload;
  }
}
