import { keyedCount, keyedRows, type ReadContext } from '../graphql/loaders.js';

/**
 * The uuids of the people who are members of organization `organizationId`, oldest
 * membership first (none for an unknown organization). Batched per operation: every call in
 * one tick is one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function organizationMemberIds(ctx: ReadContext, organizationId: string): Promise<string[]> {
  const rows = await keyedRows<{ organization_id: string; person_id: string }>(ctx, 'core.organizationMemberIds', organizationId, {
    sql: (match) => `SELECT organization_id, person_id FROM organization_member
       WHERE organization_id ${match}
       ORDER BY organization_id, joined_on, created_at, person_id`,
    keyColumn: 'organization_id',
    type: 'uuid',
  });
  return rows.map((r) => r.person_id);
}

/**
 * How many members organization `organizationId` has (0 for an unknown organization).
 * Batched per operation: every call in one tick is one statement (a count, no rows loaded).
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function organizationMemberCount(ctx: ReadContext, organizationId: string): Promise<number> {
  return keyedCount(ctx, 'core.organizationMemberCount', organizationId, {
    sql: (match) => `SELECT organization_id, count(*)::int AS n FROM organization_member
       WHERE organization_id ${match}
       GROUP BY organization_id`,
    keyColumn: 'organization_id',
    type: 'uuid',
  });
}

/**
 * The uuids of the organizations person `personId` is a member of, in id order. Batched per
 * operation: every call in one tick is one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function organizationIdsOfPerson(ctx: ReadContext, personId: string): Promise<string[]> {
  const rows = await keyedRows<{ organization_id: string; person_id: string }>(ctx, 'core.organizationIdsOfPerson', personId, {
    sql: (match) => `SELECT person_id, organization_id FROM organization_member
       WHERE person_id ${match}
       ORDER BY person_id, organization_id`,
    keyColumn: 'person_id',
    type: 'uuid',
  });
  return rows.map((r) => r.organization_id);
}
