import { type GongzhiContext, loadByForeignKey, Organization, Person, Place, Request } from '@gongzhi/core';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Council, CouncilMember } from './council.entity.js';
import { CouncilActionItem } from './decision.entity.js';
import { CouncilAgendaItem } from './meeting.entity.js';

/** Adds `Place.councils`. */
@Resolver(() => Place)
export class PlaceCouncilsResolver {
  @FieldResolver(() => [Council], { description: 'Councils of this community (plugin council).' })
  councils(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Council[]> {
    return loadByForeignKey(ctx, Council, 'community', place.uuid, { name: 'asc' });
  }
}

/** Adds `Request.councilItems`. */
@Resolver(() => Request)
export class RequestCouncilItemsResolver {
  @FieldResolver(() => [CouncilAgendaItem], { description: 'Council agenda items that took up this request (plugin council).' })
  councilItems(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<CouncilAgendaItem[]> {
    return loadByForeignKey(ctx, CouncilAgendaItem, 'request', request.uuid, { createdAt: 'asc' });
  }
}

/** Adds `Organization.councilSeats` and `Organization.councilActionItems`. */
@Resolver(() => Organization)
export class OrganizationCouncilResolver {
  @FieldResolver(() => [CouncilMember], { description: 'Seats this organisation holds on councils (plugin council).' })
  councilSeats(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'organization', organization.uuid, { createdAt: 'asc' });
  }

  @FieldResolver(() => [CouncilActionItem], { description: 'Council action items this organisation owns, by due date (plugin council).' })
  councilActionItems(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<CouncilActionItem[]> {
    return loadByForeignKey(ctx, CouncilActionItem, 'ownerOrganization', organization.uuid, { dueOn: 'asc' });
  }
}

/** Adds `Person.councilSeats`. */
@Resolver(() => Person)
export class PersonCouncilResolver {
  @FieldResolver(() => [CouncilMember], {
    description: "The person's own seats on councils (organisation seats are on Organization.councilSeats) (plugin council).",
  })
  councilSeats(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'person', person.uuid, { createdAt: 'asc' });
  }
}
