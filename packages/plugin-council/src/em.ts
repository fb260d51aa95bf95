import type { GongzhiContext } from '@gongzhi/core';

/** Core's PostgreSQL EntityManager type, without a direct dependency on @mikro-orm/postgresql. */
export type EntityManager = GongzhiContext['em'];
