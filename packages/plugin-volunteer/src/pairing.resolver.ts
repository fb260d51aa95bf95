import {
  actingPerson,
  type GongzhiContext,
  loadById,
  loadByForeignKey,
  Person,
  Place,
  PlaceType,
  refId,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { VolunteerPairing, VolunteerPairingVisit } from './pairing.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerCareItem } from './volunteer.enums.js';
import { activeMembership, communityOf, inTransaction, localDate, requireLeader } from './volunteer.support.js';

@InputType({ description: 'A pairing (结对): a team or one volunteer with a resident in need.' })
export class CreateVolunteerPairingInput {
  @Field(() => ID, { description: 'The resident in need.' })
  residentId!: string;

  @Field(() => ID, { nullable: true, description: 'The paired team (give this or volunteerId).' })
  teamId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The paired volunteer (give this or teamId).' })
  volunteerId?: string | null;

  @Field(() => ID, { nullable: true, description: "The community; defaults to the resident's household's community." })
  communityId?: string | null;

  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  startsOn!: string;

  @Field(() => [VolunteerCareItem], { description: 'The care plan.' })
  carePlan!: VolunteerCareItem[];

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

/** Pairing (结对) and its visit log. */
@Resolver(() => VolunteerPairing)
export class VolunteerPairingResolver {
  @Mutation(() => VolunteerPairing, {
    description:
      'Pairs a team (its leaders decide) or a volunteer (themselves or, for their team, a leader) with a resident in need from a date, with a care plan.',
  })
  async createVolunteerPairing(
    @Arg('input', () => CreateVolunteerPairingInput) input: CreateVolunteerPairingInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerPairing> {
    const actor = await actingPerson(ctx);
    if (Boolean(input.teamId) === Boolean(input.volunteerId)) {
      throw userError(
        'BAD_USER_INPUT',
        'Give exactly one of "input.teamId" (a team pairs) or "input.volunteerId" (one volunteer pairs).',
        'input.teamId',
      );
    }
    const startsOn = requireIsoDate(input.startsOn, 'input.startsOn');
    if (input.carePlan.length === 0)
      throw userError(
        'BAD_USER_INPUT',
        '"input.carePlan" must name at least one item (escort to hospital, medicine, housework…).',
        'input.carePlan',
      );
    return inTransaction(ctx, async ({ em, emit }) => {
      const resident = await requirePerson(em, input.residentId, 'input.residentId');
      let team: VolunteerTeam | null = null;
      let volunteer: Person | null = null;
      if (input.teamId) {
        team = await requireEntity(em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId');
        await requireLeader(em, team, actor, 'pair the team with a resident');
      } else {
        volunteer = await requirePerson(em, input.volunteerId!, 'input.volunteerId');
        if (volunteer.uuid === resident.uuid)
          throw userError('BAD_USER_INPUT', 'A volunteer cannot be paired with themselves.', 'input.volunteerId');
        if (volunteer.uuid !== actor.uuid) {
          throw userError(
            'FORBIDDEN',
            'A volunteer pairs themselves with a resident; to pair a team, give "input.teamId".',
            'input.volunteerId',
          );
        }
      }
      let community: Place | null;
      if (input.communityId) {
        community = await requirePlace(em, input.communityId, 'input.communityId', [PlaceType.COMMUNITY]);
      } else {
        const household = resident.household ? await em.findOne(Place, { uuid: refId(resident.household)! }) : null;
        community = household ? await communityOf(em, household) : null;
        if (!community)
          throw userError(
            'BAD_USER_INPUT',
            `${resident.name} has no household in a community: give "input.communityId".`,
            'input.communityId',
          );
      }
      const pairing = em.create(VolunteerPairing, {
        team,
        volunteer,
        resident,
        community,
        startsOn,
        carePlan: [...new Set(input.carePlan)],
        notes: input.notes?.trim() || null,
      });
      await em.flush();
      await emit('volunteer.pairing-created', { pairingId: pairing.uuid, residentId: resident.uuid, placePath: community.path });
      return pairing;
    });
  }

  @Mutation(() => VolunteerPairingVisit, {
    description: 'Logs a visit to the paired resident by the signed-in volunteer (the paired volunteer or a member of the paired team).',
  })
  async logVolunteerPairingVisit(
    @Arg('pairingId', () => ID) pairingId: string,
    @Arg('careItems', () => [VolunteerCareItem]) careItems: VolunteerCareItem[],
    @Arg('note', () => String, { defaultValue: '' }) note: string,
    @Arg('visitedAt', () => Date, { nullable: true, description: 'When; now when omitted. Not in the future.' })
    visitedAt: Date | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerPairingVisit> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerPairing, 'VolunteerPairing', pairingId, 'pairingId');
    const visitor = await actingPerson(ctx);
    const at = visitedAt ?? ctx.now();
    if (at.getTime() > ctx.now().getTime())
      throw userError('BAD_USER_INPUT', `"visitedAt" must not be in the future; it is ${at.toISOString()}.`, 'visitedAt');
    return inTransaction(ctx, async ({ em, emit }) => {
      const pairing = await requireEntity(em, VolunteerPairing, 'VolunteerPairing', pairingId, 'pairingId');
      if (pairing.endsOn && pairing.endsOn < localDate(at))
        throw userError('PAIRING_ENDED', `This pairing ended on ${pairing.endsOn}.`, 'pairingId');
      if (localDate(at) < pairing.startsOn)
        throw userError('BAD_USER_INPUT', `This pairing starts on ${pairing.startsOn}; the visit is before that.`, 'visitedAt');
      const teamId = refId(pairing.team);
      const allowed = teamId
        ? Boolean(await activeMembership(em, em.getReference(VolunteerTeam, teamId), visitor))
        : refId(pairing.volunteer) === visitor.uuid;
      if (!allowed)
        throw userError('FORBIDDEN', `${visitor.name} is not the paired volunteer nor a member of the paired team.`, 'pairingId');
      const visit = em.create(VolunteerPairingVisit, {
        pairing,
        visitor,
        visitedAt: at,
        careItems: [...new Set(careItems)],
        note: note.trim(),
      });
      await em.flush();
      const community = await em.findOneOrFail(Place, { uuid: refId(pairing.community)! });
      await emit('volunteer.pairing-visited', { pairingId: pairing.uuid, visitId: visit.uuid, placePath: community.path });
      return visit;
    });
  }

  @Mutation(() => VolunteerPairing, { description: 'Ends a pairing on a day (the paired volunteer, or a leader of the paired team).' })
  async endVolunteerPairing(
    @Arg('pairingId', () => ID) pairingId: string,
    @Arg('endsOn', () => String, { description: 'YYYY-MM-DD' }) endsOnArg: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerPairing> {
    const actor = await actingPerson(ctx);
    const endsOn = requireIsoDate(endsOnArg, 'endsOn');
    return inTransaction(ctx, async ({ em }) => {
      const pairing = await requireEntity(em, VolunteerPairing, 'VolunteerPairing', pairingId, 'pairingId');
      const teamId = refId(pairing.team);
      if (teamId) await requireLeader(em, await em.findOneOrFail(VolunteerTeam, { uuid: teamId }), actor, 'end the pairing');
      else if (refId(pairing.volunteer) !== actor.uuid)
        throw userError('FORBIDDEN', 'Only the paired volunteer ends this pairing.', 'pairingId');
      if (pairing.endsOn) throw userError('PAIRING_ENDED', `This pairing already ended on ${pairing.endsOn}.`, 'pairingId');
      if (endsOn < pairing.startsOn) throw userError('BAD_USER_INPUT', `"endsOn" must be on or after ${pairing.startsOn}.`, 'endsOn');
      pairing.endsOn = endsOn;
      await em.flush();
      return pairing;
    });
  }

  @FieldResolver(() => VolunteerTeam, { nullable: true })
  team(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> | null {
    const id = refId(pairing.team);
    return id ? loadById(ctx, VolunteerTeam, id) : null;
  }

  @FieldResolver(() => Person, { nullable: true })
  volunteer(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(pairing.volunteer);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => Person)
  async resident(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(pairing.resident)!))!;
  }

  @FieldResolver(() => Place)
  async community(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(pairing.community)!))!;
  }

  @FieldResolver(() => [VolunteerPairingVisit], { description: 'The visit log, oldest first.' })
  visits(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<VolunteerPairingVisit[]> {
    return loadByForeignKey(ctx, VolunteerPairingVisit, 'pairing', pairing.uuid, { visitedAt: 'asc' });
  }
}

@Resolver(() => VolunteerPairingVisit)
export class VolunteerPairingVisitResolver {
  @FieldResolver(() => Person)
  async visitor(@Root() visit: VolunteerPairingVisit, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(visit.visitor)!))!;
  }
}

/** Adds the pairings to a team. */
@Resolver(() => VolunteerTeam)
export class VolunteerTeamPairingsResolver {
  @FieldResolver(() => [VolunteerPairing], { description: "The team's pairings, oldest first." })
  pairings(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<VolunteerPairing[]> {
    return loadByForeignKey(ctx, VolunteerPairing, 'team', team.uuid, { startsOn: 'asc' });
  }
}
