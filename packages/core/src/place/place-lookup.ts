import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { canSee } from '../auth/scope-guard.js';
import type { GongzhiContext } from '../context.js';
import { localId } from '../relay/global-id.js';
import { Place } from './place.entity.js';
import type { PlaceType } from './place-type.js';

/**
 * Loads the place an argument names, checking its type; a typed BAD_USER_INPUT error names
 * the argument and what would be right. Plugins use it for every "place id" argument.
 * Given the operation's context (rather than a bare EntityManager), a place the caller may
 * not see is NOT_FOUND too, so its existence is not revealed. Inside a transaction, pass the
 * transaction's EntityManager and the context as `scope` for the same check.
 */
export async function requirePlace(
  emOrCtx: EntityManager | GongzhiContext,
  globalId: string,
  argument: string,
  allowedTypes?: readonly PlaceType[],
  scope?: GongzhiContext,
): Promise<Place> {
  const ctx = 'placeRules' in emOrCtx ? emOrCtx : (scope ?? null);
  const em = 'placeRules' in emOrCtx ? emOrCtx.em : emOrCtx;
  const place = await em.findOne(Place, { uuid: localId(globalId, 'Place', argument) });
  if (!place || (ctx && !(await canSee(ctx, place, em)))) {
    throw new GraphQLError(`No place has the id given in "${argument}" (${globalId}).`, {
      extensions: { code: 'NOT_FOUND', argument },
    });
  }
  if (allowedTypes && !allowedTypes.includes(place.type)) {
    throw new GraphQLError(`"${argument}" must be a place of type ${allowedTypes.join(' or ')}; ${place.name} is a ${place.type}.`, {
      extensions: { code: 'BAD_USER_INPUT', argument, expected: allowedTypes, actual: place.type },
    });
  }
  return place;
}
