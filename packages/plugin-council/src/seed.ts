import type { EntityManager } from './em.js';
export async function seedCouncils(_em: EntityManager, _now: () => Date): Promise<void> {}
