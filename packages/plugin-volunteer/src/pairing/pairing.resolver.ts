import { type GongzhiContext, hasMany, payloadType, perform, Person, Place, type Ref, RefArg, RefField } from '@gongzhi/core';
import { Arg, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
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
}

/** A pairing's visit log. */
export const VolunteerPairingVisitsResolver = hasMany(
  () => VolunteerPairing,
  'visits',
  () => VolunteerPairingVisit,
  'pairing',
  {
    order: { keys: ['visitedAt', 'uuid'], direction: 'asc' },
    description: 'The visit log, oldest first, a page at a time.',
  },
);

/** Adds the pairings to a team. */
export const VolunteerTeamPairingsResolver = hasMany(
  () => VolunteerTeam,
  'pairings',
  () => VolunteerPairing,
  'team',
  {
    order: { keys: ['startsOn', 'uuid'], direction: 'asc' },
    description: "The team's pairings, oldest first, a page at a time.",
  },
);
