import { batchLoader, type GongzhiContext, organizationMemberIds, type PlaceRule, refId } from '@gongzhi/core';
import { Council, CouncilMember } from './council.entity.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting.entity.js';
import { CouncilBallot, CouncilProposal, CouncilResidentPoll } from './proposal.entity.js';
import { t } from './db.js';

/** How each council table reaches its council: the foreign keys to follow, table by table. */
const ROUTES = {
  member: [['council_id', 'council']],
  meeting: [['council_id', 'council']],
  attendance: [
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  agenda_item: [
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  proposal: [
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  ballot: [
    ['proposal_id', 'proposal'],
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  resident_poll: [
    ['proposal_id', 'proposal'],
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  decision: [
    ['proposal_id', 'proposal'],
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  action_item: [
    ['decision_id', 'decision'],
    ['proposal_id', 'proposal'],
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
  funding_source: [
    ['decision_id', 'decision'],
    ['proposal_id', 'proposal'],
    ['agenda_item_id', 'agenda_item'],
    ['meeting_id', 'meeting'],
    ['council_id', 'council'],
  ],
} satisfies Record<string, readonly (readonly [column: string, table: string])[]>;

interface Owner {
  communityId: string;
  councilId: string;
}

/**
 * The community and council of a council row, found by joining up to its council in one
 * SQL statement per table and operation, however many rows a response holds.
 */
function councilOf(table: keyof typeof ROUTES, row: { uuid: string }, ctx: GongzhiContext): Promise<Owner | null> {
  const route = ROUTES[table];
  const joins = route.map(([column, target], i) => `JOIN ${t(target)} t${i + 1} ON t${i + 1}.id = t${i}.${column}`).join(' ');
  const last = `t${route.length}`;
  return batchLoader<string, Owner | null>(ctx, `council.owner.${table}`, async (ids) => {
    const rows = await ctx.em.execute<{ id: string; council_id: string; community_id: string }[]>(
      `SELECT t0.id, ${last}.id AS council_id, ${last}.community_id FROM ${t(table)} t0 ${joins} WHERE t0.id IN (?)`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, { communityId: r.community_id, councilId: r.council_id }]));
    return ids.map((id) => byId.get(id) ?? null);
  }).load(row.uuid);
}

/** The people who sit on a council, in person or through an organisation's seat; batched per operation. */
function membersOf(ctx: GongzhiContext, councilId: string): Promise<string[]> {
  return batchLoader<string, string[]>(ctx, 'council.members', async (ids) => {
    const seats = await ctx.em.execute<{ council_id: string; person_id: string | null; organization_id: string | null }[]>(
      `SELECT council_id, person_id, organization_id FROM ${t('member')} WHERE council_id IN (?)`,
      [ids],
    );
    // The members of the organisations holding seats: one batched read of core's for all of them.
    const seated = await Promise.all(
      seats.map(async (seat) => ({
        seat,
        organizationMembers: seat.organization_id ? await organizationMemberIds(ctx, seat.organization_id) : [],
      })),
    );
    const byCouncil = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
    for (const { seat, organizationMembers } of seated) {
      const people = byCouncil.get(seat.council_id);
      if (seat.person_id) people?.add(seat.person_id);
      for (const personId of organizationMembers) people?.add(personId);
    }
    return ids.map((id) => [...byCouncil.get(id)!]);
  }).load(councilId);
}

/** The rule of rows that hang off a council: its community decides, and its members always see it. */
function underCouncil(entity: PlaceRule['entity'], table: keyof typeof ROUTES): PlaceRule {
  return {
    entity,
    place: async (row: { uuid: string }, ctx) => (await councilOf(table, row, ctx))?.communityId ?? null,
    owners: async (row: { uuid: string }, ctx) => {
      const owner = await councilOf(table, row, ctx);
      return owner ? membersOf(ctx, owner.councilId) : [];
    },
  };
}

/**
 * Which community each council row belongs to. A council's work is the community's public
 * business: callers see it when they see the community, so do the people who live or work
 * below it (`visibleFromBelow`), who are asked for their opinion, and so do its members.
 */
export const councilPlaceRules: PlaceRule[] = (
  [
    {
      entity: Council,
      place: (council: Council) => refId(council.community),
      owners: (council: Council, ctx) => membersOf(ctx, council.uuid),
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
