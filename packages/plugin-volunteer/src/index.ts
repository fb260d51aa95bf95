import { definePlugin, packageVersion, peerRange, PersonRoleKind } from '@gongzhi/core';
import { serviceHoursExport } from './hours/hours.export.js';
import { rotaExport } from './shift/shift.export.js';
import { DB_SCHEMA } from './db.js';
import { teams } from './migrations/0001_teams.js';
import { pairingResidentIndex } from './migrations/0002_pairing_resident_index.js';
import { connectionIndexes } from './migrations/0003_connection_indexes.js';
import { VolunteerPermission } from './permissions.js';
import { volunteerPlaceRules } from './place-rules.js';
import { seedVolunteerDemo } from './seed.js';
import { VolunteerServiceEntry } from './hours/hours.entity.js';
import { VolunteerServiceEntryResolver } from './hours/hours.resolver.js';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing/pairing.entity.js';
import { VolunteerPairingResolver, VolunteerPairingVisitsResolver, VolunteerTeamPairingsResolver } from './pairing/pairing.resolver.js';
import { PersonVolunteerProfileResolver, VolunteerProfile, VolunteerProfileResolver } from './profile/profile.resolver.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment/recruitment.entity.js';
import {
  VolunteerRecruitmentApplicationsResolver,
  VolunteerRecruitmentResolver,
  VolunteerTeamRecruitmentsResolver,
} from './recruitment/recruitment.resolver.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift/shift.entity.js';
import { VolunteerShiftResolver, VolunteerShiftSignupResolver, VolunteerTeamShiftsResolver } from './shift/shift.resolver.js';
import { PlaceVolunteerSummaryResolver, VolunteerSummary, VolunteerSummaryResolver } from './summary/summary.resolver.js';
import { volunteerTaskBoardItems } from './task/task.board.js';
import { VolunteerTask } from './task/task.entity.js';
import { RequestVolunteerTasksResolver, VolunteerTaskResolver } from './task/task.resolver.js';
import { VolunteerTeam, VolunteerTeamMember } from './team/team.entity.js';
import { PlaceVolunteerTeamsResolver, VolunteerTeamResolver } from './team/team.resolver.js';
import { volunteerMessages } from './messages.js';
import { volunteerPersonalData } from './personal-data.js';
import { DEFAULT_OPTIONS, validateOptions, type VolunteerOptions, type VolunteerServices } from './options.js';
import { openShiftsAhead, rotaTask } from './shift/rota.task.js';
import { remindShifts, shiftReminderTask } from './shift/reminder.task.js';
import { shiftReminders } from './migrations/0004_shift_reminders.js';
import { shiftCancelled } from './migrations/0005_shift_cancelled.js';
import { volunteerEvents } from './event-catalog.js';

export type * from './events.js';
export type * from './team/team.events.js';
export type * from './recruitment/recruitment.events.js';
export type * from './shift/shift.events.js';
export type * from './pairing/pairing.events.js';
export type * from './task/task.events.js';
export type * from './hours/hours.events.js';
export type { VolunteerOptions, VolunteerServices } from './options.js';
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
export const plugin = definePlugin<VolunteerOptions>({
  id: 'volunteer',
  version: packageVersion(import.meta.url),
  coreRange: peerRange(import.meta.url, '@gongzhi/core'),
  events: volunteerEvents,
  dbSchema: DB_SCHEMA,
  migrations: [teams, pairingResidentIndex, connectionIndexes, shiftReminders, shiftCancelled],
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
    [VolunteerPermission.MANAGE_TEAMS]: {
      description:
        "Add members and leaders to a community's teams and end memberships, as their leaders do: a team whose leaders are gone is led again.",
      roles: [PersonRoleKind.SOCIAL_WORKER],
    },
  },
  // What the volunteer schema's rules mean to a client; the rules themselves hold under concurrency in the database.
  messages: volunteerMessages,
  constraintErrors: {
    shift_signup_no_overlap: { message: volunteerMessages.constraintShiftSignupNoOverlap },
    shift_taken_within_capacity: { message: volunteerMessages.constraintShiftTakenWithinCapacity },
    recruitment_accepted_within_wanted: { message: volunteerMessages.constraintRecruitmentAcceptedWithinWanted },
    team_member_unique: { message: volunteerMessages.constraintTeamMemberUnique, field: 'personId' },
    team_home_place_name_unique: { message: volunteerMessages.constraintTeamHomePlaceNameUnique, field: 'input.name' },
    application_unique: { message: volunteerMessages.constraintApplicationUnique, field: 'recruitmentId' },
    pairing_open_team_unique: { message: volunteerMessages.constraintPairingOpenTeamUnique },
    pairing_open_volunteer_unique: { message: volunteerMessages.constraintPairingOpenVolunteerUnique },
    pairing_not_self: { message: volunteerMessages.constraintPairingNotSelf, field: 'input.volunteerId' },
    service_entry_not_self_verified: { message: volunteerMessages.constraintServiceEntryNotSelfVerified, field: 'entryId' },
    service_entry_minutes: { message: volunteerMessages.constraintServiceEntryMinutes },
    shift_signup_check_out_after_in: { message: volunteerMessages.constraintShiftSignupCheckOutAfterIn, field: 'signupId' },
  },
  resolvers: [
    VolunteerTeamResolver,
    PlaceVolunteerTeamsResolver,
    VolunteerRecruitmentResolver,
    VolunteerRecruitmentApplicationsResolver,
    VolunteerTeamRecruitmentsResolver,
    VolunteerShiftResolver,
    VolunteerShiftSignupResolver,
    VolunteerTeamShiftsResolver,
    VolunteerPairingResolver,
    VolunteerPairingVisitsResolver,
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
  // Service days are counted in the district's time zone unless the volunteers are given their own.
  options: { defaults: (host) => ({ ...DEFAULT_OPTIONS, timeZone: host.timeZone }), validate: validateOptions },
  services: (ctx): VolunteerServices => ({
    options: ctx.options,
    openShiftsAhead: () => openShiftsAhead(ctx),
    remindShifts: () => remindShifts(ctx),
  }),
  scheduledTasks: [rotaTask, shiftReminderTask],
  spreadsheetExports: [serviceHoursExport, rotaExport],
  personalData: volunteerPersonalData,
  seed: (ctx) => seedVolunteerDemo(ctx.em(), ctx.now, ctx.options.timeZone),
});

export default plugin;
