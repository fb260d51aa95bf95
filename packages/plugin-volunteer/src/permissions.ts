/** Permissions the volunteer plugin checks, granted to roles in its definition or to API keys by name. */
export const VolunteerPermission = {
  /** Verify, decline and correct service hours (community staff). */
  VERIFY_HOURS: 'volunteer.hours.verify',
} as const;
