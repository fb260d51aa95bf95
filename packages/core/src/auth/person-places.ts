import type { GongzhiContext } from '../context.js';
import { batchLoader, executeRead, matchKeys } from '../graphql/loaders.js';
import { type PlaceRow, primePlaceSummaries, SUMMARY_COLUMNS } from '../place/place.queries.js';
import { Attached } from '../attached.js';

/**
 * The places a person belongs to, for scoping: their household and the places of their roles,
 * by path. They are read whole, with the person's links in one statement, and left for the
 * operation's other checks and reads of them (their place summaries): a check of the person
 * needs no second round trip for the places' paths, nor does a check of the person's roles.
 * Batched per operation: a page of people costs one query.
 */
export function placesOfPerson(ctx: GongzhiContext, personUuid: string): Promise<{ id: string; path: string }[]> {
  return batchLoader<string, { id: string; path: string }[]>(ctx, 'scope.personPlaces', async (ids) => {
    const { match, value } = matchKeys(ids);
    const rows = await executeRead<(PlaceRow & { person_id: string })[]>(
      ctx.em,
      `SELECT x.person_id, ${SUMMARY_COLUMNS} FROM (
         SELECT id AS person_id, household_id AS place_id FROM person WHERE id ${match} AND household_id IS NOT NULL
         UNION SELECT person_id, place_id FROM person_role WHERE person_id ${match}) x
       JOIN place ON place.id = x.place_id`,
      [value, value],
      { byKey: true },
    );
    primePlaceSummaries(ctx, rows);
    const byPerson = new Map<string, { id: string; path: string }[]>(ids.map((id) => [id, []]));
    for (const row of rows) byPerson.get(row.person_id)?.push({ id: row.id, path: row.path });
    let read = personPlacesRead.get(ctx.loaders);
    if (!read) personPlacesRead.set(ctx.loaders, (read = new Map<string, { id: string; path: string }[]>()));
    for (const [id, places] of byPerson) read.set(id, places);
    return ids.map((id) => byPerson.get(id)!);
  }).load(personUuid);
}

/** The places of the people {@link placesOfPerson} has read, per operation (its loaders). */
const personPlacesRead = new Attached<object, Map<string, { id: string; path: string }[]>>('core.personPlacesRead');

/**
 * {@link placesOfPerson}, answered at once (no promise) when the operation has read them already:
 * a page's people checked after their places arrived (read beside the people, `startKeyOnlyRules`).
 */
export function placesOfPersonNow(
  ctx: GongzhiContext,
  personUuid: string,
): { id: string; path: string }[] | Promise<{ id: string; path: string }[]> {
  return personPlacesRead.get(ctx.loaders)?.get(personUuid) ?? placesOfPerson(ctx, personUuid);
}

/**
 * The uuids of the places a person belongs to (see {@link placesOfPerson}, which gives their paths too).
 *
 * @deprecated Use {@link placesOfPerson}; kept for plugins written against core 0.4.
 */
export async function placeIdsOfPerson(ctx: GongzhiContext, personUuid: string): Promise<string[]> {
  return (await placesOfPerson(ctx, personUuid)).map((place) => place.id);
}

/**
 * The paths of the requests a person holds (claimed, assigned, being worked on, or done by them):
 * whoever sees such a request sees who took it, a partner unit's member (接单) included. Only
 * the person row: their care profile and phone number keep to the person's own places.
 */
export function pathsOfRequestsHeldBy(ctx: GongzhiContext, personUuid: string): Promise<{ path: string }[]> {
  return batchLoader<string, { path: string }[]>(ctx, 'scope.heldRequestPaths', async (ids) => {
    const { match, value } = matchKeys(ids);
    const rows = await executeRead<{ assignee_id: string; place_path: string }[]>(
      ctx.em,
      `SELECT DISTINCT assignee_id, place_path FROM request WHERE assignee_id ${match}`,
      [value],
      { byKey: true },
    );
    const byPerson = new Map<string, { path: string }[]>(ids.map((id) => [id, []]));
    for (const row of rows) byPerson.get(row.assignee_id)?.push({ path: row.place_path });
    return ids.map((id) => byPerson.get(id)!);
  }).load(personUuid);
}

/** The place paths of the requests whose rows the scope guard has checked, per operation (its loaders). */
const checkedRequestPaths = new Attached<object, Map<string, { path: string }>>('core.checkedRequestPaths');

/**
 * The place of a request row, for its place rule, remembered for the operation: the rows that
 * hang off the request (its timeline entries) are then checked at once, with no read of the
 * request's path (a board's last timeline entries, one round trip fewer for a scoped caller).
 */
export function placeOfCheckedRequest(ctx: GongzhiContext, request: { uuid: string; placePath: string }): { path: string } {
  let paths = checkedRequestPaths.get(ctx.loaders);
  if (!paths) checkedRequestPaths.set(ctx.loaders, (paths = new Map<string, { path: string }>()));
  let place = paths.get(request.uuid);
  if (place?.path !== request.placePath) paths.set(request.uuid, (place = { path: request.placePath }));
  return place;
}

/**
 * The place of the request `requestUuid` for a row that hangs off it: at once when the
 * operation has checked the request's row ({@link placeOfCheckedRequest}), else read by
 * {@link requestPlacePath}.
 */
export function placeOfRequest(ctx: GongzhiContext, requestUuid: string): { path: string } | Promise<{ path: string } | null> {
  return checkedRequestPaths.get(ctx.loaders)?.get(requestUuid) ?? requestPlacePath(ctx, requestUuid);
}

/** The materialized path of a request's place, batched per operation (for rows that hang off a request). */
export function requestPlacePath(ctx: GongzhiContext, requestUuid: string): Promise<{ path: string } | null> {
  return batchLoader<string, { path: string } | null>(ctx, 'scope.requestPath', async (ids) => {
    const { match, value } = matchKeys(ids);
    const rows = await executeRead<{ id: string; place_path: string }[]>(
      ctx.em,
      `SELECT id, place_path FROM request WHERE id ${match}`,
      [value],
      {
        byKey: true,
      },
    );
    const byId = new Map(rows.map((r) => [r.id, { path: r.place_path }]));
    return ids.map((id) => byId.get(id) ?? null);
  }).load(requestUuid);
}
