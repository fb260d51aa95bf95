/** Permissions the volunteer plugin checks, granted to roles in its definition or to API keys by name. */
export const VolunteerPermission = {
  /** Verify, decline and correct service hours (community staff). */
  VERIFY_HOURS: 'volunteer.hours.verify',
  /** Add members and leaders to the teams at home at a place, and end their memberships, as a leader would (community staff). */
  MANAGE_TEAMS: 'volunteer.teams.manage',
} as const;
