import { batchLoader, type GongzhiContext, loadById, Person, type PlaceRule, refId } from '@gongzhi/core';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing.entity.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment.entity.js';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift.entity.js';
import { VolunteerTask } from './task.entity.js';
import { VolunteerTeamMember } from './team-member.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { t } from './db.js';

/** The place of a row that hangs off another row, through the per-operation loader. */
async function placeOf<T extends object>(
  ctx: GongzhiContext,
  entity: new () => T,
  id: string | null,
  place: (row: T) => unknown,
): Promise<string | null> {
  const row = id ? await loadById<T>(ctx, entity, id) : null;
  return row ? refId(place(row)) : null;
}

/**
 * The home places of the teams a person serves in now, batched per operation: a volunteer
 * without household or role in a community (a company's "youth commando") is still someone
 * its staff work with.
 */
function teamPlacesOf(ctx: GongzhiContext, personUuid: string): Promise<string[]> {
  return batchLoader<string, string[]>(ctx, 'volunteer.personTeamPlaces', async (ids) => {
    const rows = await ctx.em.execute<{ person_id: string; home_place_id: string }[]>(
      `SELECT m.person_id, t.home_place_id FROM ${t('team_member')} m JOIN ${t('team')} t ON t.id = m.team_id
        WHERE m.person_id IN (?) AND m.left_on IS NULL`,
      [ids],
    );
    const byPerson = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const row of rows) byPerson.get(row.person_id)?.push(row.home_place_id);
    return ids.map((id) => byPerson.get(id)!);
  }).load(personUuid);
}

/** Which place each volunteer row belongs to: callers see rows under their places, people their own. */
export const volunteerPlaceRules: PlaceRule[] = [
  // Adds to core's rule for Person: a member is seen where their team is at home.
  { entity: Person, place: (person: Person, ctx) => teamPlacesOf(ctx, person.uuid) },
  { entity: VolunteerTeam, place: (team: VolunteerTeam) => refId(team.homePlace) },
  {
    entity: VolunteerTeamMember,
    place: (m: VolunteerTeamMember, ctx) => placeOf(ctx, VolunteerTeam, refId(m.team), (t) => t.homePlace),
    owners: (m: VolunteerTeamMember) => [refId(m.person)],
  },
  { entity: VolunteerRecruitment, place: (r: VolunteerRecruitment) => refId(r.place) },
  {
    entity: VolunteerApplication,
    place: (a: VolunteerApplication, ctx) => placeOf(ctx, VolunteerRecruitment, refId(a.recruitment), (r) => r.place),
    owners: (a: VolunteerApplication) => [refId(a.person)],
  },
  { entity: VolunteerShiftSchedule, place: (s: VolunteerShiftSchedule) => refId(s.place) },
  { entity: VolunteerShift, place: (s: VolunteerShift) => refId(s.place) },
  {
    entity: VolunteerShiftSignup,
    place: (s: VolunteerShiftSignup, ctx) => placeOf(ctx, VolunteerShift, refId(s.shift), (shift) => shift.place),
    owners: (s: VolunteerShiftSignup) => [refId(s.person)],
  },
  {
    entity: VolunteerPairing,
    place: (p: VolunteerPairing) => refId(p.community),
    owners: (p: VolunteerPairing) => [refId(p.volunteer), refId(p.resident)],
  },
  {
    entity: VolunteerPairingVisit,
    place: (v: VolunteerPairingVisit, ctx) => placeOf(ctx, VolunteerPairing, refId(v.pairing), (p) => p.community),
    owners: (v: VolunteerPairingVisit) => [refId(v.visitor)],
  },
  { entity: VolunteerTask, place: (t: VolunteerTask) => refId(t.place), owners: (t: VolunteerTask) => [refId(t.claimedBy)] },
  {
    entity: VolunteerServiceEntry,
    place: (e: VolunteerServiceEntry) => refId(e.community),
    owners: (e: VolunteerServiceEntry) => [refId(e.person)],
  },
];
