import { type GongzhiContext, loadByForeignKey, payloadType, perform, Person, Place, type Ref, RefArg, RefField } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';
import { createPairing, endPairing, logPairingVisit } from './pairing.commands.js';
import { VolunteerCareItem, VolunteerPairing, VolunteerPairingVisit } from './pairing.entity.js';

export const VolunteerPairingPayload = payloadType('VolunteerPairingPayload', 'pairing', () => VolunteerPairing);
export const VolunteerPairingVisitPayload = payloadType('VolunteerPairingVisitPayload', 'visit', () => VolunteerPairingVisit);

@InputType({ description: 'A pairing (结对): a team or one volunteer with a resident in need of its community.' })
export class CreateVolunteerPairingInput {
  @RefField(() => Person, { description: "The resident in need, of the team's (or the volunteer's) community." })
  residentId!: Ref<Person>;

  @RefField(() => VolunteerTeam, { nullable: true, description: 'The paired team (give this or volunteerId).' })
  teamId?: Ref<VolunteerTeam> | null;

  @RefField(() => Person, { nullable: true, description: 'The paired volunteer, the signed-in person (give this or teamId).' })
  volunteerId?: Ref<Person> | null;

  @RefField(() => Place, { nullable: true, description: "The community; defaults to the resident's household's community." })
  communityId?: Ref<Place> | null;

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
  @Mutation(() => VolunteerPairingPayload, {
    description:
      'Pairs a team (its leaders decide) or a volunteer (themselves) with a resident in need of its community from a date, with a care plan.',
  })
  createVolunteerPairing(@Arg('input', () => CreateVolunteerPairingInput) input: CreateVolunteerPairingInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerPairingPayload, createPairing, {
      resident: input.residentId,
      team: input.teamId ?? null,
      volunteer: input.volunteerId ?? null,
      community: input.communityId ?? null,
      startsOn: input.startsOn,
      carePlan: input.carePlan,
      notes: input.notes ?? null,
    });
  }

  @Mutation(() => VolunteerPairingVisitPayload, {
    description: 'Logs a visit to the paired resident by the signed-in volunteer (the paired volunteer or a member of the paired team).',
  })
  logVolunteerPairingVisit(
    @RefArg('pairingId', () => VolunteerPairing) pairing: Ref<VolunteerPairing>,
    @Arg('careItems', () => [VolunteerCareItem]) careItems: VolunteerCareItem[],
    @Arg('note', () => String, { defaultValue: '' }) note: string,
    @Arg('visitedAt', () => Date, { nullable: true, description: 'When; now when omitted. Not in the future.' })
    visitedAt: Date | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerPairingVisitPayload, logPairingVisit, { pairing, careItems, note, visitedAt });
  }

  @Mutation(() => VolunteerPairingPayload, {
    description: 'Ends a pairing on a day (the paired volunteer, or a leader of the paired team).',
  })
  endVolunteerPairing(
    @RefArg('pairingId', () => VolunteerPairing) pairing: Ref<VolunteerPairing>,
    @Arg('endsOn', () => String, { description: 'YYYY-MM-DD' }) endsOn: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerPairingPayload, endPairing, { pairing, endsOn });
  }

  @FieldResolver(() => [VolunteerPairingVisit], { description: 'The visit log, oldest first.' })
  visits(@Root() pairing: VolunteerPairing, @Ctx() ctx: GongzhiContext): Promise<VolunteerPairingVisit[]> {
    return loadByForeignKey(ctx, VolunteerPairingVisit, 'pairing', pairing.uuid, { visitedAt: 'asc' });
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
