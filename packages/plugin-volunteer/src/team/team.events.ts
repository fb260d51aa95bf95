import type { VolunteerMemberJoined, VolunteerTeamCreated } from '../events.js';

/** What teams announce: founded, joined. */
export type VolunteerTeamEventName = 'volunteer.team-created' | 'volunteer.member-joined';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.team-created': VolunteerTeamCreated;
    'volunteer.member-joined': VolunteerMemberJoined;
  }
}
