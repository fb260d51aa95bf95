import { type Place, PlaceType } from '@gongzhi/core';
import { bankMessages } from './messages.js';

function requireType(place: Place, type: PlaceType, field: string): Place {
  if (place.type !== type) throw bankMessages.wrongPlaceType.error({ field, type, placeName: place.name, placeType: place.type }, field);
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
