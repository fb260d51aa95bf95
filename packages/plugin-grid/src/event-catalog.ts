import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the grid plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const gridEvents = {
  'grid.created': {
    description: 'A grid or micro-grid was set up in a community.',
    payload: {
      gridId: { node: 'Grid', description: 'The new grid or micro-grid.' },
      communityId: { node: 'Place', description: 'The community it belongs to.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      kind: 'What it is: grid or micro_grid.',
      parentId: { node: 'Grid', description: 'The grid a micro-grid nests in; null for a grid.' },
    },
  },
  'grid.places-added': {
    description:
      'Places were added to what a grid covers (compounds, bungalow areas or buildings; for a micro-grid, buildings, units or households).',
    payload: {
      gridId: { node: 'Grid', description: 'The grid or micro-grid that now covers them.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      placeIds: {
        node: 'Place',
        description:
          'The places added (compounds, bungalow areas or buildings for a grid; buildings, units or households for a micro-grid), a list.',
      },
    },
  },
  'grid.places-removed': {
    description: 'Places were taken off what a grid covers (the grids were redrawn): new requests there are no longer routed to it.',
    payload: {
      gridId: { node: 'Grid', description: 'The grid or micro-grid that no longer covers them.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      placeIds: { node: 'Place', description: 'The places taken off, a list.' },
    },
  },
  'grid.worker-assigned': {
    description: 'A person became a worker of a grid (网格员), from a start date.',
    payload: {
      gridId: { node: 'Grid', description: 'The grid or micro-grid they work.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      personId: { node: 'Person', description: 'The person assigned.' },
      assignmentId: { node: 'GridWorker', description: 'The assignment (with its start and end days).' },
      startsOn: 'Its first day, as a date YYYY-MM-DD.',
    },
  },
  'grid.worker-assignment-ended': {
    description: 'A grid worker’s assignment got its last day: from the next day the grid routes them no new request.',
    payload: {
      gridId: { node: 'Grid', description: 'The grid or micro-grid they worked.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      personId: { node: 'Person', description: 'The person whose assignment ends.' },
      assignmentId: { node: 'GridWorker', description: 'The assignment (with its start and end days).' },
      endsOn: 'Its last day, as a date YYYY-MM-DD.',
      handedOverToId: { node: 'Person', description: 'The colleague their open requests in the grid went to, or null.' },
      handedOver: 'How many requests were handed over (0 without a colleague).',
    },
  },
  'grid.adopted': {
    description: 'A partner unit adopted a grid (共建单位认领网格): its members may take the grid’s requests.',
    payload: {
      gridId: { node: 'Grid', description: 'The grid adopted.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      organizationId: { node: 'Organization', description: 'The partner unit that adopted it.' },
      adoptionId: { node: 'GridAdoption', description: 'The adoption (with its start day and note).' },
    },
  },
  'grid.request-routed': {
    description: 'A new request was routed to the grid covering its place, and to its least-loaded worker on duty if there was one.',
    payload: {
      requestId: { node: 'Request', description: 'The request routed.' },
      placePath: 'The materialised path of its place (ids from the root): who may see the event.',
      gridId: { node: 'Grid', description: 'The grid or micro-grid that took it (the most specific one with a worker on duty).' },
      assigneeId: {
        node: 'Person',
        description: 'The worker it was assigned to; null when nobody was on duty (it then waits to be accepted).',
      },
    },
  },
  'grid.visit-recorded': {
    description: 'A grid worker recorded a household visit (入户走访), with what was found.',
    payload: {
      visitId: { node: 'GridVisit', description: 'The visit.' },
      householdId: { node: 'Place', description: 'The household visited.' },
      placePath: 'The materialised path of the household (ids from the root): who may see the event.',
      workerId: { node: 'Person', description: 'The grid worker who made the visit (the person, not their assignment).' },
      findingIds: { node: 'GridFinding', description: 'The findings recorded, in the order given; empty when none.' },
      requestIds: {
        node: 'Request',
        description: 'The requests those findings opened (only findings asking for one), in order; empty when none.',
      },
    },
  },
  'grid.finding-opened-request': {
    description: 'A finding of a household visit opened a request.',
    payload: {
      findingId: { node: 'GridFinding', description: 'The finding, recorded on an earlier visit.' },
      requestId: { node: 'Request', description: 'The request it opened.' },
      placePath: 'The materialised path of the request’s place, the visited household (ids from the root): who may see the event.',
    },
  },
  'grid.attention-changed': {
    description: 'A household’s or building’s attention colour on the people’s-conditions map changed (red, orange, green).',
    payload: {
      markId: { node: 'GridAttentionMark', description: 'The new mark (with who set it, when and why).' },
      placeId: { node: 'Place', description: 'The household or building coloured.' },
      placePath: 'The materialised path of that place (ids from the root): who may see the event.',
      level: 'The colour now, in lower case: red, orange or green.',
      previousLevel: 'The colour before, in lower case; null when it had none.',
    },
  },
  'grid.meeting-recorded': {
    description: 'A grid’s weekly meeting (网格议事会) was recorded, with its notes (on the meeting).',
    payload: {
      meetingId: { node: 'GridMeeting', description: 'The meeting recorded.' },
      gridId: { node: 'Grid', description: 'The grid or micro-grid whose meeting it was.' },
      placePath: 'The materialised path of the grid’s community (ids from the root): who may see the event.',
      heldAt: 'When it was held, as an ISO 8601 time.',
    },
  },
  'grid.escalation-limit-set': {
    description: 'The time a request may wait at a level before it escalates was set for a community or a grid.',
    payload: {
      scope: 'What the limit was set for: grid or community.',
      scopeId: {
        node: { by: 'scope', types: { grid: 'Grid', community: 'Place' } },
        description: 'The grid or the community (a place) it was set for.',
      },
      placePath: 'The materialised path of the community (the grid’s, for a grid; ids from the root): who may see the event.',
      level: 'The level it applies to, in lower case: grid or community.',
      minutes: 'The limit, in minutes.',
      hours: 'Deprecated: the limit in whole hours, rounded up; read minutes.',
    },
  },
  'grid.reporter-registered': {
    description: 'A courier, rider or street cleaner registered as a little bee (小蜜蜂) of a subdistrict or community.',
    payload: {
      reporterId: { node: 'GridReporter', description: 'The registration.' },
      personId: { node: 'Person', description: 'The person registered.' },
      placePath:
        'The materialised path of the area they report in, a subdistrict or a community (ids from the root): who may see the event.',
    },
  },
  'grid.little-bee-reported': {
    description: 'A little bee reported a problem they saw, with where it was: it opened a request.',
    payload: {
      reportId: { node: 'GridReport', description: 'The report (with where the little bee stood).' },
      requestId: { node: 'Request', description: 'The request it opened.' },
      placePath: 'The materialised path of the place reported on (ids from the root): who may see the event.',
    },
  },
} as const satisfies PluginEventCatalog<'grid'>;
