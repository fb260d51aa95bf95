import { type Place, type PlaceSummary, placeSummaries, PlaceType, type ReadContext } from '@gongzhi/core';
import { volunteerMessages } from './messages.js';

/**
 * The community (社区) a place lies in, read through core's read API: service hours are
 * verified, and pairings kept, by the community's staff.
 */

/** The community of `place` (the place itself when it is one), or null above communities. */
export async function communityOf(ctx: ReadContext, place: Pick<Place, 'uuid' | 'path'>): Promise<PlaceSummary | null> {
  const onPath = await placeSummaries(ctx, place.path.split('/').filter(Boolean));
  return [...onPath.values()].find((p) => p.type === PlaceType.COMMUNITY) ?? null;
}

/** Like {@link communityOf}, but BAD_USER_INPUT naming `field` when the place lies above any community. */
export async function requireCommunityOf(
  ctx: ReadContext,
  place: Pick<Place, 'uuid' | 'path' | 'name' | 'type'>,
  field: string,
): Promise<PlaceSummary> {
  const community = await communityOf(ctx, place);
  if (!community) {
    throw volunteerMessages.placeInsideCommunityCommunity.error({ field, placeName: place.name, placeType: place.type }, field);
  }
  return community;
}
