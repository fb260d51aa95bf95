import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the grid plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const gridEvents = {
  'grid.created': 'A grid or micro-grid was set up in a community.',
  'grid.places-added': 'Buildings or doors were added to what a grid covers.',
  'grid.worker-assigned': 'A person became a worker of a grid (网格员), from a start date.',
  'grid.adopted': 'A partner unit adopted a grid (共建单位认领网格): its members may take the grid’s requests.',
  'grid.request-routed':
    'A new request was routed to the grid covering its place, and to its least-loaded worker on duty if there was one.',
  'grid.visit-recorded': 'A grid worker recorded a household visit (入户走访), with what was found.',
  'grid.finding-opened-request': 'A finding of a household visit opened a request.',
  'grid.attention-changed': 'A household’s or building’s attention colour on the people’s-conditions map changed (red, orange, green).',
  'grid.meeting-recorded': 'A grid’s weekly meeting (网格议事会) was recorded, with the findings it reviewed.',
  'grid.escalation-limit-set': 'The time a request may wait at a level before it escalates was set for a community or a grid.',
  'grid.reporter-registered': 'A courier, rider or street cleaner registered as a little bee (小蜜蜂) of a subdistrict.',
  'grid.little-bee-reported': 'A little bee reported a problem they saw, with where it was: it opened a request.',
} as const satisfies PluginEventCatalog<'grid'>;
