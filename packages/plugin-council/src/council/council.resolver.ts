import {
  type GongzhiContext,
  loadByForeignKey,
  loadRelated,
  Organization,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  RefField,
  requireRef,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CouncilMeeting } from '../meeting/meeting.entity.js';
import { addCouncilMember, createCouncil } from './council.commands.js';
import { Council, CouncilKind, CouncilMember, SeatType, VoteCounting, VotingRule } from './council.entity.js';
import { councilsUnder } from './council.queries.js';

@InputType({ description: 'A new council of a community.' })
export class CreateCouncilInput {
  @RefField(() => Place, { description: 'The community (社区) the council serves.' })
  communityId!: Ref<Place>;

  @Field(() => String)
  name!: string;

  @Field(() => CouncilKind, { defaultValue: CouncilKind.NAMED })
  kind!: CouncilKind;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => VotingRule, { defaultValue: VotingRule.SIMPLE_MAJORITY })
  votingRule!: VotingRule;

  @Field(() => VoteCounting, { defaultValue: VoteCounting.PER_SEAT })
  voteCounting!: VoteCounting;

  @Field(() => Int, { defaultValue: 50, description: 'Share (0–100) of the voting weight that must cast a ballot.' })
  quorumPercent!: number;
}

export const CouncilPayload = payloadType('CouncilPayload', 'council', () => Council);
export const CouncilMemberPayload = payloadType('CouncilMemberPayload', 'member', () => CouncilMember);

@Resolver(() => Council)
export class CouncilResolver {
  @Query(() => [Council], { description: 'Councils of communities under a place (or all), optionally of one kind; by name.' })
  async councils(
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Arg('kind', () => CouncilKind, { nullable: true }) kind: CouncilKind | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Council[]> {
    return councilsUnder(ctx, { under: under ? await requireRef(ctx, under) : null, kind: kind ?? null, first });
  }

  @Mutation(() => CouncilPayload, { description: 'Sets up a council for a community: its kind, voting rule, counting and quorum.' })
  createCouncil(@Arg('input', () => CreateCouncilInput) input: CreateCouncilInput, @Ctx() ctx: GongzhiContext) {
    const { communityId, ...rest } = input;
    return perform(ctx, CouncilPayload, createCouncil, { ...rest, community: communityId });
  }

  @Mutation(() => CouncilMemberPayload, {
    description:
      "Gives a person or an organisation (exactly one) a seat on a council. A person of the council's community; an organisation of its subdistrict.",
  })
  addCouncilMember(
    @RefArg('councilId', () => Council) council: Ref<Council>,
    @Arg('seatType', () => SeatType) seatType: SeatType,
    @RefArg('personId', () => Person, { nullable: true }) person: Ref<Person> | null | undefined,
    @RefArg('organizationId', () => Organization, { nullable: true }) organization: Ref<Organization> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilMemberPayload, addCouncilMember, { council, seatType, person, organization });
  }

  @FieldResolver(() => [CouncilMember], { description: 'Seats, in the order they were given.' })
  members(@Root() council: Council, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'council', council.uuid, { createdAt: 'asc' });
  }

  @FieldResolver(() => [CouncilMeeting], { description: 'Meetings, latest first.' })
  meetings(@Root() council: Council, @Ctx() ctx: GongzhiContext): Promise<CouncilMeeting[]> {
    return loadByForeignKey(ctx, CouncilMeeting, 'council', council.uuid, { scheduledAt: 'desc' });
  }
}

@Resolver(() => CouncilMember)
export class CouncilMemberResolver {
  @FieldResolver(() => String, { description: "The holder's name, person or organisation." })
  async name(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<string> {
    const person = await loadRelated(ctx, Person, member.person);
    return person?.name ?? (await loadRelated(ctx, Organization, member.organization))?.name ?? '';
  }
}

/** Adds `Place.councils`. */
@Resolver(() => Place)
export class PlaceCouncilsResolver {
  @FieldResolver(() => [Council], { description: 'Councils of this community (plugin council).' })
  councils(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Council[]> {
    return loadByForeignKey(ctx, Council, 'community', place.uuid, { name: 'asc' });
  }
}

/** Adds `Person.councilSeats`. */
@Resolver(() => Person)
export class PersonCouncilSeatsResolver {
  @FieldResolver(() => [CouncilMember], {
    description: "The person's own seats on councils (organisation seats are on Organization.councilSeats) (plugin council).",
  })
  councilSeats(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'person', person.uuid, { createdAt: 'asc' });
  }
}

/** Adds `Organization.councilSeats`. */
@Resolver(() => Organization)
export class OrganizationCouncilSeatsResolver {
  @FieldResolver(() => [CouncilMember], { description: 'Seats this organisation holds on councils (plugin council).' })
  councilSeats(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'organization', organization.uuid, { createdAt: 'asc' });
  }
}
