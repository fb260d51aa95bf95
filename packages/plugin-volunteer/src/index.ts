import { definePlugin, packageVersion, PersonRoleKind } from '@gongzhi/core';
import { volunteerPlaceRules } from './volunteer.place-rules.js';
import { VolunteerPermission } from './volunteer.permissions.js';
import { teams } from './migrations/0001_teams.js';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing.entity.js';
import { VolunteerPairingResolver, VolunteerPairingVisitResolver, VolunteerTeamPairingsResolver } from './pairing.resolver.js';
import {
  PersonVolunteerProfileResolver,
  PlaceVolunteerSummaryResolver,
  VolunteerProfile,
  VolunteerProfileResolver,
  VolunteerSummary,
  VolunteerSummaryResolver,
} from './profile.resolver.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment.entity.js';
import { VolunteerApplicationResolver, VolunteerRecruitmentResolver, VolunteerTeamRecruitmentsResolver } from './recruitment.resolver.js';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import { VolunteerServiceEntryResolver } from './service-hours.resolver.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift.entity.js';
import {
  VolunteerShiftResolver,
  VolunteerShiftScheduleResolver,
  VolunteerShiftSignupResolver,
  VolunteerTeamShiftsResolver,
} from './shift.resolver.js';
import { volunteerTaskBoardItems } from './task.board.js';
import { VolunteerTask } from './task.entity.js';
import { RequestVolunteerTasksResolver, VolunteerTaskResolver } from './task.resolver.js';
import { VolunteerTeamMember } from './team-member.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { PlaceVolunteerTeamsResolver, VolunteerTeamMemberResolver, VolunteerTeamResolver } from './team.resolver.js';
import { seedVolunteerDemo } from './volunteer.seed.js';
import { DB_SCHEMA } from './db.js';

export * from './volunteer.enums.js';
export { VolunteerPermission } from './volunteer.permissions.js';
export type * from './volunteer.events.js';
export { MAX_ENTRY_MINUTES } from './service-hours.service.js';
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
  dbSchema: DB_SCHEMA,
  coreRange: '^0.2.0',
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
  migrations: [teams],
  boardItems: [volunteerTaskBoardItems],
  resolvers: [
    VolunteerTeamResolver,
    VolunteerTeamMemberResolver,
    PlaceVolunteerTeamsResolver,
    VolunteerRecruitmentResolver,
    VolunteerApplicationResolver,
    VolunteerTeamRecruitmentsResolver,
    VolunteerShiftResolver,
    VolunteerShiftSignupResolver,
    VolunteerShiftScheduleResolver,
    VolunteerTeamShiftsResolver,
    VolunteerPairingResolver,
    VolunteerPairingVisitResolver,
    VolunteerTeamPairingsResolver,
    VolunteerTaskResolver,
    RequestVolunteerTasksResolver,
    VolunteerServiceEntryResolver,
    VolunteerSummaryResolver,
    PlaceVolunteerSummaryResolver,
    VolunteerProfileResolver,
    PersonVolunteerProfileResolver,
  ],
  seed: async (ctx) => seedVolunteerDemo(ctx.em(), ctx.now),
});

export default plugin;
