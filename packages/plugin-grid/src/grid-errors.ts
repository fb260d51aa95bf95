import { canSee, type GongzhiContext, type Request, RequestPayload, RequestRuleError, requireVisible, userError } from '@gongzhi/core';
import { Grid } from './grid.entity.js';
import type { GridServices } from './grid.services.js';

/** The grid plugin's services from a resolver's context. */
export function gridServices(ctx: GongzhiContext): GridServices {
  return ctx.services.get('grid');
}

/** Runs a request operation of core's and reports its rule violations as core's typed payload errors. */
export async function requestPayload(work: () => Promise<Request>): Promise<RequestPayload> {
  try {
    const request = await work();
    return Object.assign(new RequestPayload(), { request, errors: [], created: false });
  } catch (err) {
    if (!(err instanceof RequestRuleError)) throw err;
    return Object.assign(new RequestPayload(), {
      request: null,
      errors: [{ code: err.code, message: err.message, field: err.field }],
      created: false,
    });
  }
}

/** Whether an error is a PostgreSQL unique violation (possibly wrapped by the ORM). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}

/** The grid an argument names, if the caller may see it (its community is in their places); NOT_FOUND otherwise. */
export async function requireVisibleGrid(ctx: GongzhiContext, globalId: string, argument: string): Promise<Grid> {
  const grid = await requireVisible(ctx, ctx.em, Grid, 'Grid', globalId, argument);
  if (!(await canSee(ctx, grid))) throw userError('NOT_FOUND', `No Grid has the id given in "${argument}" (${globalId}).`, argument);
  return grid;
}

/**
 * SQL keeping rows whose `column` (a materialized path) lies under the caller's places, with
 * its parameters: empty when the caller sees everywhere, `FALSE` when it sees nothing.
 */
export async function scopeSql(ctx: GongzhiContext, column: string): Promise<{ sql: string; params: string[] }> {
  const access = await ctx.access();
  if (access.everywhere) return { sql: '', params: [] };
  const paths = access.paths;
  if (!paths.length) return { sql: ' AND FALSE', params: [] };
  return { sql: ` AND (${paths.map(() => `${column} LIKE ?`).join(' OR ')})`, params: paths.map((p) => `${p}%`) };
}
