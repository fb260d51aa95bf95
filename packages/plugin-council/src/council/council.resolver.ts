import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  hasMany,
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
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { EARLIEST_FIRST } from '../db.js';
import { CouncilMeeting } from '../meeting/meeting.entity.js';
import { addCouncilMember, createCouncil, updateCouncil, vacateCouncilSeat } from './council.commands.js';
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

@InputType({
  description: 'Changes to a council: a field left out stays as it is. How it decides changes only while no proposal of it is open.',
})
export class UpdateCouncilInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Blank removes it.' })
  description?: string | null;

  @Field(() => VotingRule, { nullable: true })
  votingRule?: VotingRule | null;

  @Field(() => VoteCounting, { nullable: true })
  voteCounting?: VoteCounting | null;

  @Field(() => Int, { nullable: true, description: 'Share (0–100) of the voting weight that must cast a ballot.' })
  quorumPercent?: number | null;
}

const CouncilConnection = connectionType(Council);

export const CouncilPayload = payloadType('CouncilPayload', 'council', () => Council);
export const CouncilMemberPayload = payloadType('CouncilMemberPayload', 'member', () => CouncilMember);

@Resolver(() => Council)
export class CouncilResolver {
  @Query(() => CouncilConnection, {
    description: 'Councils of communities under a place (or all), optionally of one kind; by name, a page at a time.',
  })
  async councils(
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Arg('kind', () => CouncilKind, { nullable: true }) kind: CouncilKind | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Council>> {
    return councilsUnder(ctx, { under: under ? await requireRef(ctx, under) : null, kind: kind ?? null }, page);
  }

  @Mutation(() => CouncilPayload, { description: 'Sets up a council for a community: its kind, voting rule, counting and quorum.' })
  createCouncil(@Arg('input', () => CreateCouncilInput) input: CreateCouncilInput, @Ctx() ctx: GongzhiContext) {
    const { communityId, ...rest } = input;
    return perform(ctx, CouncilPayload, createCouncil, { ...rest, community: communityId });
  }

  @Mutation(() => CouncilPayload, {
    description:
      'Renames a council or changes how it decides (rule, counting, quorum); community staff do it, and how it decides only while none of its proposals is open.',
  })
  updateCouncil(
    @RefArg('id', () => Council) council: Ref<Council>,
    @Arg('input', () => UpdateCouncilInput) input: UpdateCouncilInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilPayload, updateCouncil, { council, ...input });
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

  @Mutation(() => CouncilMemberPayload, {
    description:
      'Vacates a seat (its holder resigned, moved away or left): nobody acts for it any more and it no longer counts towards a vote it did not cast; it keeps its ballots and attendance. Its holder may be seated again.',
  })
  vacateCouncilSeat(@RefArg('id', () => CouncilMember) member: Ref<CouncilMember>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, CouncilMemberPayload, vacateCouncilSeat, { member });
  }
}

/** Adds `Council.members`. */
export const CouncilMembersResolver = hasMany(
  () => Council,
  'members',
  () => CouncilMember,
  'council',
  {
    order: EARLIEST_FIRST,
    description: 'Seats, in the order they were given, a page at a time.',
  },
);

/** Adds `Council.meetings`. */
export const CouncilMeetingsResolver = hasMany(
  () => Council,
  'meetings',
  () => CouncilMeeting,
  'council',
  {
    order: { keys: ['scheduledAt', 'uuid'], direction: 'desc' },
    description: 'Meetings, latest first, a page at a time.',
  },
);

@Resolver(() => CouncilMember)
export class CouncilMemberResolver {
  @FieldResolver(() => String, { description: "The holder's name, person or organisation." })
  async name(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<string> {
    const person = await loadRelated(ctx, Person, member.person);
    return person?.name ?? (await loadRelated(ctx, Organization, member.organization))?.name ?? '';
  }
}

/** Adds `Place.councils`. */
export const PlaceCouncilsResolver = hasMany(
  () => Place,
  'councils',
  () => Council,
  'community',
  {
    order: { keys: ['name', 'uuid'], direction: 'asc' },
    description: 'Councils of this community, by name, a page at a time (plugin council).',
  },
);

/** Adds `Person.councilSeats`. */
export const PersonCouncilSeatsResolver = hasMany(
  () => Person,
  'councilSeats',
  () => CouncilMember,
  'person',
  {
    order: EARLIEST_FIRST,
    description:
      "The person's own seats on councils (organisation seats are on Organization.councilSeats), a page at a time (plugin council).",
  },
);

/** Adds `Organization.councilSeats`. */
export const OrganizationCouncilSeatsResolver = hasMany(
  () => Organization,
  'councilSeats',
  () => CouncilMember,
  'organization',
  {
    order: EARLIEST_FIRST,
    description: 'Seats this organisation holds on councils, a page at a time (plugin council).',
  },
);
