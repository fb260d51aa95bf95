import { type GongzhiContext, loadById, Place, type Ref, RefArg, requireRef } from '@gongzhi/core';
import { Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { volunteeringUnder } from './summary.queries.js';

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

async function summaryOf(ctx: GongzhiContext, placeUuid: string): Promise<VolunteerSummary> {
  const counts = await volunteeringUnder(ctx, placeUuid);
  return Object.assign(new VolunteerSummary(), {
    placeUuid,
    teamCount: counts.teams,
    volunteerCount: counts.volunteers,
    residentVolunteerCount: counts.residents,
    residentShare: counts.volunteers ? counts.residents / counts.volunteers : 0,
  });
}

@Resolver(() => VolunteerSummary)
export class VolunteerSummaryResolver {
  @Query(() => VolunteerSummary, { description: 'Volunteering under a place (e.g. a subdistrict): teams, volunteers, share of residents.' })
  async volunteerSummary(@RefArg('placeId', () => Place) place: Ref<Place>, @Ctx() ctx: GongzhiContext): Promise<VolunteerSummary> {
    return summaryOf(ctx, (await requireRef(ctx, place)).uuid);
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
    return summaryOf(ctx, place.uuid);
  }
}
