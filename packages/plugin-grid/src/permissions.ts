import { PersonRoleKind } from '@gongzhi/core';

/** The grid plugin's permissions. */
export const GridPermission = {
  /** Managing grids: granted to social workers at their community. */
  MANAGE: 'grid.manage',
} as const;

/** The permissions the plugin declares, with the roles that grant them at their place. */
export const gridPermissions = {
  [GridPermission.MANAGE]: {
    description:
      'Create grids and micro-grids, change their coverage, assign grid workers, record adoptions and meetings, set escalation limits, run the escalation.',
    roles: [PersonRoleKind.SOCIAL_WORKER],
  },
};
