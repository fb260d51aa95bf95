import type { PluginEventCatalog } from '@gongzhi/core';

/** The fields every council event carries, described. */
const councilFields = {
  councilId: { node: 'Council', description: 'The council.' },
  placePath: "The materialised path of the council's community (ids from the root): who may see the event.",
} as const;

/** Who owns an action item now: exactly one of the two is set. */
const ownerFields = {
  ownerPersonId: { node: 'Person', description: 'The person who owns it, or null when an organisation does.' },
  ownerOrganizationId: {
    node: 'Organization',
    description: 'The organisation (a party of the council) that owns it, or null when a person does.',
  },
} as const;

/** Every event the council plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const councilEvents = {
  'council.meeting-scheduled': {
    description: 'A member convened a council meeting (urgent ones need no notice).',
    payload: {
      ...councilFields,
      meetingId: { node: 'CouncilMeeting', description: 'The meeting.' },
      urgent: 'True for an urgent meeting (convened at short notice).',
    },
  },
  'council.meeting-reminder': {
    description: 'A council meeting starts soon (meetingReminderMinutes before, once per meeting): remind its members.',
    payload: {
      ...councilFields,
      meetingId: { node: 'CouncilMeeting', description: 'The meeting.' },
      title: "The meeting's title.",
      scheduledAt: 'When it starts, as an ISO 8601 time.',
      placeId: { node: 'Place', description: 'Where it meets, or null when no place was given.' },
    },
  },
  'council.meeting-rescheduled': {
    description: 'A member moved a council meeting to another time or place; its members are reminded again before the new time.',
    payload: {
      ...councilFields,
      meetingId: { node: 'CouncilMeeting', description: 'The meeting.' },
      scheduledAt: 'When it starts now, as an ISO 8601 time.',
      previousScheduledAt: 'When it was to start, as an ISO 8601 time.',
      placeId: { node: 'Place', description: 'Where it meets now, or null when no place was given.' },
    },
  },
  'council.meeting-cancelled': {
    description: 'A member called a council meeting off: tell its members not to come.',
    payload: {
      ...councilFields,
      meetingId: { node: 'CouncilMeeting', description: 'The meeting.' },
      scheduledAt: 'When it was to start, as an ISO 8601 time.',
      reason: 'Why, in words.',
    },
  },
  'council.vote-cast': {
    description: 'A seat’s vote on a proposal was cast, or changed.',
    payload: {
      ...councilFields,
      proposalId: { node: 'CouncilProposal', description: 'The proposal voted on.' },
      memberId: {
        node: 'CouncilMember',
        description: 'The seat the vote is for (held by a person or an organisation; not the person who cast it).',
      },
      changed: 'True when the seat changed its vote; false for its first vote.',
    },
  },
  'council.proposal-closed': {
    description: 'A proposal was closed and its outcome counted: passed, rejected, or no quorum.',
    payload: {
      ...councilFields,
      proposalId: { node: 'CouncilProposal', description: 'The proposal.' },
      outcome: 'The outcome, in lower case: passed, rejected or no_quorum.',
    },
  },
  'council.resident-poll-closed': {
    description:
      'A residents’ consultation poll (征得居民同意) was closed, with the agree and disagree answers and how many could have answered.',
    payload: {
      ...councilFields,
      pollId: { node: 'CouncilResidentPoll', description: 'The poll.' },
      proposalId: { node: 'CouncilProposal', description: 'The proposal the poll consulted the residents on.' },
      agree: 'How many residents answered agree.',
      disagree: 'How many residents answered disagree.',
      eligible: 'How many residents lived under the poll’s places when it closed (who could have answered).',
    },
  },
  'council.decision-made': {
    description: 'A council recorded a decision on a passed proposal, with its action items (分工) and funding.',
    payload: {
      ...councilFields,
      decisionId: { node: 'CouncilDecision', description: 'The decision.' },
      proposalId: { node: 'CouncilProposal', description: 'The passed proposal it decides.' },
      requestId: {
        node: 'Request',
        description: 'The request the proposal’s agenda item is about (now moved to in progress), or null when none.',
      },
      actionItemIds: { node: 'CouncilActionItem', description: 'Its action items, a list of ids in the order given.' },
    },
  },
  'council.action-item-updated': {
    description: 'An action item moved forward (to do, in progress, done) or got another owner.',
    payload: {
      ...councilFields,
      actionItemId: { node: 'CouncilActionItem', description: 'The action item.' },
      decisionId: { node: 'CouncilDecision', description: 'The decision it belongs to.' },
      status: 'Its status now, in lower case: todo, in_progress or done.',
      ...ownerFields,
      done: 'How many of the decision’s action items are done now.',
      total: 'How many action items the decision has.',
    },
  },
  'council.action-item-overdue': {
    description:
      'An action item was still unfinished after its due day ended (midnight in the council time zone, the district one unless set): announced once per item, to remind its owner.',
    payload: {
      ...councilFields,
      actionItemId: { node: 'CouncilActionItem', description: 'The action item.' },
      decisionId: { node: 'CouncilDecision', description: 'The decision it belongs to.' },
      dueOn: 'The due day that passed, YYYY-MM-DD.',
      status: 'Its status, in lower case: todo or in_progress.',
      ...ownerFields,
    },
  },
  'council.decision-completed': {
    description: 'Every action item of a decision is done; the request it was about was resolved when the person finishing may resolve it.',
    payload: {
      ...councilFields,
      decisionId: { node: 'CouncilDecision', description: 'The decision.' },
      requestId: { node: 'Request', description: 'The request the decision was about, or null when none.' },
      requestResolved:
        'True when the request was moved to resolved; false when there is none, or the person finishing may not move it (it stays in progress for community staff).',
    },
  },
} as const satisfies PluginEventCatalog<'council'>;
