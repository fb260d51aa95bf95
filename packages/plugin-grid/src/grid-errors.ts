import { type GongzhiContext, RequestPayload, RequestRuleError } from '@gongzhi/core';
import type { GridServices } from './grid.services.js';

/** The grid plugin's services from a resolver's context. */
export function gridServices(ctx: GongzhiContext): GridServices {
  return ctx.services.get('grid');
}

/** Runs a request operation of core's and reports its rule violations as core's typed payload errors. */
export async function requestPayload(work: () => Promise<import('@gongzhi/core').Request>): Promise<RequestPayload> {
  try {
    const request = await work();
    return Object.assign(new RequestPayload(), { request, errors: [], created: false });
  } catch (err) {
    if (!(err instanceof RequestRuleError)) throw err;
    return Object.assign(new RequestPayload(), { request: null, errors: [{ code: err.code, message: err.message, field: err.field }], created: false });
  }
}

/** Whether an error is a PostgreSQL unique violation (possibly wrapped by the ORM). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}
