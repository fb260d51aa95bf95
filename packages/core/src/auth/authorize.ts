import type { AuthChecker } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { userError } from '../graphql/user-error.js';
import type { Access } from './access.js';
import type { PermissionName } from './permission.js';

/**
 * Checks that the caller holds `permission` (at the place `path`, when given) and returns
 * its access. Anonymous callers get UNAUTHENTICATED, others FORBIDDEN naming what is missing.
 * Call it after loading the target row with a scoped lookup, so a row outside the caller's
 * places is NOT_FOUND (its existence is not revealed) rather than FORBIDDEN.
 */
export async function authorize(ctx: GongzhiContext, permission: PermissionName, path?: string | null): Promise<Access> {
  if (!ctx.caller) {
    throw userError('UNAUTHENTICATED', 'Sign in first: send "Authorization: Bearer <API key or person token>".');
  }
  const access = await ctx.access();
  if (!access.can(permission, path)) {
    throw userError(
      'FORBIDDEN',
      `You need the permission "${permission}"${path === undefined ? '' : ' at this place'}; none of your roles or keys here grants it.`,
      null,
      { permission },
    );
  }
  return access;
}

/** type-graphql's `@Authorized('permission')`: the caller must hold every listed permission somewhere. */
export const authChecker: AuthChecker<GongzhiContext> = async ({ context }, permissions) => {
  for (const permission of permissions) await authorize(context, permission);
  return true;
};
