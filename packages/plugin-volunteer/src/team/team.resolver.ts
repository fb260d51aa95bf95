import {
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  loadRef,
  Organization,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  RefField,
  refId,
  requireRef,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { addTeamMember, createTeam, endTeamMembership } from './team.commands.js';
import { VolunteerMemberRole, VolunteerTeam, VolunteerTeamKind, VolunteerTeamMember } from './team.entity.js';
import { currentMembers } from './team.queries.js';

export const VolunteerTeamPayload = payloadType('VolunteerTeamPayload', 'team', () => VolunteerTeam);
export const VolunteerTeamMemberPayload = payloadType('VolunteerTeamMemberPayload', 'member', () => VolunteerTeamMember);

@InputType({ description: 'A new volunteer team; whoever creates it becomes its first leader.' })
export class CreateVolunteerTeamInput {
  @RefField(() => Place, { description: 'Where the team is based (a community, compound, building…).' })
  homePlaceId!: Ref<Place>;

  @Field(() => String)
  name!: string;

  @Field(() => VolunteerTeamKind, { defaultValue: VolunteerTeamKind.MUTUAL_AID })
  kind!: VolunteerTeamKind;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @RefField(() => Organization, {
    nullable: true,
    description: 'The organization the team comes from (e.g. the estate agency of a youth commando), anywhere in its subdistrict.',
  })
  organizationId?: Ref<Organization> | null;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;
}

@Resolver(() => VolunteerTeam)
export class VolunteerTeamResolver {
  @Query(() => VolunteerTeam, { nullable: true, description: 'One volunteer team by id.' })
  volunteerTeam(@RefArg('id', () => VolunteerTeam) id: Ref<VolunteerTeam>, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> {
    return loadRef(ctx, id);
  }

  @Query(() => [VolunteerTeam], { description: 'Volunteer teams based anywhere under a place (a subdistrict, a community…), by name.' })
  async volunteerTeams(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('kind', () => VolunteerTeamKind, { nullable: true }) kind: VolunteerTeamKind | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeam[]> {
    const root = await requireRef(ctx, under);
    return ctx.em.find(
      VolunteerTeam,
      { homePlacePath: { $like: `${root.path}%` }, ...(kind ? { kind } : {}) },
      { orderBy: { name: 'asc' }, limit: 500 },
    );
  }

  @Mutation(() => VolunteerTeamPayload, {
    description: 'Founds a volunteer team based at a place; the signed-in person becomes its leader.',
  })
  createVolunteerTeam(@Arg('input', () => CreateVolunteerTeamInput) input: CreateVolunteerTeamInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerTeamPayload, createTeam, {
      homePlace: input.homePlaceId,
      name: input.name,
      kind: input.kind,
      description: input.description ?? null,
      organization: input.organizationId ?? null,
      skills: input.skills ?? null,
    });
  }

  @Mutation(() => VolunteerTeamMemberPayload, {
    description:
      "Adds a person of the team's community to a team (leaders only). Rejoining after leaving reopens the membership. OUT_OF_SCOPE for a person outside the team's community.",
  })
  addVolunteerTeamMember(
    @RefArg('teamId', () => VolunteerTeam) team: Ref<VolunteerTeam>,
    @RefArg('personId', () => Person) person: Ref<Person>,
    @Arg('role', () => VolunteerMemberRole, { defaultValue: VolunteerMemberRole.MEMBER }) role: VolunteerMemberRole,
    @Arg('joinedOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) joinedOn: string | null | undefined,
    @Arg('skills', () => [String], { nullable: true }) skills: string[] | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerTeamMemberPayload, addTeamMember, { team, person, role, joinedOn, skills });
  }

  @Mutation(() => VolunteerTeamMemberPayload, {
    description: 'Ends a membership on a day (the member themselves, or a leader). The last leader cannot leave.',
  })
  endVolunteerTeamMembership(
    @RefArg('memberId', () => VolunteerTeamMember) member: Ref<VolunteerTeamMember>,
    @Arg('leftOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) leftOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerTeamMemberPayload, endTeamMembership, { member, leftOn });
  }

  @FieldResolver(() => [VolunteerTeamMember], { description: 'Current members, leaders first, then by join date.' })
  members(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeamMember[]> {
    return currentMembers(ctx, team.uuid);
  }

  @FieldResolver(() => Int, { description: 'How many current members.' })
  async memberCount(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<number> {
    return (await currentMembers(ctx, team.uuid)).length;
  }

  @FieldResolver(() => [Person], { description: 'Current leaders.' })
  async leaders(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<Person[]> {
    const leaders = (await currentMembers(ctx, team.uuid)).filter((m) => m.role === VolunteerMemberRole.LEADER);
    return (await Promise.all(leaders.map((m) => loadById(ctx, Person, refId(m.person)!)))) as Person[];
  }
}

/** Adds `Place.volunteerTeams` to core's Place type. */
@Resolver(() => Place)
export class PlaceVolunteerTeamsResolver {
  @FieldResolver(() => [VolunteerTeam], { description: 'Volunteer teams based here (plugin volunteer).' })
  volunteerTeams(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam[]> {
    return loadByForeignKey(ctx, VolunteerTeam, 'homePlace', place.uuid, { name: 'asc' });
  }
}
