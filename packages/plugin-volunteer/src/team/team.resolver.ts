import {
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  findPage,
  type GongzhiContext,
  hasMany,
  loadById,
  loadRef,
  Organization,
  pageOfRows,
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
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { addTeamMember, createTeam, endTeamMembership, updateTeam } from './team.commands.js';
import { VolunteerMemberRole, VolunteerTeam, VolunteerTeamKind, VolunteerTeamMember } from './team.entity.js';
import { currentMembers } from './team.queries.js';

export const VolunteerTeamPayload = payloadType('VolunteerTeamPayload', 'team', () => VolunteerTeam);
export const VolunteerTeamMemberPayload = payloadType('VolunteerTeamMemberPayload', 'member', () => VolunteerTeamMember);

const VolunteerTeamConnection = connectionType(VolunteerTeam);
const VolunteerTeamMemberConnection = connectionType(VolunteerTeamMember);
const PersonConnection = connectionType(Person);
const BY_NAME: ConnectionOrder<VolunteerTeam> = { keys: ['name', 'uuid'], direction: 'asc' };
/** Leaders first ('leader' sorts before 'member'), then by join date; the same day in the order they were added. */
const LEADERS_FIRST: ConnectionOrder<VolunteerTeamMember> = { keys: ['role', 'joinedOn', 'createdAt', 'uuid'], direction: 'asc' };
const EARLIEST_JOINED: ConnectionOrder<VolunteerTeamMember> = { keys: ['joinedOn', 'createdAt', 'uuid'], direction: 'asc' };

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

@InputType({ description: 'Changes to a volunteer team; a field left out stays as it is.' })
export class UpdateVolunteerTeamInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => VolunteerTeamKind, { nullable: true })
  kind?: VolunteerTeamKind | null;

  @Field(() => String, { nullable: true, description: 'A blank description (or null) removes it.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: "Replaces the team's skills." })
  skills?: string[] | null;
}

@Resolver(() => VolunteerTeam)
export class VolunteerTeamResolver {
  @Query(() => VolunteerTeam, { nullable: true, description: 'One volunteer team by id.' })
  volunteerTeam(@RefArg('id', () => VolunteerTeam) id: Ref<VolunteerTeam>, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> {
    return loadRef(ctx, id);
  }

  @Query(() => VolunteerTeamConnection, {
    description: 'Volunteer teams based anywhere under a place (a subdistrict, a community…), by name, a page at a time.',
  })
  async volunteerTeams(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('kind', () => VolunteerTeamKind, { nullable: true }) kind: VolunteerTeamKind | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerTeam>> {
    const root = await requireRef(ctx, under);
    return findPage(ctx, VolunteerTeam, { homePlacePath: { $like: `${root.path}%` }, ...(kind ? { kind } : {}) }, BY_NAME, page, {
      connection: 'Query.volunteerTeams',
      filter: { under: root.uuid, kind: kind ?? null },
      defaultSize: 50,
    });
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

  @Mutation(() => VolunteerTeamPayload, {
    description: 'Renames a volunteer team or changes its kind, description or skills: its leaders, or community staff.',
  })
  updateVolunteerTeam(
    @RefArg('id', () => VolunteerTeam) team: Ref<VolunteerTeam>,
    @Arg('input', () => UpdateVolunteerTeamInput) input: UpdateVolunteerTeamInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerTeamPayload, updateTeam, { team, changes: { ...input } });
  }

  @Mutation(() => VolunteerTeamMemberPayload, {
    description:
      "Adds a person of the team's community to a team (its leaders, or community staff holding volunteer.teams.manage where it is at home). Rejoining after leaving reopens the membership. OUT_OF_SCOPE for a person outside the team's community.",
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
    description:
      'Ends a membership on a day (the member themselves, a leader, or community staff holding volunteer.teams.manage). The last leader cannot leave.',
  })
  endVolunteerTeamMembership(
    @RefArg('memberId', () => VolunteerTeamMember) member: Ref<VolunteerTeamMember>,
    @Arg('leftOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) leftOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerTeamMemberPayload, endTeamMembership, { member, leftOn });
  }

  // A team's current members are read whole (one batched read shared with memberCount and
  // leaders, past members filtered out), so their pages are cut from that list.
  @FieldResolver(() => VolunteerTeamMemberConnection, {
    description: 'Current members, leaders first, then by join date, a page at a time.',
  })
  async members(
    @Root() team: VolunteerTeam,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerTeamMember>> {
    return pageOfRows(await currentMembers(ctx, team.uuid), LEADERS_FIRST, page, { connection: 'VolunteerTeam.members', defaultSize: 50 });
  }

  @FieldResolver(() => Int, { description: 'How many current members.' })
  async memberCount(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<number> {
    return (await currentMembers(ctx, team.uuid)).length;
  }

  @FieldResolver(() => PersonConnection, { description: 'Current leaders, by join date, a page at a time.' })
  async leaders(
    @Root() team: VolunteerTeam,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Person>> {
    const leaders = (await currentMembers(ctx, team.uuid)).filter((m) => m.role === VolunteerMemberRole.LEADER);
    const rows = pageOfRows(leaders, EARLIEST_JOINED, page, { connection: 'VolunteerTeam.leaders', defaultSize: 50 });
    return rows.mapNodes((m) => loadById(ctx, Person, refId(m.person)!));
  }
}

/** Adds `Place.volunteerTeams` to core's Place type. */
export const PlaceVolunteerTeamsResolver = hasMany(
  () => Place,
  'volunteerTeams',
  () => VolunteerTeam,
  'homePlace',
  {
    order: BY_NAME,
    description: 'Volunteer teams based here, by name, a page at a time (plugin volunteer).',
  },
);
