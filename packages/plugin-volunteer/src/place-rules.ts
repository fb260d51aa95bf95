import { type GongzhiContext, loadById, Person, type PlaceRule, refId } from '@gongzhi/core';
import { VolunteerServiceEntry } from './hours/hours.entity.js';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing/pairing.entity.js';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment/recruitment.entity.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift/shift.entity.js';
import { VolunteerTask } from './task/task.entity.js';
import { VolunteerTeam, VolunteerTeamMember } from './team/team.entity.js';
import { currentMembers, teamHomePlacesOf, volunteerAcquaintancesOf } from './team/team.queries.js';

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

/** The people serving in a team now (leaders included): a team's own rows are theirs to see, wherever their households are. */
async function membersOf(ctx: GongzhiContext, teamId: string | null): Promise<string[]> {
  return teamId ? (await currentMembers(ctx, teamId)).map((m) => refId(m.person)!) : [];
}

/**
 * Which place each volunteer row belongs to: callers see rows under their places, people their own.
 * A team and what it does (its roster, pairings, visits) are also its current members' to see: a
 * courtyard head (院长) whose role is at her building leads a team at home in the community above
 * it, and its members are often residents with a household and no role.
 */
export const volunteerPlaceRules: PlaceRule[] = [
  // Adds to core's rule for Person: a member is seen where their team is at home (a youth commando without household or role here).
  // Team-mates see each other (a leader her members, whoever they are); carers and the resident they look after too.
  {
    entity: Person,
    place: (person: Person, ctx) => teamHomePlacesOf(ctx, person.uuid),
    owners: (person: Person, ctx) => volunteerAcquaintancesOf(ctx, person.uuid),
  },
  // A team is also seen from below its home: the residents of its community find it by its calls.
  {
    entity: VolunteerTeam,
    place: (team: VolunteerTeam) => refId(team.homePlace),
    owners: (team: VolunteerTeam, ctx) => membersOf(ctx, team.uuid),
    visibleFromBelow: true,
  },
  {
    entity: VolunteerTeamMember,
    place: (m: VolunteerTeamMember, ctx) => placeOf(ctx, VolunteerTeam, refId(m.team), (t) => t.homePlace),
    owners: async (m: VolunteerTeamMember, ctx) => [refId(m.person), ...(await membersOf(ctx, refId(m.team)))],
  },
  // A call is for the people of its place: the residents of a building see the call posted for it.
  {
    entity: VolunteerRecruitment,
    place: (r: VolunteerRecruitment) => refId(r.place),
    owners: (r: VolunteerRecruitment, ctx) => membersOf(ctx, refId(r.team)),
    visibleFromBelow: true,
  },
  {
    entity: VolunteerApplication,
    place: (a: VolunteerApplication, ctx) => placeOf(ctx, VolunteerRecruitment, refId(a.recruitment), (r) => r.place),
    owners: (a: VolunteerApplication) => [refId(a.person)],
  },
  // A team's rota is its members' to see (and sign up for), wherever they live.
  {
    entity: VolunteerShiftSchedule,
    place: (s: VolunteerShiftSchedule) => refId(s.place),
    owners: (s: VolunteerShiftSchedule, ctx) => membersOf(ctx, refId(s.team)),
  },
  {
    entity: VolunteerShift,
    place: (s: VolunteerShift) => refId(s.place),
    owners: (s: VolunteerShift, ctx) => membersOf(ctx, refId(s.team)),
  },
  {
    entity: VolunteerShiftSignup,
    place: (s: VolunteerShiftSignup, ctx) => placeOf(ctx, VolunteerShift, refId(s.shift), (shift) => shift.place),
    owners: (s: VolunteerShiftSignup) => [refId(s.person)],
  },
  {
    entity: VolunteerPairing,
    place: (p: VolunteerPairing) => refId(p.community),
    owners: async (p: VolunteerPairing, ctx) => [refId(p.volunteer), refId(p.resident), ...(await membersOf(ctx, refId(p.team)))],
  },
  {
    entity: VolunteerPairingVisit,
    place: (v: VolunteerPairingVisit, ctx) => placeOf(ctx, VolunteerPairing, refId(v.pairing), (p) => p.community),
    owners: async (v: VolunteerPairingVisit, ctx) => {
      const pairingId = refId(v.pairing);
      const pairing = pairingId ? await loadById<VolunteerPairing>(ctx, VolunteerPairing, pairingId) : null;
      return [refId(v.visitor), ...(pairing ? await membersOf(ctx, refId(pairing.team)) : [])];
    },
  },
  // A task limited to one team is also its members' to see (and claim).
  {
    entity: VolunteerTask,
    place: (t: VolunteerTask) => refId(t.place),
    owners: async (t: VolunteerTask, ctx) => [refId(t.claimedBy), ...(await membersOf(ctx, refId(t.team)))],
  },
  {
    entity: VolunteerServiceEntry,
    place: (e: VolunteerServiceEntry) => refId(e.community),
    owners: (e: VolunteerServiceEntry) => [refId(e.person)],
  },
];
