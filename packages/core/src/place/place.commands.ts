import { randomUUID } from 'node:crypto';
import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import { ALLOWED_PARENTS, type PlaceType, type VenueKind } from './place.entity.js';
import { Place } from './place.entity.js';
import { coreMessages } from '../i18n/core-messages.js';

/** A new place and where it sits in the tree. */
export interface NewPlace {
  type: PlaceType;
  /** Stable code, unique across the server. */
  code: string;
  name: string;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  venueKind?: VenueKind | null;
  capacity?: number | null;
  /** The parent; none only for a district. */
  parent?: Named<Place> | null;
}

/**
 * Creates a place under a parent its type allows (ALLOWED_PARENTS), with its materialized path
 * and depth. Needs `people.manage` at the parent; a district (no parent) only callers who see
 * everywhere may create. Codes are unique: the database decides between two at once.
 */
export const createPlace = defineCommand<NewPlace, Place>({
  name: 'place.create',
  async run(uow, input) {
    const parent = input.parent ?? null;
    if (parent) uow.actor.authorize(Permission.PEOPLE_MANAGE, parent.path);
    else if (!uow.actor.access.everywhere) {
      throw coreMessages.onlyCallersWhoSee.error('input.parentId');
    }
    const code = input.code.trim();
    const name = input.name.trim();
    if (!code) throw coreMessages.inputCodeEmpty.error('input.code');
    if (!name) throw coreMessages.inputNameEmpty.error('input.name');
    if (input.capacity != null && input.capacity < 0) {
      throw coreMessages.inputCapacityMore.error({ capacity: input.capacity }, 'input.capacity');
    }
    const allowed = ALLOWED_PARENTS[input.type];
    const parentType = parent?.type ?? null;
    if (!allowed.includes(parentType)) {
      const names = allowed.map((t) => t ?? 'no parent (a root)').join(', ');
      const given = parent ? `a ${parent.type} (${parent.name})` : 'no parent';
      throw coreMessages.cannotPlacedUnderParent.error({ inputType: input.type, given, names }, 'input.parentId', {
        expected: allowed,
        actual: parentType,
      });
    }
    if (await uow.em.count(Place, { code })) {
      throw coreMessages.placeCodeAlreadyExists.error({ code }, 'input.code');
    }
    const uuid = randomUUID();
    const place = uow.em.create(Place, {
      uuid,
      type: input.type,
      code,
      name,
      address: input.address ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      venueKind: input.venueKind ?? null,
      capacity: input.capacity ?? null,
      parent,
      path: `${parent?.path ?? '/'}${uuid}/`,
      depth: parent ? parent.depth + 1 : 0,
    });
    await uow.em.flush();
    return place;
  },
});
