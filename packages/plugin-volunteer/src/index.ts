import { definePlugin, packageVersion, PersonRoleKind } from '@gongzhi/core';
import { DB_SCHEMA } from './db.js';
import { teams } from './migrations/0001_teams.js';
import { pairingResidentIndex } from './migrations/0002_pairing_resident_index.js';
import { VolunteerPermission } from './permissions.js';
import { volunteerPlaceRules } from './place-rules.js';
import { seedVolunteerDemo } from './seed.js';
import { VolunteerServiceEntry } from './hours/hours.entity.js';
import { VolunteerServiceEntryResolver } from './hours/hours.resolver.js';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing/pairing.entity.js';
import { VolunteerPairingResolver, VolunteerTeamPairingsResolver } from './pairing/pairing.resolver.js';
import { PersonVolunteerProfileResolver, VolunteerProfile, VolunteerProfileResolver } from './profile/profile.resolver.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment/recruitment.entity.js';
import { VolunteerRecruitmentResolver, VolunteerTeamRecruitmentsResolver } from './recruitment/recruitment.resolver.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift/shift.entity.js';
import { VolunteerShiftResolver, VolunteerShiftSignupResolver, VolunteerTeamShiftsResolver } from './shift/shift.resolver.js';
import { PlaceVolunteerSummaryResolver, VolunteerSummary, VolunteerSummaryResolver } from './summary/summary.resolver.js';
import { volunteerTaskBoardItems } from './task/task.board.js';
import { VolunteerTask } from './task/task.entity.js';
import { RequestVolunteerTasksResolver, VolunteerTaskResolver } from './task/task.resolver.js';
import { VolunteerTeam, VolunteerTeamMember } from './team/team.entity.js';
import { PlaceVolunteerTeamsResolver, VolunteerTeamResolver } from './team/team.resolver.js';

export type * from './events.js';
export type * from './team/team.events.js';
export type * from './recruitment/recruitment.events.js';
export type * from './shift/shift.events.js';
export type * from './pairing/pairing.events.js';
export type * from './task/task.events.js';
export type * from './hours/hours.events.js';
export { VolunteerPermission } from './permissions.js';
export { MAX_ENTRY_MINUTES } from './hours/hours.commands.js';
export { VolunteerServiceSource, VolunteerServiceStatus } from './hours/hours.entity.js';
export { VolunteerCareItem } from './pairing/pairing.entity.js';
export { VolunteerApplicationStatus } from './recruitment/recruitment.entity.js';
export { VolunteerTaskKind, VolunteerTaskStatus } from './task/task.entity.js';
export { VolunteerMemberRole, VolunteerTeamKind } from './team/team.entity.js';
export {
  VolunteerApplication,
  VolunteerPairing,
  VolunteerPairingVisit,
  VolunteerProfile,
  VolunteerRecruitment,
  VolunteerServiceEntry,
  VolunteerShift,
  VolunteerShiftSchedule,
  VolunteerShiftSignup,
  VolunteerSummary,
  VolunteerTask,
  VolunteerTeam,
  VolunteerTeamMember,
};

/** Volunteer service (志愿服务): teams, recruitment, shifts, pairing, tasks and verified service hours. */
export const plugin = definePlugin({
  id: 'volunteer',
  version: packageVersion(import.meta.url),
  coreRange: '^0.4.0',
  dbSchema: DB_SCHEMA,
  migrations: [teams, pairingResidentIndex],
  entities: [
    VolunteerTeam,
    VolunteerTeamMember,
    VolunteerRecruitment,
    VolunteerApplication,
    VolunteerShiftSchedule,
    VolunteerShift,
    VolunteerShiftSignup,
    VolunteerPairing,
    VolunteerPairingVisit,
    VolunteerTask,
    VolunteerServiceEntry,
  ],
  placeRules: volunteerPlaceRules,
  permissions: {
    [VolunteerPermission.VERIFY_HOURS]: {
      description: "Verify, decline and correct volunteers' service hours at a community.",
      roles: [PersonRoleKind.SOCIAL_WORKER],
    },
  },
  // What the volunteer schema's rules mean to a client; the rules themselves hold under concurrency in the database.
  constraintErrors: {
    shift_signup_no_overlap: {
      code: 'DOUBLE_BOOKED',
      message: 'This person is already on another shift at an overlapping time; cancel or swap that one first.',
    },
    shift_taken_within_capacity: {
      code: 'SLOT_FULL',
      message: 'Every place on this shift is taken; pick another shift or ask a member to swap.',
    },
    recruitment_accepted_within_wanted: {
      code: 'RECRUITMENT_FULL',
      message: 'The call already has every volunteer it wanted; the application stays on the waitlist.',
    },
    team_member_unique: { code: 'CONFLICT', message: 'This person is already a member of the team.', field: 'personId' },
    team_home_place_name_unique: {
      code: 'CONFLICT',
      message: 'A team of this name is already based at this place; choose another name.',
      field: 'input.name',
    },
    application_unique: { code: 'CONFLICT', message: 'This person has already signed up for this call.', field: 'recruitmentId' },
    pairing_open_team_unique: { code: 'CONFLICT', message: 'This team is already paired with this resident; end that pairing first.' },
    pairing_open_volunteer_unique: {
      code: 'CONFLICT',
      message: 'This volunteer is already paired with this resident; end that pairing first.',
    },
    pairing_not_self: { code: 'BAD_USER_INPUT', message: 'A volunteer cannot be paired with themselves.', field: 'input.volunteerId' },
    service_entry_not_self_verified: {
      code: 'SELF_VERIFICATION',
      message: 'Nobody verifies their own hours: another member of community staff must verify them.',
      field: 'entryId',
    },
    service_entry_minutes: {
      code: 'INVALID_DURATION',
      message: 'Service minutes must be a whole number from 1 to 1439 (less than 24 hours).',
    },
    shift_signup_check_out_after_in: { code: 'CHECK_IN_FIRST', message: 'Check-out must come after check-in.', field: 'signupId' },
  },
  resolvers: [
    VolunteerTeamResolver,
    PlaceVolunteerTeamsResolver,
    VolunteerRecruitmentResolver,
    VolunteerTeamRecruitmentsResolver,
    VolunteerShiftResolver,
    VolunteerShiftSignupResolver,
    VolunteerTeamShiftsResolver,
    VolunteerPairingResolver,
    VolunteerTeamPairingsResolver,
    VolunteerTaskResolver,
    RequestVolunteerTasksResolver,
    VolunteerServiceEntryResolver,
    VolunteerSummaryResolver,
    PlaceVolunteerSummaryResolver,
    VolunteerProfileResolver,
    PersonVolunteerProfileResolver,
  ],
  boardItems: [volunteerTaskBoardItems],
  seed: (ctx) => seedVolunteerDemo(ctx.em(), ctx.now),
});

export default plugin;
