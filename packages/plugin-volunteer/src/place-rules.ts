import { type GongzhiContext, loadById, Person, type PlaceRule, refId } from '@gongzhi/core';
import { VolunteerServiceEntry } from './hours/hours.entity.js';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing/pairing.entity.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment/recruitment.entity.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift/shift.entity.js';
import { VolunteerTask } from './task/task.entity.js';
import { VolunteerTeam, VolunteerTeamMember } from './team/team.entity.js';
import { teamHomePlacesOf } from './team/team.queries.js';

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

/** Which place each volunteer row belongs to: callers see rows under their places, people their own. */
export const volunteerPlaceRules: PlaceRule[] = [
  // Adds to core's rule for Person: a member is seen where their team is at home (a youth commando without household or role here).
  { entity: Person, place: (person: Person, ctx) => teamHomePlacesOf(ctx, person.uuid) },
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
