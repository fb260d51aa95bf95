import type { PluginEventCatalog } from '../events/event-catalog.js';

declare module '../events/event-bus.js' {
  interface GongzhiEvents {
    /** A place was added to the tree (`createPlace`, `gongzhi register import`); `placePath` is its own. */
    'place.created': { placeId: string; placePath: string; type: string; code: string; parentId: string | null };
    /** A place was renamed, or its address or coordinates changed (`updatePlace`): `fields` says which. */
    'place.updated': { placeId: string; placePath: string; fields: string[] };
  }
}

/** What each place event means, as `eventTypes` lists it. */
export const placeEvents = {
  'place.created': {
    description: 'A place was added to the tree (a new compound, building, household or venue): systems that keep a copy of it add it.',
    payload: {
      placeId: { node: 'Place', description: 'The new place.' },
      placePath: 'Its materialised path (ids from the root): who may see the event.',
      type: 'Its type, in lower case: district, subdistrict, community, compound, building, unit, household, venue…',
      code: 'Its code, unique in the district (how other systems know it).',
      parentId: { node: 'Place', description: 'The place it lies in, or null for a district.' },
    },
  },
  'place.updated': {
    description: 'A place was renamed, or its address or coordinates changed (its type, code and parent never change).',
    payload: {
      placeId: { node: 'Place', description: 'The place.' },
      placePath: 'Its materialised path (ids from the root): who may see the event.',
      fields: 'Which changed: name, address, latitude, longitude.',
    },
  },
} as const satisfies PluginEventCatalog<'place'>;
