import { definePlugin, packageVersion, PersonRoleKind } from '@gongzhi/core';
import { CouncilPermission } from './council.permissions.js';
import './council.events.js';
import { councilPlaceRules } from './council.place-rules.js';
import { Council, CouncilMember } from './council.entity.js';
import { CouncilMemberResolver, CouncilResolver } from './council.resolver.js';
import { type CouncilOptions, type CouncilServices } from './council.service.js';
import {
  OrganizationCouncilResolver,
  PersonCouncilResolver,
  PlaceCouncilsResolver,
  RequestCouncilItemsResolver,
} from './core-fields.resolver.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { CouncilActionItemResolver, CouncilDecisionResolver } from './decision.resolver.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting.entity.js';
import { CouncilAgendaItemResolver, CouncilMeetingResolver } from './meeting.resolver.js';
import { councils } from './migrations/0001_councils.js';
import { actionItemPlacePath } from './migrations/0002_action_item_place_path.js';
import { councilActionItemBoardItems } from './action-item.board.js';
import {
  CouncilBallot,
  CouncilProposal,
  CouncilResidentPoll,
  CouncilResidentPollAnswer,
  CouncilResidentPollPlace,
} from './proposal.entity.js';
import { CouncilBallotResolver, CouncilProposalResolver, CouncilResidentPollResolver } from './proposal.resolver.js';
import { seedCouncils } from './seed.js';
import { DB_SCHEMA } from './db.js';

export * from './council-enums.js';
export { CouncilPermission } from './council.permissions.js';
export type * from './council.events.js';
export {
  Council,
  CouncilMember,
  CouncilMeeting,
  CouncilAttendance,
  CouncilAgendaItem,
  CouncilProposal,
  CouncilBallot,
  CouncilResidentPoll,
};
export { CouncilDecision, CouncilActionItem, CouncilFundingSource };
export { CouncilService, type CouncilOptions, type CouncilServices } from './council.service.js';
export { outcome, quorumMet, type Tally } from './voting.js';

/** Community deliberation (议事会, 协商议事, 五方共建): councils, meetings, proposals, decisions with duties and funding. */
export const plugin = definePlugin<CouncilOptions>({
  id: 'council',
  version: packageVersion(import.meta.url),
  dbSchema: DB_SCHEMA,
  coreRange: '^0.2.0',
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
  permissions: {
    [CouncilPermission.MANAGE]: { description: 'Set up councils and their seats in a community.', roles: [PersonRoleKind.SOCIAL_WORKER] },
  },
  migrations: [councils, actionItemPlacePath],
  boardItems: [councilActionItemBoardItems],
  resolvers: [
    CouncilResolver,
    CouncilMemberResolver,
    CouncilMeetingResolver,
    CouncilAgendaItemResolver,
    CouncilProposalResolver,
    CouncilBallotResolver,
    CouncilResidentPollResolver,
    CouncilDecisionResolver,
    CouncilActionItemResolver,
    PlaceCouncilsResolver,
    RequestCouncilItemsResolver,
    OrganizationCouncilResolver,
    PersonCouncilResolver,
  ],
  options: {
    defaults: { noticeHours: 24 },
    validate: (o) =>
      Number.isFinite(o.noticeHours) && o.noticeHours >= 0
        ? []
        : [`noticeHours must be a number of hours ≥ 0 (e.g. 24), got ${JSON.stringify(o.noticeHours)}`],
  },
  services: (ctx): CouncilServices => ({ options: ctx.options }),
  seed: (ctx) => seedCouncils(ctx.em(), ctx.now),
});

export default plugin;
