import { DomainError, type Place, PlaceType } from '@gongzhi/core';

function requireType(place: Place, type: PlaceType, field: string): Place {
  if (place.type !== type)
    throw new DomainError('BAD_USER_INPUT', `"${field}" must name a ${type}; ${place.name} is a ${place.type}.`, field);
  return place;
}

/** Each community runs its own bank: accounts, rates and reports name a place of type community. */
export function requireCommunity(place: Place, field: string): Place {
  return requireType(place, PlaceType.COMMUNITY, field);
}

/** Bookings and their rules name a place of type venue (a hall, a room of a community). */
export function requireVenue(place: Place, field: string): Place {
  return requireType(place, PlaceType.VENUE, field);
}
