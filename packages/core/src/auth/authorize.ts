import type { AuthChecker } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import type { Access } from './access.js';
import type { PermissionName } from './permission.js';
import { coreMessages } from '../i18n/core-messages.js';

/**
 * Checks that the caller holds `permission` (at the place `path`, when given) and returns
 * its access. Anonymous callers get UNAUTHENTICATED, others FORBIDDEN naming what is missing.
 * Call it after loading the target row with a scoped lookup, so a row outside the caller's
 * places is NOT_FOUND (its existence is not revealed) rather than FORBIDDEN.
 */
export async function authorize(ctx: GongzhiContext, permission: PermissionName, path?: string | null): Promise<Access> {
  if (!ctx.caller) {
    throw coreMessages.signFirstSendAuthorization.topLevel();
  }
  const access = await ctx.access();
  if (!access.can(permission, path)) {
    throw (path === undefined ? coreMessages.youNeedPermission : coreMessages.youNeedPermissionPlace).error({ permission }, null, {
      permission,
    });
  }
  return access;
}

/** type-graphql's `@Authorized('permission')`: the caller must hold every listed permission somewhere. */
export const authChecker: AuthChecker<GongzhiContext> = async ({ context }, permissions) => {
  for (const permission of permissions) await authorize(context, permission);
  return true;
};
