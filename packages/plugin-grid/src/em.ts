import type { GongzhiContext } from '@gongzhi/core';

/** MikroORM's PostgreSQL EntityManager, as core hands it out (no direct dependency on the driver package). */
export type EntityManager = GongzhiContext['em'];
