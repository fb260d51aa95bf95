import type { PluginEventCatalog } from '@gongzhi/core';

/** The fields every team event carries, described. */
const teamFields = {
  teamId: { node: 'VolunteerTeam', description: 'The team.' },
  placePath: "The materialised path of the team's home place (ids from the root): who may see the event.",
} as const;

/** The fields every shift event carries, described. */
const signupFields = {
  signupId: { node: 'VolunteerShiftSignup', description: 'The sign-up.' },
  shiftId: { node: 'VolunteerShift', description: 'The shift signed up for.' },
  personId: { node: 'Person', description: 'The volunteer signed up (after a swap or a hand-over, the one it now belongs to).' },
  placePath: "The materialised path of the shift's place (ids from the root): who may see the event.",
} as const;

/** The fields every pairing event carries, described. */
const pairingFields = {
  pairingId: { node: 'VolunteerPairing', description: 'The pairing.' },
  placePath: "The materialised path of the pairing's community (ids from the root): who may see the event.",
} as const;

/** The fields every task event carries, described. */
const taskFields = {
  taskId: { node: 'VolunteerTask', description: 'The task.' },
  placePath: "The materialised path of the task's place (ids from the root): who may see the event.",
  status: 'Its status after the change, in lower case: open, claimed, done or cancelled.',
  requestId: { node: 'Request', description: 'The request the task serves, or null for a standalone task.' },
  claimedById: { node: 'Person', description: 'The volunteer who claimed it, or null while nobody holds it.' },
} as const;

/** The fields every service-hours event carries, described. */
const entryFields = {
  entryId: { node: 'VolunteerServiceEntry', description: 'The service-hour entry.' },
  personId: { node: 'Person', description: 'The volunteer who served.' },
} as const;

/** Every event the volunteer plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const volunteerEvents = {
  'volunteer.team-created': {
    description: 'A volunteer team was founded in a community.',
    payload: teamFields,
  },
  'volunteer.member-joined': {
    description: 'A person joined a volunteer team (or became one of its leaders).',
    payload: { ...teamFields, personId: { node: 'Person', description: 'The person who joined.' } },
  },
  'volunteer.recruitment-posted': {
    description: 'A team posted a call for volunteers, with how many it wants.',
    payload: {
      recruitmentId: { node: 'VolunteerRecruitment', description: 'The call for volunteers.' },
      teamId: { node: 'VolunteerTeam', description: 'The team that posted it.' },
      placePath: 'The materialised path of the place where the volunteers are needed (ids from the root): who may see the event.',
    },
  },
  'volunteer.application-changed': {
    description: 'An application to a call was made, accepted, waitlisted, declined or withdrawn.',
    payload: {
      applicationId: { node: 'VolunteerApplication', description: 'The application.' },
      recruitmentId: { node: 'VolunteerRecruitment', description: 'The call it answers.' },
      personId: { node: 'Person', description: 'The person who applied.' },
      placePath: 'The materialised path of the place where the call needs volunteers (ids from the root): who may see the event.',
      status: 'Its status now, in lower case: pending, waitlisted, accepted, declined or withdrawn.',
    },
  },
  'volunteer.shift-changed': {
    description: 'A shift sign-up changed: signed up, cancelled, swapped, handed over, checked in or checked out.',
    payload: {
      ...signupFields,
      change:
        'What changed: signed-up, cancelled, swapped (one event for each of the two sign-ups), handed-over, checked-in or checked-out.',
    },
  },
  'volunteer.shift-reminder': {
    description: 'A shift a volunteer signed up for starts soon (shiftReminderMinutes before, once per sign-up): remind them.',
    payload: {
      ...signupFields,
      teamId: { node: 'VolunteerTeam', description: 'The team whose shift it is.' },
      title: "The shift's title.",
      startsAt: 'When the shift starts, as an ISO 8601 time.',
    },
  },
  'volunteer.pairing-created': {
    description: 'A team or volunteer was paired (结对) with a resident in need.',
    payload: { ...pairingFields, residentId: { node: 'Person', description: 'The resident looked after.' } },
  },
  'volunteer.pairing-visited': {
    description: 'A paired volunteer recorded a visit to the resident, with the care given.',
    payload: { ...pairingFields, visitId: { node: 'VolunteerPairingVisit', description: 'The visit recorded.' } },
  },
  'volunteer.task-created': {
    description: 'A volunteer task was created (deliver groceries or medicine, escort, carry rubbish…).',
    payload: taskFields,
  },
  'volunteer.task-claimed': {
    description: 'A volunteer claimed a task.',
    payload: taskFields,
  },
  'volunteer.task-released': {
    description: 'A claim on a task was given up: the task is open again.',
    payload: taskFields,
  },
  'volunteer.task-done': {
    description: 'A task was done.',
    payload: taskFields,
  },
  'volunteer.task-cancelled': {
    description: 'A task was cancelled.',
    payload: taskFields,
  },
  'volunteer.service-logged': {
    description: 'Service hours were logged and wait for community staff to verify them.',
    payload: {
      ...entryFields,
      placePath: 'The materialised path of the community served (ids from the root): who may see the event.',
      minutes: 'The minutes logged, a whole number: negative for a correction that takes hours away.',
      source: 'Where the hours come from, in upper case: SHIFT, TASK, MANUAL or CORRECTION.',
    },
  },
  'volunteer.service-verified': {
    description: 'Service hours were verified by community staff: what the moral bank credits (entryId is the idempotency key).',
    payload: {
      ...entryFields,
      teamId: { node: 'VolunteerTeam', description: 'The team the service was done for, or null.' },
      communityId: { node: 'Place', description: 'The community (a place of type community) where the service was done.' },
      placePath: 'The materialised path of that community (ids from the root): who may see the event.',
      minutes: 'Signed whole minutes, never 0: positive for service, negative for a verified correction.',
      source: 'Where the hours come from, in upper case: SHIFT, TASK, MANUAL or CORRECTION.',
      correctsEntryId: { node: 'VolunteerServiceEntry', description: 'The entry a correction corrects, or null for any other source.' },
      verifiedAt: 'When it was verified, as an ISO 8601 time.',
    },
  },
  'volunteer.service-declined': {
    description: 'Logged service hours were declined by community staff (their reason is on the entry).',
    payload: {
      ...entryFields,
      placePath: 'The materialised path of the community served (ids from the root): who may see the event.',
    },
  },
} as const satisfies PluginEventCatalog<'volunteer'>;
