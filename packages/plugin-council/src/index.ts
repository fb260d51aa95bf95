import { definePlugin, packageVersion, peerRange, PersonRoleKind } from '@gongzhi/core';
import { Council, CouncilMember } from './council/council.entity.js';
import { actionItemsExport } from './decision/action-item.export.js';
import {
  CouncilMeetingsResolver,
  CouncilMemberResolver,
  CouncilMembersResolver,
  CouncilResolver,
  OrganizationCouncilSeatsResolver,
  PersonCouncilSeatsResolver,
  PlaceCouncilsResolver,
} from './council/council.resolver.js';
import { councilActionItemBoardItems } from './decision/decision.board.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision/decision.entity.js';
import {
  CouncilActionItemResolver,
  CouncilDecisionActionItemsResolver,
  CouncilDecisionFundingSourcesResolver,
  CouncilDecisionResolver,
  OrganizationCouncilActionItemsResolver,
} from './decision/decision.resolver.js';
import { DB_SCHEMA } from './db.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting/meeting.entity.js';
import {
  CouncilAgendaItemProposalsResolver,
  CouncilMeetingAgendaResolver,
  CouncilMeetingAttendanceResolver,
  CouncilMeetingResolver,
  RequestCouncilItemsResolver,
} from './meeting/meeting.resolver.js';
import { councils } from './migrations/0001_councils.js';
import { actionItemPlacePath } from './migrations/0002_action_item_place_path.js';
import { connectionIndexes } from './migrations/0003_connection_indexes.js';
import { memberVacated } from './migrations/0004_member_vacated.js';
import { actionItemOverdue } from './migrations/0005_action_item_overdue.js';
import { meetingReminders } from './migrations/0006_meeting_reminders.js';
import { memberSeatedAgain } from './migrations/0007_member_seated_again.js';
import { meetingChanges } from './migrations/0008_meeting_changes.js';
import { meetingReminderTask, remindMeetings } from './meeting/reminder.task.js';
import { announceOverdueActionItems, overdueActionItemsTask } from './decision/overdue.task.js';
import { type CouncilOptions, type CouncilServices, DEFAULT_OPTIONS, validateOptions } from './options.js';
import { CouncilPermission } from './permissions.js';
import { councilPersonalData } from './personal-data.js';
import { councilPlaceRules } from './place-rules.js';
import { CouncilResidentPoll, CouncilResidentPollAnswer, CouncilResidentPollPlace } from './poll/poll.entity.js';
import { CouncilResidentPollResolver } from './poll/poll.resolver.js';
import { CouncilBallot, CouncilProposal } from './proposal/proposal.entity.js';
import { CouncilProposalBallotsResolver, CouncilProposalResolver } from './proposal/proposal.resolver.js';
import { seedCouncils } from './seed.js';
import { councilMessages } from './messages.js';
import { councilEvents } from './event-catalog.js';

// The public API: entities and their enums, the commands (for other plugins, jobs and the CLI), the voting rules, options, events.
export { Council, CouncilKind, CouncilMember, SeatType, VoteCounting, VotingRule } from './council/council.entity.js';
export { addCouncilMember, createCouncil, updateCouncil, vacateCouncilSeat } from './council/council.commands.js';
export { CouncilAgendaItem, AgendaItemKind, CouncilAttendance, CouncilMeeting } from './meeting/meeting.entity.js';
export { addCouncilAgendaItem, recordCouncilAttendance, recordCouncilMinutes, scheduleCouncilMeeting } from './meeting/meeting.commands.js';
export { CouncilBallot, CouncilProposal, ProposalOutcome, ProposalStatus, VoteChoice } from './proposal/proposal.entity.js';
export { castCouncilVote, changeCouncilVote, closeCouncilProposal, createCouncilProposal } from './proposal/proposal.commands.js';
export { outcome, quorumMet, type Tally } from './proposal/voting.js';
export { CouncilResidentPoll, PollAnswer } from './poll/poll.entity.js';
export { answerCouncilResidentPoll, closeCouncilResidentPoll, openCouncilResidentPoll } from './poll/poll.commands.js';
export { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource, FundingKind } from './decision/decision.entity.js';
export { announceOverdueActionItem, recordCouncilDecision, updateCouncilActionItem } from './decision/decision.commands.js';
export { CouncilPermission } from './permissions.js';
export type { CouncilOptions, CouncilServices } from './options.js';
export type * from './council/council.events.js';
export type * from './meeting/meeting.events.js';
export type * from './proposal/proposal.events.js';
export type * from './poll/poll.events.js';
export type * from './decision/decision.events.js';

/** Community deliberation (议事会, 协商议事, 五方共建): councils, meetings, proposals, decisions with duties and funding. */
export const plugin = definePlugin<CouncilOptions>({
  id: 'council',
  version: packageVersion(import.meta.url),
  dbSchema: DB_SCHEMA,
  coreRange: peerRange(import.meta.url, '@gongzhi/core'),
  events: councilEvents,
  entities: [
    Council,
    CouncilMember,
    CouncilMeeting,
    CouncilAttendance,
    CouncilAgendaItem,
    CouncilProposal,
    CouncilBallot,
    CouncilResidentPoll,
    CouncilResidentPollPlace,
    CouncilResidentPollAnswer,
    CouncilDecision,
    CouncilActionItem,
    CouncilFundingSource,
  ],
  placeRules: councilPlaceRules,
  personalData: councilPersonalData,
  permissions: {
    [CouncilPermission.MANAGE]: { description: 'Set up councils and their seats in a community.', roles: [PersonRoleKind.SOCIAL_WORKER] },
  },
  // What the database's rules mean when concurrent requests meet them (the commands check first, the database decides).
  messages: councilMessages,
  constraintErrors: {
    council_community_id_name_key: { message: councilMessages.constraintCouncilCommunityIdNameKey, field: 'input.name' },
    member_person_unique: { message: councilMessages.constraintMemberPersonUnique, field: 'personId' },
    member_organization_unique: { message: councilMessages.constraintMemberOrganizationUnique, field: 'organizationId' },
    resident_poll_proposal_id_key: { message: councilMessages.constraintResidentPollProposalIdKey, field: 'proposalId' },
    decision_proposal_id_key: { message: councilMessages.constraintDecisionProposalIdKey, field: 'input.proposalId' },
  },
  migrations: [
    councils,
    actionItemPlacePath,
    connectionIndexes,
    memberVacated,
    actionItemOverdue,
    meetingReminders,
    memberSeatedAgain,
    meetingChanges,
  ],
  boardItems: [councilActionItemBoardItems],
  resolvers: [
    CouncilResolver,
    CouncilMembersResolver,
    CouncilMeetingsResolver,
    CouncilMemberResolver,
    CouncilMeetingResolver,
    CouncilMeetingAttendanceResolver,
    CouncilMeetingAgendaResolver,
    CouncilAgendaItemProposalsResolver,
    CouncilProposalResolver,
    CouncilProposalBallotsResolver,
    CouncilResidentPollResolver,
    CouncilDecisionResolver,
    CouncilDecisionActionItemsResolver,
    CouncilDecisionFundingSourcesResolver,
    CouncilActionItemResolver,
    // Fields on core's types.
    PlaceCouncilsResolver,
    PersonCouncilSeatsResolver,
    OrganizationCouncilSeatsResolver,
    OrganizationCouncilActionItemsResolver,
    RequestCouncilItemsResolver,
  ],
  // Due days end at midnight in the district's time zone unless the council is given its own.
  options: { defaults: (host) => ({ ...DEFAULT_OPTIONS, timeZone: host.timeZone }), validate: validateOptions },
  services: (ctx): CouncilServices => ({
    options: ctx.options,
    announceOverdueActionItems: () => announceOverdueActionItems(ctx),
    remindMeetings: () => remindMeetings(ctx),
  }),
  scheduledTasks: [overdueActionItemsTask, meetingReminderTask],
  spreadsheetExports: [actionItemsExport],
  seed: seedCouncils,
});

export default plugin;
