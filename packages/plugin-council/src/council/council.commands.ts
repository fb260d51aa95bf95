import {
  defineCommand,
  type DomainError,
  type Named,
  type Organization,
  type Person,
  type Place,
  PlaceType,
  type UnitOfWork,
} from '@gongzhi/core';
import { CouncilPermission } from '../permissions.js';
import { Council, type CouncilKind, CouncilMember, seatName, type SeatType, type VoteCounting, type VotingRule } from './council.entity.js';
import { seatsOf, withCommunity } from './council.queries.js';
import { councilMessages } from '../messages.js';
import { openProposalCount } from '../proposal/proposal.queries.js';

/**
 * Organisations that hold seats and own shares of the work may be registered outside the
 * council's community: the linking rule for them reaches the whole subdistrict.
 */
export const ORGANISATIONS_OF_THE_SUBDISTRICT = {
  to: PlaceType.SUBDISTRICT,
  reason:
    'A five-party council seats the property company and co-building units (驻区单位), and gives them shares of the work: they serve the community but are often registered at an office elsewhere in the subdistrict.',
};

/** `value` trimmed; BAD_USER_INPUT naming `field` when nothing is left. */
export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw councilMessages.textEmpty.error({ field }, field);
  return trimmed;
}

function notAMember(person: Person, council: Council): DomainError {
  return councilMessages.holdsSeatMemberOrganisation.error({ personName: person.name, councilName: council.name });
}

/**
 * The signed-in person, when they sit on `council` (their own seat, or through an
 * organisation's): only members convene meetings, propose, close votes, open polls and decide.
 */
export async function requireMember(uow: UnitOfWork, council: Council): Promise<Person> {
  const person = await uow.actingPerson();
  if (!(await seatsOf(uow, council, person.uuid)).length) throw notAMember(person, council);
  return person;
}

/** The seat the signed-in person acts for: `seat` if given (it must be one of theirs), else their only one. */
export async function requireSeat(
  uow: UnitOfWork,
  council: Council,
  seat: CouncilMember | null | undefined,
): Promise<{ person: Person; seat: CouncilMember }> {
  const person = await uow.actingPerson();
  const seats = await seatsOf(uow, council, person.uuid);
  const [only] = seats;
  if (!only) throw notAMember(person, council);
  if (seat) {
    const own = seats.find((s) => s.uuid === seat.uuid);
    if (!own) {
      const names = seats.map(seatName).join(', ');
      throw councilMessages.mayActSeatThey.error({ personName: person.name, names }, 'memberId');
    }
    return { person, seat: own };
  }
  if (seats.length > 1) {
    throw councilMessages.mayActSeveralSeats.error({ personName: person.name, map: seats.map(seatName).join(', ') }, 'memberId');
  }
  return { person, seat: only };
}

/**
 * Vacates a seat (its holder resigned or moved away; an organisation left the council): from then
 * on nobody acts for it, it no longer counts towards a vote it did not cast, and its holder no
 * longer sees the council's business as a member. It keeps its ballots and attendance, and its
 * holder may be seated again. Community staff do it (`council.manage`).
 */
export const vacateCouncilSeat = defineCommand<{ member: Named<CouncilMember> }, CouncilMember>({
  name: 'council.vacateSeat',
  lock: ['member'],
  async run(uow, { member }) {
    const council = await withCommunity(uow, await uow.em.findOneOrFail(Council, { uuid: member.council.uuid }));
    uow.actor.authorize(CouncilPermission.MANAGE, council.community.path);
    if (member.vacatedAt) {
      throw councilMessages.seatAlreadyVacated.error({ vacatedAt: member.vacatedAt.toISOString(), councilName: council.name }, 'id');
    }
    member.vacatedAt = uow.now();
    await uow.em.flush();
    return member;
  },
});

/** A quorum as a share of the voting weight: a whole number from 0 to 100. */
function requireQuorum(quorum: number): number {
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > 100) {
    throw councilMessages.inputQuorumpercentWholeNumber.error({ quorum }, 'input.quorumPercent');
  }
  return quorum;
}

/** What {@link updateCouncil} changes: a key left out (undefined or null) stays as it is. */
export interface CouncilChanges {
  name?: string | null;
  /** Blank clears it. */
  description?: string | null;
  votingRule?: VotingRule | null;
  voteCounting?: VoteCounting | null;
  quorumPercent?: number | null;
}

/**
 * Renames a council or changes how it decides (its rule, counting or quorum, as its members agreed);
 * community staff (`council.manage`) do it. How it decides does not change under an open vote: a
 * proposal still open is closed first (each closed proposal keeps the rule it was decided by).
 */
export const updateCouncil = defineCommand<{ council: Named<Council> } & CouncilChanges, Council>({
  name: 'council.update',
  lock: ['council'],
  async run(uow, { council, name, description, votingRule, voteCounting, quorumPercent }) {
    await withCommunity(uow, council);
    uow.actor.authorize(CouncilPermission.MANAGE, council.community.path);
    if (name != null) {
      const trimmed = requireText(name, 'input.name');
      if (trimmed !== council.name && (await uow.em.count(Council, { community: council.community, name: trimmed }))) {
        throw councilMessages.alreadyCouncilNamedChoose.error({ communityName: council.community.name, name: trimmed }, 'input.name');
      }
      council.name = trimmed;
    }
    if (description !== undefined && description !== null) council.description = description.trim() || null;
    const rules = {
      votingRule: votingRule ?? council.votingRule,
      voteCounting: voteCounting ?? council.voteCounting,
      quorumPercent: quorumPercent == null ? council.quorumPercent : requireQuorum(quorumPercent),
    };
    const changed = (Object.keys(rules) as (keyof typeof rules)[]).filter((key) => rules[key] !== council[key]);
    if (changed.length) {
      const open = await openProposalCount(uow, { councilId: council.uuid });
      if (open) throw councilMessages.rulesChangeUnderOpenVote.error({ open, councilName: council.name }, `input.${changed[0]}`);
      Object.assign(council, rules);
    }
    await uow.em.flush();
    return council;
  },
});

/** What a new council needs. */
export interface NewCouncil {
  community: Named<Place>;
  name: string;
  kind: CouncilKind;
  description?: string | null;
  votingRule: VotingRule;
  voteCounting: VoteCounting;
  quorumPercent: number;
}

/**
 * Sets up a council of a community; community staff (`council.manage` there) do it. The
 * permission is checked at the community, once it is resolved: to a caller who cannot see the
 * community it does not exist (NOT_FOUND), whatever they may do elsewhere.
 */
export const createCouncil = defineCommand<NewCouncil, Council>({
  name: 'council.create',
  async run(uow, input) {
    const { community } = input;
    uow.actor.authorize(CouncilPermission.MANAGE, community.path);
    if (community.type !== PlaceType.COMMUNITY) {
      throw councilMessages.inputCommunityidCommunity.error(
        { communityName: community.name, communityType: community.type },
        'input.communityId',
      );
    }
    const name = requireText(input.name, 'input.name');
    const quorum = requireQuorum(input.quorumPercent);
    if (await uow.em.count(Council, { community, name })) {
      throw councilMessages.alreadyCouncilNamedChoose.error({ communityName: community.name, name }, 'input.name');
    }
    const council = uow.em.create(Council, {
      name,
      kind: input.kind,
      description: input.description?.trim() || null,
      votingRule: input.votingRule,
      voteCounting: input.voteCounting,
      quorumPercent: quorum,
      community,
    });
    await uow.em.flush();
    return council;
  },
});

/**
 * Gives a person or an organisation (exactly one) a seat on a council; community staff do it.
 * A person must belong to the council's community (live or hold a role on its line of places);
 * an organisation may be registered anywhere in its subdistrict.
 */
export const addCouncilMember = defineCommand<
  { council: Named<Council>; seatType: SeatType; person?: Named<Person> | null; organization?: Named<Organization> | null },
  CouncilMember
>({
  name: 'council.addMember',
  links: { person: { to: 'council' }, organization: { to: 'council', widen: ORGANISATIONS_OF_THE_SUBDISTRICT } },
  async run(uow, { council, seatType, person, organization }) {
    await withCommunity(uow, council);
    uow.actor.authorize(CouncilPermission.MANAGE, council.community.path);
    if (!person === !organization) {
      throw councilMessages.seatHeldPersonOrganisation.error(person ? 'organizationId' : 'personId');
    }
    const holder = person ? { person } : { organization: organization! };
    if (await uow.em.count(CouncilMember, { council, ...holder, vacatedAt: null })) {
      throw councilMessages.alreadyHoldsSeatPerson.error(
        { name: (person ?? organization)!.name, councilName: council.name },
        person ? 'personId' : 'organizationId',
      );
    }
    const member = uow.em.create(CouncilMember, { council, seatType, person: person ?? null, organization: organization ?? null });
    await uow.em.flush();
    return member;
  },
});
