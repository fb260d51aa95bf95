/**
 * The volunteer plugin's event contract for the plugins that listen to it: the payload types,
 * published as the type-only subpath `@gongzhi/plugin-volunteer/events`. A listener imports
 * them from here (never copies them) and declares `dependsOn: { volunteer: '<range>' }`; a change
 * to a payload here is a breaking change of this plugin. Which aggregate emits which event is
 * declared beside it (`src/<aggregate>/<aggregate>.events.ts`). Payloads are small (uuids, the
 * place's materialized path, statuses) so live boards can follow them through NOTIFY.
 */

/** `volunteer.service-verified`: a service-hour entry was verified by community staff. */
export interface VolunteerServiceVerified {
  /** uuid of the verified entry: the idempotency key of whatever follows from it. */
  entryId: string;
  /** uuid of the volunteer (a core Person). */
  personId: string;
  /** uuid of the volunteer team the service was done for, or null. */
  teamId: string | null;
  /** uuid of the community (a core Place of type COMMUNITY) where the service was done. */
  communityId: string;
  /** Materialized path of that community: who may see the event. */
  placePath: string;
  /** Signed whole minutes, never 0: positive for service, negative for a verified correction. */
  minutes: number;
  /** Where the hours came from. */
  source: 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
  /** uuid of the entry a correction corrects, else null. */
  correctsEntryId: string | null;
  /** ISO-8601 time of verification. */
  verifiedAt: string;
}

/** `volunteer.service-logged`: a service-hour entry was logged and waits for verification. */
export interface VolunteerServiceLogged {
  entryId: string;
  personId: string;
  /** Materialized path of the community served: who may see the event. */
  placePath: string;
  minutes: number;
  source: VolunteerServiceVerified['source'];
}

/** `volunteer.service-declined`: community staff declined a service-hour entry, with a reason. */
export interface VolunteerServiceDeclined {
  entryId: string;
  personId: string;
  /** Materialized path of the community served: who may see the event. */
  placePath: string;
}

/** `volunteer.team-created`: a team was founded at a place. */
export interface VolunteerTeamCreated {
  teamId: string;
  /** Materialized path of the team's home place. */
  placePath: string;
}

/** `volunteer.member-joined`: a person joined a team (added by a leader, or accepted from a recruitment call). */
export interface VolunteerMemberJoined {
  teamId: string;
  personId: string;
  placePath: string;
}

/** `volunteer.recruitment-posted`: a team posted a call for volunteers. */
export interface VolunteerRecruitmentPosted {
  recruitmentId: string;
  teamId: string;
  /** Materialized path of where the volunteers are needed. */
  placePath: string;
}

/** `volunteer.application-changed`: an application to a recruitment call changed status. */
export interface VolunteerApplicationChanged {
  applicationId: string;
  recruitmentId: string;
  personId: string;
  /** Materialized path of where the call needs volunteers: who may see the event. */
  placePath: string;
  status: 'pending' | 'waitlisted' | 'accepted' | 'declined' | 'withdrawn';
}

/** `volunteer.shift-changed`: a shift sign-up changed. */
export interface VolunteerShiftEventPayload {
  signupId: string;
  shiftId: string;
  personId: string;
  /** Materialized path of the shift's place. */
  placePath: string;
  change: 'signed-up' | 'cancelled' | 'swapped' | 'handed-over' | 'checked-in' | 'checked-out';
}

/**
 * `volunteer.shift-reminder`: a shift a person signed up for starts within `shiftReminderMinutes`;
 * once per sign-up, not for one made inside that time (they have just signed up).
 */
export interface VolunteerShiftReminder {
  signupId: string;
  shiftId: string;
  personId: string;
  teamId: string;
  /** Materialized path of the shift's place. */
  placePath: string;
  title: string;
  /** ISO-8601 start of the shift. */
  startsAt: string;
}

/** `volunteer.pairing-created`: a team or a volunteer was paired with a resident in need. */
export interface VolunteerPairingCreated {
  pairingId: string;
  residentId: string;
  /** Materialized path of the pairing's community. */
  placePath: string;
}

/** `volunteer.pairing-visited`: a visit to a paired resident was logged. */
export interface VolunteerPairingVisited {
  pairingId: string;
  visitId: string;
  placePath: string;
}

/** `volunteer.task-created / -claimed / -released / -done / -cancelled`: enough for a task board to place the task and refetch it. */
export interface VolunteerTaskEventPayload {
  taskId: string;
  /** Materialized path of the task's place. */
  placePath: string;
  status: 'open' | 'claimed' | 'done' | 'cancelled';
  /** uuid of the core request the task serves, or null. */
  requestId: string | null;
  claimedById: string | null;
}
