import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the volunteer plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const volunteerEvents = {
  'volunteer.team-created': 'A volunteer team was founded in a community.',
  'volunteer.member-joined': 'A person joined a volunteer team (or became one of its leaders).',
  'volunteer.recruitment-posted': 'A team posted a call for volunteers, with how many it wants.',
  'volunteer.application-changed': 'An application to a call was made, accepted, waitlisted, declined or withdrawn.',
  'volunteer.shift-changed': 'A shift sign-up changed: signed up, cancelled, swapped, handed over, checked in or checked out.',
  'volunteer.shift-reminder': 'A shift a volunteer signed up for starts soon (shiftReminderMinutes before, once per sign-up): remind them.',
  'volunteer.pairing-created': 'A team or volunteer was paired (结对) with a resident in need.',
  'volunteer.pairing-visited': 'A paired volunteer recorded a visit to the resident, with the care given.',
  'volunteer.task-created': 'A volunteer task was created (deliver groceries or medicine, escort, carry rubbish…).',
  'volunteer.task-claimed': 'A volunteer claimed a task.',
  'volunteer.task-released': 'A claim on a task was given up: the task is open again.',
  'volunteer.task-done': 'A task was done.',
  'volunteer.task-cancelled': 'A task was cancelled.',
  'volunteer.service-logged': 'Service hours were logged and wait for community staff to verify them.',
  'volunteer.service-verified':
    'Service hours were verified by community staff: what the moral bank credits (entryId is the idempotency key).',
  'volunteer.service-declined': 'Logged service hours were declined, with a reason.',
} as const satisfies PluginEventCatalog<'volunteer'>;
