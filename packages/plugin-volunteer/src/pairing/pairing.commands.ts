import {
  defineCommand,
  type Named,
  type Person,
  Place,
  PlaceType,
  refId,
  requireIsoDate,
  type Resolved,
  type UnitOfWork,
} from '@gongzhi/core';
import { serviceDay } from '../calendar.js';
import { communityOf } from '../community.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { activeMembership, requireLeader } from '../team/team.queries.js';
import { type VolunteerCareItem, VolunteerPairing, VolunteerPairingVisit } from './pairing.entity.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

/** Pairing (结对): a team or one volunteer looks after a resident in need, with a care plan and a visit log. */

/** A pairing, as the team's leader or the volunteer gives it. */
export interface NewPairing {
  resident: Named<Person>;
  team?: Named<VolunteerTeam> | null;
  volunteer?: Named<Person> | null;
  /** The community the pairing belongs to; by default the resident's household's. */
  community?: Named<Place> | null;
  startsOn: string;
  carePlan: VolunteerCareItem[];
  notes?: string | null;
}

/** Refuses unless the actor may pair this side: a team by its leaders, a volunteer only themselves. */
async function requirePairingSide(uow: UnitOfWork, actor: Person, input: Resolved<NewPairing>): Promise<void> {
  if (input.team) return requireLeader(uow.em, input.team, actor, volunteerPhrases.pairTeam, 'input.teamId');
  const volunteer = input.volunteer!;
  if (volunteer.uuid === input.resident.uuid) throw volunteerMessages.volunteerCannotPairedThemselves.error('input.volunteerId');
  if (volunteer.uuid !== actor.uuid) {
    throw volunteerMessages.volunteerPairsThemselvesResident.error('input.volunteerId');
  }
}

/** The pairing's community: the one given (a place of type community), or the resident's household's. */
async function pairingCommunity(uow: UnitOfWork, resident: Person, given: Place | null | undefined): Promise<{ id: string; path: string }> {
  if (given) {
    if (given.type !== PlaceType.COMMUNITY) {
      throw volunteerMessages.pairingCommunityNotCommunity.error({ givenName: given.name, givenType: given.type }, 'input.communityId');
    }
    return { id: given.uuid, path: given.path };
  }
  const householdId = refId(resident.household);
  const household = householdId ? await uow.em.findOne(Place, { uuid: householdId }) : null;
  const community = household ? await communityOf(uow, household) : null;
  if (!community) {
    throw volunteerMessages.householdCommunityGiveInput.error({ residentName: resident.name }, 'input.communityId');
  }
  return community;
}

/** Pairs a team (its leaders decide) or a volunteer (themselves) with a resident in need from a date, with a care plan. */
export const createPairing = defineCommand<NewPairing, VolunteerPairing>({
  name: 'volunteer.createPairing',
  // A pairing belongs to the resident's community: the resident must live (or serve) there.
  links: { resident: { to: 'community' } },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const { resident, team, volunteer } = input;
    if (Boolean(team) === Boolean(volunteer)) {
      throw volunteerMessages.giveExactlyOneInput.error('input.teamId');
    }
    const startsOn = requireIsoDate(input.startsOn, 'input.startsOn');
    if (input.carePlan.length === 0) {
      throw volunteerMessages.inputCareplanNameLeast.error('input.carePlan');
    }
    await requirePairingSide(uow, actor, input);
    // Neighbours pair: one side given, so checked here rather than declared in links.
    await uow.requireWithin(resident, (team ?? volunteer)!, 'input.residentId', {
      to: PlaceType.COMMUNITY,
      reason: 'A team, or one volunteer, looks after a resident of its own community: a neighbour they can visit every week.',
    });
    const community = await pairingCommunity(uow, resident, input.community);
    const pairing = uow.em.create(VolunteerPairing, {
      team: team ?? null,
      volunteer: volunteer ?? null,
      resident,
      community: uow.em.getReference(Place, community.id),
      startsOn,
      carePlan: [...new Set(input.carePlan)],
      notes: input.notes?.trim() || null,
    });
    await uow.em.flush();
    await uow.emit('volunteer.pairing-created', { pairingId: pairing.uuid, residentId: resident.uuid, placePath: community.path });
    return pairing;
  },
});

/** The paired volunteer, or a member of the paired team, logs a visit to the resident. */
export const logPairingVisit = defineCommand<
  { pairing: Named<VolunteerPairing>; careItems: VolunteerCareItem[]; note: string; visitedAt?: Date | null },
  VolunteerPairingVisit
>({
  name: 'volunteer.logPairingVisit',
  async run(uow, { pairing, careItems, note, visitedAt }) {
    const visitor = await uow.actingPerson();
    const at = visitedAt ?? uow.now();
    if (at.getTime() > uow.now().getTime()) {
      throw volunteerMessages.visitedatFuture.error({ at: at.toISOString() }, 'visitedAt');
    }
    const day = serviceDay(uow, at);
    if (pairing.endsOn && pairing.endsOn < day) throw volunteerMessages.pairingEnded.error({ endsOn: pairing.endsOn }, 'pairingId');
    if (day < pairing.startsOn) {
      throw volunteerMessages.pairingStartsVisitBefore.error({ startsOn: pairing.startsOn }, 'visitedAt');
    }
    const teamId = refId(pairing.team);
    const allowed = teamId
      ? Boolean(await activeMembership(uow.em, uow.em.getReference(VolunteerTeam, teamId), visitor))
      : refId(pairing.volunteer) === visitor.uuid;
    if (!allowed) throw volunteerMessages.pairedVolunteerNorMember.error({ visitorName: visitor.name }, 'pairingId');
    const visit = uow.em.create(VolunteerPairingVisit, {
      pairing,
      visitor,
      visitedAt: at,
      careItems: [...new Set(careItems)],
      note: note.trim(),
    });
    await uow.em.flush();
    const community = await uow.em.findOneOrFail(Place, { uuid: refId(pairing.community)! });
    await uow.emit('volunteer.pairing-visited', { pairingId: pairing.uuid, visitId: visit.uuid, placePath: community.path });
    return visit;
  },
});

/** Ends a pairing on a day: the paired volunteer, or a leader of the paired team. */
export const endPairing = defineCommand<{ pairing: Named<VolunteerPairing>; endsOn: string }, VolunteerPairing>({
  name: 'volunteer.endPairing',
  async run(uow, { pairing, endsOn: day }) {
    const actor = await uow.actingPerson();
    const endsOn = requireIsoDate(day, 'endsOn');
    const teamId = refId(pairing.team);
    if (teamId)
      await requireLeader(
        uow.em,
        await uow.em.findOneOrFail(VolunteerTeam, { uuid: teamId }),
        actor,
        volunteerPhrases.endPairing,
        'pairingId',
      );
    else if (refId(pairing.volunteer) !== actor.uuid) throw volunteerMessages.onlyPairedVolunteerEnds.error('pairingId');
    if (pairing.endsOn) throw volunteerMessages.pairingAlreadyEnded.error({ endsOn: pairing.endsOn }, 'pairingId');
    if (endsOn < pairing.startsOn) throw volunteerMessages.endsonAfter.error({ startsOn: pairing.startsOn }, 'endsOn');
    pairing.endsOn = endsOn;
    await uow.em.flush();
    return pairing;
  },
});
