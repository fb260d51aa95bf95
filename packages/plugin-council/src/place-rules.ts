import { type PlaceRule, refId } from '@gongzhi/core';
import { Council, CouncilMember } from './council/council.entity.js';
import { councilPeople, type CouncilRowTable, ownerOfRow } from './council/council.queries.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision/decision.entity.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting/meeting.entity.js';
import { CouncilResidentPoll } from './poll/poll.entity.js';
import { CouncilBallot, CouncilProposal } from './proposal/proposal.entity.js';

/** The rule of rows that hang off a council: its community decides, and its members always see it. */
function underCouncil(entity: PlaceRule['entity'], table: CouncilRowTable): PlaceRule {
  return {
    entity,
    place: async (row: { uuid: string }, ctx) => (await ownerOfRow(ctx, table, row.uuid))?.communityId ?? null,
    owners: async (row: { uuid: string }, ctx) => {
      const owner = await ownerOfRow(ctx, table, row.uuid);
      return owner ? councilPeople(ctx, owner.councilId) : [];
    },
  };
}

/**
 * Which community each council row belongs to. A council's work is the community's public
 * business: callers see it when they see the community, so do the people who live or work
 * below it (`visibleFromBelow`), who are asked for their opinion, and so do its members.
 * Linking rules use the same places: a row links to a council row when it lies on the line of
 * the council's community.
 */
export const councilPlaceRules: PlaceRule[] = (
  [
    {
      entity: Council,
      place: (council: Council) => refId(council.community),
      owners: (council: Council, ctx) => councilPeople(ctx, council.uuid),
    },
    underCouncil(CouncilMember, 'member'),
    underCouncil(CouncilMeeting, 'meeting'),
    underCouncil(CouncilAttendance, 'attendance'),
    underCouncil(CouncilAgendaItem, 'agenda_item'),
    underCouncil(CouncilProposal, 'proposal'),
    underCouncil(CouncilBallot, 'ballot'),
    underCouncil(CouncilResidentPoll, 'resident_poll'),
    underCouncil(CouncilDecision, 'decision'),
    underCouncil(CouncilActionItem, 'action_item'),
    underCouncil(CouncilFundingSource, 'funding_source'),
  ] as PlaceRule[]
).map((rule) => ({ ...rule, visibleFromBelow: true }));
