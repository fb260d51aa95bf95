import { definePlugin, packageVersion, refId } from '@gongzhi/core';
import { teams } from './migrations/0001_teams.js';
import { VolunteerTeam } from './team.entity.js';
import { PlaceVolunteerTeamsResolver, VolunteerTeamResolver } from './team.resolver.js';

export { VolunteerTeam };

/** Volunteer service (志愿服务): teams, recruitment, shifts, pairing, tasks and service hours. */
export const plugin = definePlugin({
  id: 'volunteer',
  version: packageVersion(import.meta.url),
  coreRange: '^0.1.0',
  entities: [VolunteerTeam],
  placeRules: [{ entity: VolunteerTeam, place: (row: VolunteerTeam) => refId(row.homePlace) }],
  migrations: [teams],
  resolvers: [VolunteerTeamResolver, PlaceVolunteerTeamsResolver],
});

export default plugin;
