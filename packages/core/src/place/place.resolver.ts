import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { localId } from '../relay/global-id.js';
import { Place } from './place.entity.js';

@Resolver(() => Place)
export class PlaceResolver {
  @Query(() => Place, { nullable: true, description: 'One place by its global id.' })
  async place(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<Place | null> {
    return ctx.em.findOne(Place, { uuid: localId(id, 'Place') });
  }
}
