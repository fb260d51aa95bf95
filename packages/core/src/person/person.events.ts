import type { PluginEventCatalog } from '../events/event-catalog.js';

declare module '../events/event-bus.js' {
  interface GongzhiEvents {
    /**
     * A person's personal data was erased (`erasePersonalData`): systems that copied it (a district
     * app, through a webhook) should forget it too. `placePath` is the household they lived in
     * (null when none: then only subscribers who see everywhere get it).
     */
    'person.erased': { personId: string; placePath: string | null; erasedAt: string };
  }
}

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
} as const satisfies PluginEventCatalog<'person'>;
