import {
  batchLoader,
  type GongzhiContext,
  loadById,
  loadByForeignKey,
  Person,
  Place,
  placeSummaries,
  refId,
  requirePlace,
  residentCountUnder,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { VolunteerTeamMember } from './team-member.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { sql } from './volunteer.support.js';
import { t } from './db.js';

/** A person as a volunteer: teams, skills, verified service time. */
@ObjectType({ description: 'A person as a volunteer (plugin volunteer): teams, skills and verified service time.' })
export class VolunteerProfile {
  /** The person's uuid; the fields below load per operation in batches. */
  personUuid!: string;
}

/** Volunteering under a place (a subdistrict, typically). */
@ObjectType({ description: 'Volunteering under a place: teams, volunteers, and how many of them live there.' })
export class VolunteerSummary {
  placeUuid!: string;

  @Field(() => Int, { description: 'Teams based anywhere under the place.' })
  teamCount!: number;

  @Field(() => Int, { description: 'Distinct current members of those teams.' })
  volunteerCount!: number;

  @Field(() => Int, { description: 'Of those, people whose household lies under the place (residents).' })
  residentVolunteerCount!: number;

  @Field(() => Float, { description: 'residentVolunteerCount / volunteerCount, from 0 to 1 (0 without volunteers).' })
  residentShare!: number;
}

function summaries(ctx: GongzhiContext) {
  return batchLoader<string, VolunteerSummary>(ctx, 'volunteer.summary', async (placeIds) => {
    const places = await placeSummaries(ctx, placeIds);
    const roots = [...places.values()].map((p) => ({ id: p.id, path: p.path }));
    const rows = roots.length
      ? await sql<{ id: string; teams: string; volunteers: string[] | null }>(
          ctx.em,
          `SELECT r.id,
                  (SELECT count(*) FROM ${t('team')} t WHERE left(t.home_place_path, length(r.path)) = r.path) AS teams,
                  (SELECT array_agg(DISTINCT m.person_id::text) FROM ${t('team_member')} m JOIN ${t('team')} t ON t.id = m.team_id
                    WHERE m.left_on IS NULL AND left(t.home_place_path, length(r.path)) = r.path) AS volunteers
             FROM jsonb_to_recordset(?::jsonb) AS r(id text, path text)`,
          [JSON.stringify(roots)],
        )
      : [];
    // Residents among the volunteers (their household lies under the place): core counts them, one batch for all places.
    const residentCounts = await Promise.all(rows.map((r) => residentCountUnder(ctx, [places.get(r.id)!.path], r.volunteers ?? [])));
    const byId = new Map(rows.map((r, i) => [r.id, { ...r, residents: residentCounts[i] }]));
    return placeIds.map((id) => {
      const row = byId.get(id);
      const volunteers = row?.volunteers?.length ?? 0;
      const residents = row?.residents ?? 0;
      return Object.assign(new VolunteerSummary(), {
        placeUuid: id,
        teamCount: Number(row?.teams ?? 0),
        volunteerCount: volunteers,
        residentVolunteerCount: residents,
        residentShare: volunteers ? residents / volunteers : 0,
      });
    });
  });
}

@Resolver(() => VolunteerSummary)
export class VolunteerSummaryResolver {
  @Query(() => VolunteerSummary, { description: 'Volunteering under a place (e.g. a subdistrict): teams, volunteers, share of residents.' })
  async volunteerSummary(@Arg('placeId', () => ID) placeId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerSummary> {
    const place = await requirePlace(ctx, placeId, 'placeId');
    return summaries(ctx).load(place.uuid);
  }

  @FieldResolver(() => Place)
  async place(@Root() summary: VolunteerSummary, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, summary.placeUuid))!;
  }
}

/** Adds `Place.volunteerSummary` to core's Place type. */
@Resolver(() => Place)
export class PlaceVolunteerSummaryResolver {
  @FieldResolver(() => VolunteerSummary, { description: 'Volunteering under this place (plugin volunteer).' })
  volunteerSummary(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<VolunteerSummary> {
    return summaries(ctx).load(place.uuid);
  }
}

@Resolver(() => VolunteerProfile)
export class VolunteerProfileResolver {
  private allMemberships(profile: VolunteerProfile, ctx: GongzhiContext): Promise<VolunteerTeamMember[]> {
    return loadByForeignKey(ctx, VolunteerTeamMember, 'person', profile.personUuid, { joinedOn: 'asc' });
  }

  @FieldResolver(() => [VolunteerTeamMember], { description: 'Current team memberships, oldest first.' })
  async memberships(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeamMember[]> {
    return (await this.allMemberships(profile, ctx)).filter((m) => !m.leftOn);
  }

  @FieldResolver(() => [VolunteerTeam], { description: 'Teams the person is a member of now.' })
  async teams(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam[]> {
    const current = await this.allMemberships(profile, ctx);
    return (await Promise.all(
      current.filter((m) => !m.leftOn).map((m) => loadById(ctx, VolunteerTeam, refId(m.team)!)),
    )) as VolunteerTeam[];
  }

  @FieldResolver(() => [String], { description: "Skills named in the person's current memberships." })
  async skills(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<string[]> {
    return [...new Set((await this.allMemberships(profile, ctx)).filter((m) => !m.leftOn).flatMap((m) => m.skills))];
  }

  @FieldResolver(() => Int, { description: 'Verified service minutes in total (approved entries, approved corrections included).' })
  verifiedMinutes(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return batchLoader<string, number>(ctx, 'volunteer.verifiedMinutes', async (ids) => {
      const rows = await sql<{ person_id: string; minutes: string }>(
        ctx.em,
        `SELECT person_id, sum(minutes) AS minutes FROM ${t('service_entry')}
          WHERE status = 'approved' AND person_id = ANY (string_to_array(?, ',')::uuid[]) GROUP BY person_id`,
        [ids.join(',')],
      );
      const byId = new Map(rows.map((r) => [r.person_id, Number(r.minutes)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }).load(profile.personUuid);
  }

  @FieldResolver(() => Float, { description: 'verifiedMinutes in hours.' })
  async verifiedHours(@Root() profile: VolunteerProfile, @Ctx() ctx: GongzhiContext): Promise<number> {
    return Math.round(((await this.verifiedMinutes(profile, ctx)) / 60) * 100) / 100;
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
