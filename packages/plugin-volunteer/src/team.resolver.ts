import {
  actingPerson,
  type GongzhiContext,
  loadById,
  loadByForeignKey,
  Organization,
  Person,
  Place,
  refId,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerTeamMember } from './team-member.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerMemberRole, VolunteerTeamKind } from './volunteer.enums.js';
import { cleanSkills, inTransaction, localDate, requireLeader, requireText } from './volunteer.support.js';

@InputType({ description: 'A new volunteer team; whoever creates it becomes its first leader.' })
export class CreateVolunteerTeamInput {
  @Field(() => ID, { description: 'Where the team is based (a community, compound, building…).' })
  homePlaceId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => VolunteerTeamKind, { defaultValue: VolunteerTeamKind.MUTUAL_AID })
  kind!: VolunteerTeamKind;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'The organization the team comes from (e.g. the estate agency of a youth commando).' })
  organizationId?: string | null;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;
}

/** Active members first by role (leaders first), then by join date. */
function sortMembers(members: VolunteerTeamMember[]): VolunteerTeamMember[] {
  return [...members].sort((a, b) =>
    a.role === b.role ? a.joinedOn.localeCompare(b.joinedOn) : a.role === VolunteerMemberRole.LEADER ? -1 : 1,
  );
}

@Resolver(() => VolunteerTeam)
export class VolunteerTeamResolver {
  @Query(() => VolunteerTeam, { nullable: true, description: 'One volunteer team by id.' })
  volunteerTeam(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> {
    return requireEntity(ctx.em, VolunteerTeam, 'VolunteerTeam', id, 'id').catch((err) => {
      if ((err as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return null;
      throw err;
    });
  }

  @Query(() => [VolunteerTeam], { description: 'Volunteer teams based anywhere under a place (a subdistrict, a community…), by name.' })
  async volunteerTeams(
    @Arg('under', () => ID) under: string,
    @Arg('kind', () => VolunteerTeamKind, { nullable: true }) kind: VolunteerTeamKind | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeam[]> {
    const root = await requirePlace(ctx, under, 'under');
    return ctx.em.find(
      VolunteerTeam,
      { homePlacePath: { $like: `${root.path}%` }, ...(kind ? { kind } : {}) },
      { orderBy: { name: 'asc' }, limit: 500 },
    );
  }

  @Mutation(() => VolunteerTeam, { description: 'Founds a volunteer team based at a place; the signed-in person becomes its leader.' })
  async createVolunteerTeam(
    @Arg('input', () => CreateVolunteerTeamInput) input: CreateVolunteerTeamInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeam> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requirePlace(ctx, input.homePlaceId, 'input.homePlaceId');
    const founder = await actingPerson(ctx);
    const name = requireText(input.name, 'input.name');
    return inTransaction(ctx, async ({ em, emit }) => {
      const homePlace = await requirePlace(em, input.homePlaceId, 'input.homePlaceId');
      const organization = input.organizationId
        ? await requireEntity(em, Organization, 'Organization', input.organizationId, 'input.organizationId')
        : null;
      const team = em.create(VolunteerTeam, {
        name,
        kind: input.kind,
        description: input.description?.trim() || null,
        homePlace,
        homePlacePath: homePlace.path,
        organization,
        skills: cleanSkills(input.skills),
        createdAt: ctx.now(),
      });
      em.create(VolunteerTeamMember, { team, person: founder, role: VolunteerMemberRole.LEADER, joinedOn: localDate(ctx.now()) });
      await em.flush();
      await emit('volunteer.team-created', { teamId: team.uuid, placePath: homePlace.path });
      return team;
    });
  }

  @Mutation(() => VolunteerTeamMember, {
    description: 'Adds a person to a team (leaders only). Rejoining after leaving reopens the membership.',
  })
  async addVolunteerTeamMember(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('personId', () => ID) personId: string,
    @Arg('role', () => VolunteerMemberRole, { defaultValue: VolunteerMemberRole.MEMBER }) role: VolunteerMemberRole,
    @Arg('joinedOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) joinedOn: string | null | undefined,
    @Arg('skills', () => [String], { nullable: true }) skills: string[] | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeamMember> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerTeam, 'VolunteerTeam', teamId, 'teamId');
    const actor = await actingPerson(ctx);
    const day = joinedOn ? requireIsoDate(joinedOn, 'joinedOn') : localDate(ctx.now());
    return inTransaction(ctx, async ({ em, emit }) => {
      const team = await requireEntity(em, VolunteerTeam, 'VolunteerTeam', teamId, 'teamId');
      const person = await requirePerson(em, personId, 'personId');
      await requireLeader(em, team, actor, 'add members');
      let member = await em.findOne(VolunteerTeamMember, { team, person });
      if (member && !member.leftOn) throw userError('CONFLICT', `${person.name} is already a member of ${team.name}.`, 'personId');
      if (member) Object.assign(member, { leftOn: null, joinedOn: day, role, skills: cleanSkills(skills) });
      else member = em.create(VolunteerTeamMember, { team, person, role, joinedOn: day, skills: cleanSkills(skills) });
      await em.flush();
      await emit('volunteer.member-joined', { teamId: team.uuid, personId: person.uuid, placePath: team.homePlacePath });
      return member;
    });
  }

  @Mutation(() => VolunteerTeamMember, {
    description: 'Ends a membership on a day (the member themselves, or a leader). The last leader cannot leave.',
  })
  async endVolunteerTeamMembership(
    @Arg('memberId', () => ID) memberId: string,
    @Arg('leftOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) leftOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeamMember> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerTeamMember, 'VolunteerTeamMember', memberId, 'memberId');
    const actor = await actingPerson(ctx);
    const day = leftOn ? requireIsoDate(leftOn, 'leftOn') : localDate(ctx.now());
    return inTransaction(ctx, async ({ em }) => {
      const member = await requireEntity(em, VolunteerTeamMember, 'VolunteerTeamMember', memberId, 'memberId');
      const team = await em.findOneOrFail(VolunteerTeam, { uuid: refId(member.team)! });
      if (refId(member.person) !== actor.uuid) await requireLeader(em, team, actor, "end someone else's membership");
      if (member.leftOn) throw userError('CONFLICT', `This membership already ended on ${member.leftOn}.`, 'memberId');
      if (day < member.joinedOn)
        throw userError('BAD_USER_INPUT', `"leftOn" (${day}) must be on or after the day joined (${member.joinedOn}).`, 'leftOn');
      if (member.role === VolunteerMemberRole.LEADER) {
        const leaders = await em.count(VolunteerTeamMember, { team, role: VolunteerMemberRole.LEADER, leftOn: null });
        if (leaders <= 1) throw userError('LAST_LEADER', `${team.name} would have no leader; add another leader first.`, 'memberId');
      }
      member.leftOn = day;
      await em.flush();
      return member;
    });
  }

  @FieldResolver(() => Place, { description: 'Where the team is based.' })
  async homePlace(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(team.homePlace)!))!;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the team comes from, if any.' })
  organization(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<Organization | null> | null {
    const id = refId(team.organization);
    return id ? loadById(ctx, Organization, id) : null;
  }

  @FieldResolver(() => [VolunteerTeamMember], { description: 'Current members, leaders first, then by join date.' })
  async members(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeamMember[]> {
    const all = await loadByForeignKey(ctx, VolunteerTeamMember, 'team', team.uuid);
    return sortMembers(all.filter((m) => !m.leftOn));
  }

  @FieldResolver(() => Int, { description: 'How many current members.' })
  async memberCount(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<number> {
    return (await this.members(team, ctx)).length;
  }

  @FieldResolver(() => [Person], { description: 'Current leaders.' })
  async leaders(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<Person[]> {
    const leaders = (await this.members(team, ctx)).filter((m) => m.role === VolunteerMemberRole.LEADER);
    return (await Promise.all(leaders.map((m) => loadById(ctx, Person, refId(m.person)!)))) as Person[];
  }
}

@Resolver(() => VolunteerTeamMember)
export class VolunteerTeamMemberResolver {
  @FieldResolver(() => Person)
  async person(@Root() member: VolunteerTeamMember, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(member.person)!))!;
  }

  @FieldResolver(() => VolunteerTeam)
  async team(@Root() member: VolunteerTeamMember, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam> {
    return (await loadById(ctx, VolunteerTeam, refId(member.team)!))!;
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
