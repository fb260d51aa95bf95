/** Permissions the moral-bank plugin checks, granted to roles in its definition or to API keys by name. */
export const MoralBankPermission = {
  /** Set a community's rate, configure venues, reverse transactions, allocate priority requests (community staff). */
  MANAGE: 'moral-bank.manage',
} as const;
