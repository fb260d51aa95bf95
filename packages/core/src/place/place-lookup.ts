import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { localId } from '../relay/global-id.js';
import { Place } from './place.entity.js';
import type { PlaceType } from './place-type.js';

/**
 * Loads the place an argument names, checking its type; a typed BAD_USER_INPUT error names
 * the argument and what would be right. Plugins use it for every "place id" argument.
 */
export async function requirePlace(
  em: EntityManager,
  globalId: string,
  argument: string,
  allowedTypes?: readonly PlaceType[],
): Promise<Place> {
  const place = await em.findOne(Place, { uuid: localId(globalId, 'Place', argument) });
  if (!place) {
    throw new GraphQLError(`No place has the id given in "${argument}" (${globalId}).`, {
      extensions: { code: 'NOT_FOUND', argument },
    });
  }
  if (allowedTypes && !allowedTypes.includes(place.type)) {
    throw new GraphQLError(
      `"${argument}" must be a place of type ${allowedTypes.join(' or ')}; ${place.name} is a ${place.type}.`,
      { extensions: { code: 'BAD_USER_INPUT', argument, expected: allowedTypes, actual: place.type } },
    );
  }
  return place;
}
