import type { PluginEventCatalog } from '@gongzhi/core';

/** Every event the council plugin emits, with what it means (the plugin's `events`; `eventTypes` lists them). */
export const councilEvents = {
  'council.meeting-scheduled': 'A member convened a council meeting (urgent ones need no notice).',
  'council.meeting-reminder': 'A council meeting starts soon (meetingReminderMinutes before, once per meeting): remind its members.',
  'council.vote-cast': 'A seat’s vote on a proposal was cast, or changed.',
  'council.proposal-closed': 'A proposal was closed and its outcome counted: passed, rejected, or no quorum.',
  'council.resident-poll-closed': 'A residents’ consultation poll (征得居民同意) was closed, with the agree and disagree answers.',
  'council.decision-made': 'A council recorded a decision on a passed proposal, with its action items (分工) and funding.',
  'council.action-item-updated': 'An action item moved forward (to do, in progress, done) or got another owner.',
  'council.action-item-overdue':
    'An action item was still unfinished after its due day ended (Beijing time): announced once per item, to remind its owner.',
  'council.decision-completed':
    'Every action item of a decision is done; the request it was about was resolved when the person finishing may resolve it.',
} as const satisfies PluginEventCatalog<'council'>;
