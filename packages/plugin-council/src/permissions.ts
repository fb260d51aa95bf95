/** Permissions the council plugin checks, granted to roles in its definition or to API keys by name. */
export const CouncilPermission = {
  /** Set up councils and their seats in a community (community staff). Members run meetings and vote as members. */
  MANAGE: 'council.manage',
} as const;
