import { batchLoader, executeRead, matchKeys, type ReadContext } from '../graphql/loaders.js';

/**
 * The uuids of the people who are members of organization `organizationId`, oldest
 * membership first (none for an unknown organization). Batched per operation: every call in
 * one tick is one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function organizationMemberIds(ctx: ReadContext, organizationId: string): Promise<string[]> {
  return batchLoader<string, string[]>(ctx, 'core.organizationMemberIds', async (ids) => {
    const { match, value } = matchKeys(ids, 'uuid');
    const rows = await executeRead<{ organization_id: string; person_id: string }[]>(
      ctx.em,
      `SELECT organization_id, person_id FROM organization_member
        WHERE organization_id ${match}
        ORDER BY organization_id, joined_on, created_at, person_id`,
      [value],
      { fixedShape: true },
    );
    const byOrganization = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const row of rows) byOrganization.get(row.organization_id)?.push(row.person_id);
    return ids.map((id) => byOrganization.get(id)!);
  }).load(organizationId);
}

/**
 * How many members organization `organizationId` has (0 for an unknown organization).
 * Batched per operation: every call in one tick is one statement (a count, no rows loaded).
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function organizationMemberCount(ctx: ReadContext, organizationId: string): Promise<number> {
  return batchLoader<string, number>(ctx, 'core.organizationMemberCount', async (ids) => {
    const { match, value } = matchKeys(ids, 'uuid');
    const rows = await executeRead<{ organization_id: string; n: number }[]>(
      ctx.em,
      `SELECT organization_id, count(*)::int AS n FROM organization_member
        WHERE organization_id ${match}
        GROUP BY organization_id`,
      [value],
      { fixedShape: true },
    );
    const byOrganization = new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
    return ids.map((id) => byOrganization.get(id) ?? 0);
  }).load(organizationId);
}

/**
 * The uuids of the organizations person `personId` is a member of, in id order. Batched per
 * operation: every call in one tick is one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function organizationIdsOfPerson(ctx: ReadContext, personId: string): Promise<string[]> {
  return batchLoader<string, string[]>(ctx, 'core.organizationIdsOfPerson', async (ids) => {
    const { match, value } = matchKeys(ids, 'uuid');
    const rows = await executeRead<{ organization_id: string; person_id: string }[]>(
      ctx.em,
      `SELECT person_id, organization_id FROM organization_member
        WHERE person_id ${match}
        ORDER BY person_id, organization_id`,
      [value],
      { fixedShape: true },
    );
    const byPerson = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const row of rows) byPerson.get(row.person_id)?.push(row.organization_id);
    return ids.map((id) => byPerson.get(id)!);
  }).load(personId);
}
