import {
  keyedRows,
  type ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  findPage,
  organizationIdsOfPerson,
  organizationMemberIds,
  type Place,
  type ReadContext,
} from '@gongzhi/core';
import type { FilterQuery } from '@mikro-orm/core';
import { t } from '../db.js';
import { Council, type CouncilKind, CouncilMember } from './council.entity.js';

const BY_NAME: ConnectionOrder<Council> = { keys: ['name', 'uuid'], direction: 'asc' };

/**
 * A page of the councils of the communities under `under` (or all), optionally of one kind; by
 * name. The schema guard drops the councils the caller may not see, as it did from the list.
 */
export function councilsUnder(
  ctx: ReadContext,
  filter: { under: Place | null; kind: CouncilKind | null },
  page: ConnectionArgs,
): Promise<ConnectionPage<Council>> {
  const where: FilterQuery<Council> = {};
  if (filter.kind) where.kind = filter.kind;
  if (filter.under) where.community = { path: { $like: `${filter.under.path}%` } };
  return findPage(ctx, Council, where, BY_NAME, page, {
    connection: 'Query.councils',
    filter: { under: filter.under?.uuid ?? null, kind: filter.kind },
    defaultSize: 50,
  });
}

/** The council with its community loaded (its path is on every event and every linking rule). */
export async function withCommunity(ctx: ReadContext, council: Council): Promise<Council> {
  await ctx.em.populate(council, ['community']);
  return council;
}

/**
 * The seats person `personId` may act for in `council`: their own seat, and the seat of every
 * organisation they are a member of (core's organisation memberships); a vacated seat is nobody's
 * to act for. Holders loaded, oldest first.
 */
export async function seatsOf(ctx: ReadContext, council: Council, personId: string): Promise<CouncilMember[]> {
  const organizations = await organizationIdsOfPerson(ctx, personId);
  return ctx.em.find(
    CouncilMember,
    {
      council,
      vacatedAt: null,
      $or: [{ person: personId }, ...(organizations.length ? [{ organization: { $in: organizations } }] : [])],
    },
    { populate: ['organization', 'person'], orderBy: { createdAt: 'asc' } },
  );
}

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

/** A table of rows that hang off a council. */
export type CouncilRowTable = keyof typeof ROUTES;

/** The council a row belongs to, and that council's community. */
export interface CouncilOwner {
  communityId: string;
  councilId: string;
}

/**
 * The community and council of a council row, found by joining up to its council in one SQL
 * statement per table and operation, however many rows a response holds.
 */
export async function ownerOfRow(ctx: ReadContext, table: CouncilRowTable, rowId: string): Promise<CouncilOwner | null> {
  const route = ROUTES[table];
  const joins = route.map(([column, target], i) => `JOIN ${t(target)} t${i + 1} ON t${i + 1}.id = t${i}.${column}`).join(' ');
  const last = `t${route.length}`;
  const [owner] = await keyedRows<{ id: string; council_id: string; community_id: string }>(ctx, `council.owner.${table}`, rowId, {
    sql: (match) => `SELECT t0.id, ${last}.id AS council_id, ${last}.community_id FROM ${t(table)} t0 ${joins} WHERE t0.id ${match}`,
    keyColumn: 'id',
    type: 'uuid',
  });
  return owner ? { communityId: owner.community_id, councilId: owner.council_id } : null;
}

/** The uuids of the people who sit on a council (seats not vacated), in person or through an organisation's seat; batched per operation. */
export async function councilPeople(ctx: ReadContext, councilId: string): Promise<string[]> {
  const seats = await keyedRows<{ council_id: string; person_id: string | null; organization_id: string | null }>(
    ctx,
    'council.members',
    councilId,
    {
      sql: (match) => `SELECT council_id, person_id, organization_id FROM ${t('member')} WHERE council_id ${match} AND vacated_at IS NULL`,
      keyColumn: 'council_id',
      type: 'uuid',
    },
  );
  // The members of the organisations holding seats: one batched read of core's for every council of the tick.
  const seated = await Promise.all(
    seats.map((seat) => (seat.organization_id ? organizationMemberIds(ctx, seat.organization_id) : Promise.resolve([]))),
  );
  const people = new Set<string>();
  seats.forEach((seat, i) => {
    if (seat.person_id) people.add(seat.person_id);
    for (const personId of seated[i] ?? []) people.add(personId);
  });
  return [...people];
}
