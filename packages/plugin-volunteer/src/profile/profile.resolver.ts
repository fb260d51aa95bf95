import {
  ByParentKey,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  pageOfRows,
  Person,
  refId,
  rowById,
  rowsByForeignKey,
} from '@gongzhi/core';
import { Args, Ctx, FieldResolver, Float, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { verifiedMinutesOf } from '../hours/hours.queries.js';
import { VolunteerTeam, VolunteerTeamMember } from '../team/team.entity.js';

/** A person as a volunteer: teams, skills, verified service time. */
@ObjectType({ description: 'A person as a volunteer (plugin volunteer): teams, skills and verified service time.' })
export class VolunteerProfile {
  /** The person's uuid; the fields below load per operation in batches. */
  personUuid!: string;
}

const VolunteerTeamMemberConnection = connectionType(VolunteerTeamMember);
const VolunteerTeamConnection = connectionType(VolunteerTeam);
const OLDEST_FIRST: ConnectionOrder<VolunteerTeamMember> = { keys: ['joinedOn', 'createdAt', 'uuid'], direction: 'asc' };

/**
 * A person's current memberships, oldest first (batched per operation). The person card reads
 * them whole (skills, memberships and teams share this one read), so their pages are cut from it
 * and a card costs no statement more.
 */
async function currentMemberships(ctx: GongzhiContext, profile: VolunteerProfile): Promise<VolunteerTeamMember[]> {
  // Plain rows (no hydration), their teams read in the same statement: the card reads columns only.
  const all = await rowsByForeignKey(ctx, VolunteerTeamMember, 'person', profile.personUuid, { joinedOn: 'asc' }, ['team']);
  return all.filter((m) => !m.leftOn);
}

@Resolver(() => VolunteerProfile)
export class VolunteerProfileResolver {
  @ByParentKey()
  @FieldResolver(() => VolunteerTeamMemberConnection, { description: 'Current team memberships, oldest first, a page at a time.' })
  async memberships(
    @Root() profile: VolunteerProfile,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerTeamMember>> {
    return pageOfRows(await currentMemberships(ctx, profile), OLDEST_FIRST, page, {
      connection: 'VolunteerProfile.memberships',
      defaultSize: 50,
    });
  }

  @ByParentKey()
  @FieldResolver(() => VolunteerTeamConnection, {
    description: 'Teams the person is a member of now, in the order they joined, a page at a time.',
  })
  async teams(
    @Root() profile: VolunteerProfile,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerTeam>> {
    const rows = pageOfRows(await currentMemberships(ctx, profile), OLDEST_FIRST, page, {
      connection: 'VolunteerProfile.teams',
      defaultSize: 50,
    });
    return rows.mapNodes((m) => rowById(ctx, VolunteerTeam, refId(m.team)!));
  }

  @ByParentKey()
  @FieldResolver(() => [String], { description: "Skills named in the person's current memberships." })
  async skills(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<string[]> {
    return [...new Set((await currentMemberships(ctx, profile)).flatMap((m) => m.skills))];
  }

  @ByParentKey()
  @FieldResolver(() => Int, { description: 'Verified service minutes in total (approved entries, approved corrections included).' })
  verifiedMinutes(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return verifiedMinutesOf(ctx, profile.personUuid);
  }

  @ByParentKey()
  @FieldResolver(() => Float, { description: 'verifiedMinutes in hours.' })
  async verifiedHours(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return Math.round(((await verifiedMinutesOf(ctx, profile.personUuid)) / 60) * 100) / 100;
  }
}

/** Adds `Person.volunteerProfile` to core's Person type. */
@Resolver(() => Person)
export class PersonVolunteerProfileResolver {
  @ByParentKey()
  @FieldResolver(() => VolunteerProfile, { description: 'The person as a volunteer (plugin volunteer).' })
  volunteerProfile(@Root() person: Person): VolunteerProfile {
    return Object.assign(new VolunteerProfile(), { personUuid: person.uuid });
  }
}
