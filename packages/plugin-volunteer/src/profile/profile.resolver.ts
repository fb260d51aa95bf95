import { type GongzhiContext, loadByForeignKey, loadById, Person, refId } from '@gongzhi/core';
import { Ctx, FieldResolver, Float, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { verifiedMinutesOf } from '../hours/hours.queries.js';
import { VolunteerTeam, VolunteerTeamMember } from '../team/team.entity.js';

/** A person as a volunteer: teams, skills, verified service time. */
@ObjectType({ description: 'A person as a volunteer (plugin volunteer): teams, skills and verified service time.' })
export class VolunteerProfile {
  /** The person's uuid; the fields below load per operation in batches. */
  personUuid!: string;
}

/** A person's current memberships, oldest first (batched per operation). */
async function currentMemberships(ctx: GongzhiContext, profile: VolunteerProfile): Promise<VolunteerTeamMember[]> {
  const all = await loadByForeignKey(ctx, VolunteerTeamMember, 'person', profile.personUuid, { joinedOn: 'asc' });
  return all.filter((m) => !m.leftOn);
}

@Resolver(() => VolunteerProfile)
export class VolunteerProfileResolver {
  @FieldResolver(() => [VolunteerTeamMember], { description: 'Current team memberships, oldest first.' })
  memberships(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeamMember[]> {
    return currentMemberships(ctx, profile);
  }

  @FieldResolver(() => [VolunteerTeam], { description: 'Teams the person is a member of now.' })
  async teams(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam[]> {
    const current = await currentMemberships(ctx, profile);
    return (await Promise.all(current.map((m) => loadById(ctx, VolunteerTeam, refId(m.team)!)))) as VolunteerTeam[];
  }

  @FieldResolver(() => [String], { description: "Skills named in the person's current memberships." })
  async skills(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<string[]> {
    return [...new Set((await currentMemberships(ctx, profile)).flatMap((m) => m.skills))];
  }

  @FieldResolver(() => Int, { description: 'Verified service minutes in total (approved entries, approved corrections included).' })
  verifiedMinutes(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return verifiedMinutesOf(ctx, profile.personUuid);
  }

  @FieldResolver(() => Float, { description: 'verifiedMinutes in hours.' })
  async verifiedHours(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return Math.round(((await verifiedMinutesOf(ctx, profile.personUuid)) / 60) * 100) / 100;
  }
}

/** Adds `Person.volunteerProfile` to core's Person type. */
@Resolver(() => Person)
export class PersonVolunteerProfileResolver {
  @FieldResolver(() => VolunteerProfile, { description: 'The person as a volunteer (plugin volunteer).' })
  volunteerProfile(@Root() person: Person): VolunteerProfile {
    return Object.assign(new VolunteerProfile(), { personUuid: person.uuid });
  }
}
