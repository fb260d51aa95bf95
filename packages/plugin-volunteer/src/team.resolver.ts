import { type GongzhiContext, loadByForeignKey, Place, requirePlace } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { VolunteerTeam } from './team.entity.js';

@Resolver(() => VolunteerTeam)
export class VolunteerTeamResolver {
  @Mutation(() => VolunteerTeam, { description: 'Founds a volunteer team based at a place.' })
  async createVolunteerTeam(
    @Arg('homePlaceId', () => ID) homePlaceId: string,
    @Arg('name', () => String) name: string,
    @Arg('kind', () => String, { defaultValue: 'mutual_aid' }) kind: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTeam> {
    const homePlace = await requirePlace(ctx.em, homePlaceId, 'homePlaceId');
    const team = ctx.em.create(VolunteerTeam, { name: name.trim(), kind, homePlace });
    await ctx.em.flush();
    return team;
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
