import type { PluginEventCatalog } from '../events/event-catalog.js';

/** One side of a move: the household left or come to, each told to those who see it. */
export interface PersonMoved {
  personId: string;
  householdId: string;
  placePath: string;
  movedAt: string;
}

/** Which role of whom, where. */
export interface PersonRoleChange {
  personId: string;
  roleId: string;
  role: string;
  placeId: string;
  placePath: string;
}

declare module '../events/event-bus.js' {
  interface GongzhiEvents {
    /**
     * A person's personal data was erased (`erasePersonalData`): systems that copied it (a district
     * app, through a webhook) should forget it too. `placePath` is the household they lived in
     * (null when none: then only subscribers who see everywhere get it).
     */
    'person.erased': { personId: string; placePath: string | null; erasedAt: string };
    /** A person was registered (`createPerson`, `gongzhi register import`); `placePath` is their household's, null when none. */
    'person.created': { personId: string; householdId: string | null; placePath: string | null };
    /** A person moved out of a household (`updatePerson`); `placePath` is the household they left. */
    'person.moved-out': PersonMoved;
    /** A person moved into a household (`updatePerson`); `placePath` is the household they came to. */
    'person.moved-in': PersonMoved;
    /** A person was given a role at a place (`assignRole`); `placePath` is the role's place. */
    'person.role-assigned': PersonRoleChange & { startsOn: string; endsOn: string | null };
    /** A role got its last day (`endRole`, or a move: the resident role at the household left). */
    'person.role-ended': PersonRoleChange & { endsOn: string };
  }
}

/** The fields every role event carries, described. */
const roleFields = {
  personId: { node: 'Person', description: 'The person.' },
  roleId: { node: 'PersonRole', description: 'The role (with its place and days).' },
  role: 'The kind of role, in lower case: resident, grid_worker, social_worker, building_head, volunteer…',
  placeId: { node: 'Place', description: 'Where the role is held.' },
  placePath: 'The path of that place: who may see the event.',
} as const;

/** What each person event means, as `eventTypes` lists it. */
export const personEvents = {
  'person.erased': {
    description: "A person's personal data was erased: systems that copied it should forget it too.",
    payload: {
      personId: { node: 'Person', description: 'The person whose data was erased (the row stays; name, phone and care data are gone).' },
      placePath: 'The path of the household they lived in, or null when none (then only subscribers who see everywhere get it).',
      erasedAt: 'When, as an ISO 8601 time.',
    },
  },
  'person.created': {
    description: 'A person was registered: systems that keep a copy of the register add them.',
    payload: {
      personId: { node: 'Person', description: 'The new person.' },
      householdId: { node: 'Place', description: 'The household they live in, or null when none.' },
      placePath: 'The path of their household, or null when none (then only subscribers who see everywhere get it).',
    },
  },
  'person.moved-out': {
    description:
      'A person moved out of a household: their resident role there ended yesterday. Subscribers who also see where they went get person.moved-in too.',
    payload: {
      personId: { node: 'Person', description: 'The person who moved.' },
      householdId: { node: 'Place', description: 'The household they left.' },
      placePath: 'The path of the household they left.',
      movedAt: 'When the move was recorded, as an ISO 8601 time.',
    },
  },
  'person.moved-in': {
    description: 'A person moved into a household (from another, or having had none).',
    payload: {
      personId: { node: 'Person', description: 'The person who moved.' },
      householdId: { node: 'Place', description: 'The household they came to.' },
      placePath: 'The path of the household they came to.',
      movedAt: 'When the move was recorded, as an ISO 8601 time (the same as its person.moved-out).',
    },
  },
  'person.role-assigned': {
    description: 'A person was given a role at a place (a grid worker, a social worker, a building head…): who may act where.',
    payload: {
      ...roleFields,
      startsOn: 'Its first day, as a date YYYY-MM-DD.',
      endsOn: 'Its last day, or null while open.',
    },
  },
  'person.role-ended': {
    description:
      'A role got its last day (a worker leaves a post; a resident moves out: their resident role at the household left, with its person.moved-out).',
    payload: { ...roleFields, endsOn: 'Its last day, as a date YYYY-MM-DD.' },
  },
} as const satisfies PluginEventCatalog<'person'>;
