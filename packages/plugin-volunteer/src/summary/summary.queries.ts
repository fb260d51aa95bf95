import { batchLoader, executeRead, placeSummaries, type ReadContext, residentCountUnder } from '@gongzhi/core';
import { t } from '../db.js';

/** Volunteering under a place, in numbers. */
export interface VolunteeringCounts {
  /** Teams based anywhere under the place. */
  teams: number;
  /** Distinct current members of those teams. */
  volunteers: number;
  /** Of those, people whose household lies under the place. */
  residents: number;
}

/** The counts of volunteering under each place asked for in one operation: one statement for all, and core counts the residents. */
export function volunteeringUnder(ctx: ReadContext, placeUuid: string): Promise<VolunteeringCounts> {
  return batchLoader<string, VolunteeringCounts>(ctx, 'volunteer.summary', async (placeIds) => {
    const places = await placeSummaries(ctx, placeIds);
    const roots = [...places.values()].map((p) => ({ id: p.id, path: p.path }));
    const rows = roots.length
      ? await executeRead<{ id: string; teams: string; volunteers: string[] | null }[]>(
          ctx.em,
          `SELECT r.id,
                  (SELECT count(*) FROM ${t('team')} t WHERE left(t.home_place_path, length(r.path)) = r.path) AS teams,
                  (SELECT array_agg(DISTINCT m.person_id::text) FROM ${t('team_member')} m JOIN ${t('team')} t ON t.id = m.team_id
                    WHERE m.left_on IS NULL AND left(t.home_place_path, length(r.path)) = r.path) AS volunteers
             FROM jsonb_to_recordset(?::jsonb) AS r(id text, path text)`,
          [JSON.stringify(roots)],
          { fixedShape: true },
        )
      : [];
    // Residents among the volunteers (their household lies under the place): core counts them, one batch for all places.
    const counted = await Promise.all(
      rows.map(async (r): Promise<[string, VolunteeringCounts]> => {
        const residents = await residentCountUnder(ctx, [places.get(r.id)!.path], r.volunteers ?? []);
        return [r.id, { teams: Number(r.teams), volunteers: r.volunteers?.length ?? 0, residents }];
      }),
    );
    const byId = new Map(counted);
    return placeIds.map((id) => byId.get(id) ?? { teams: 0, volunteers: 0, residents: 0 });
  }).load(placeUuid);
}
