import type { GongzhiContext } from '@gongzhi/core';

/** The PostgreSQL EntityManager core hands out (kept as core's type, so no direct driver dependency). */
export type EntityManager = GongzhiContext['em'];
