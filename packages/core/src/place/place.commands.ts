import { randomUUID } from 'node:crypto';
import { Permission } from '../auth/permission.js';
import { newName } from '../command/new-name.js';
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
 * Refuses coordinates off the globe, naming the likely mix-up: a latitude of 116 is Beijing's
 * longitude (39.9° N, 116.4° E).
 */
function checkCoordinates({ latitude, longitude }: { latitude?: number | null; longitude?: number | null }): void {
  if (latitude != null && !(Math.abs(latitude) <= 90)) throw coreMessages.inputLatitudeRange.error({ latitude }, 'input.latitude');
  if (longitude != null && !(Math.abs(longitude) <= 180)) throw coreMessages.inputLongitudeRange.error({ longitude }, 'input.longitude');
}

/** What {@link updatePlace} changes: a key left out (undefined) stays as it is. */
export interface PlaceChanges {
  name?: string | null;
  /** Null or blank clears it. */
  address?: string | null;
  /** Null clears it. */
  latitude?: number | null;
  /** Null clears it. */
  longitude?: number | null;
}

/**
 * Renames a place or changes its address or coordinates; its type, code and parent stay (a code
 * is stable: other systems know the place by it). Needs what creating it needed: `people.manage`
 * at its parent (a district: callers who see everywhere).
 */
export const updatePlace = defineCommand<{ place: Named<Place> } & PlaceChanges, Place>({
  name: 'place.update',
  lock: ['place'],
  async run(uow, { place, name, address, latitude, longitude }) {
    // The parent's path is the place's own without its last segment ("/d/s/c/" → "/d/s/").
    const parentPath = place.path.slice(0, place.path.slice(0, -1).lastIndexOf('/') + 1);
    if (parentPath !== '/') uow.actor.authorize(Permission.PEOPLE_MANAGE, parentPath);
    else if (!uow.actor.access.everywhere) throw coreMessages.onlyEverywhereChangeRoot.error('id');
    checkCoordinates({ latitude, longitude });
    const before = { name: place.name, address: place.address, latitude: place.latitude, longitude: place.longitude };
    place.name = newName(name, 'input.name') ?? place.name;
    if (address !== undefined) place.address = address?.trim() || null;
    if (latitude !== undefined) place.latitude = latitude;
    if (longitude !== undefined) place.longitude = longitude;
    await uow.em.flush();
    const fields = (Object.keys(before) as (keyof typeof before)[]).filter((field) => (before[field] ?? null) !== (place[field] ?? null));
    if (fields.length) await uow.emit('place.updated', { placeId: place.uuid, placePath: place.path, fields });
    return place;
  },
});

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
    checkCoordinates(input);
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
    await uow.emit('place.created', { placeId: uuid, placePath: place.path, type: place.type, code, parentId: parent?.uuid ?? null });
    return place;
  },
});
