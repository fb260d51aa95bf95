import {
  actingPerson,
  authorize,
  type EventEmitter,
  expectRow,
  type GongzhiContext,
  isResidentUnder,
  localId,
  Organization,
  OrganizationMember,
  organizationMemberCount,
  type Person,
  type Place,
  placePath,
  placeSummaries,
  PlaceType,
  readContext,
  refId,
  Request,
  RequestStatus,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  requireVisible,
  residentCountUnder,
  userError,
} from '@gongzhi/core';
import { CouncilPermission } from './council.permissions.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from './em.js';
import {
  ActionItemStatus,
  AgendaItemKind,
  type PollAnswer,
  ProposalOutcome,
  ProposalStatus,
  type SeatType,
  VoteChoice,
  VoteCounting,
} from './council-enums.js';
import { Council, CouncilMember } from './council.entity.js';
import type { CouncilEventPayload } from './council.events.js';
import type {
  AddCouncilAgendaItemInput,
  CreateCouncilInput,
  RecordCouncilDecisionInput,
  ScheduleCouncilMeetingInput,
} from './council.inputs.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { CouncilAgendaItem, CouncilMeeting } from './meeting.entity.js';
import { CouncilBallot, CouncilProposal, CouncilResidentPoll, CouncilResidentPollPlace } from './proposal.entity.js';
import { advanceRequest } from './request-workflow.js';
import { outcome } from './voting.js';
import { t } from './db.js';

/** The plugin's options. */
export interface CouncilOptions {
  /** Hours of notice a meeting needs unless it is urgent (紧急议事). */
  noticeHours: number;
}

/** What the council plugin offers (to dependent plugins, and to its own resolvers). */
export interface CouncilServices {
  options: CouncilOptions;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    council: CouncilServices;
  }
}

interface Tx {
  em: EntityManager;
  emit: EventEmitter;
}

const OPTIONS_FALLBACK: CouncilOptions = { noticeHours: 24 };

function nonEmpty(value: string, argument: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw userError('BAD_USER_INPUT', `"${argument}" must not be empty.`, argument);
  return trimmed;
}

function base(council: Council): CouncilEventPayload {
  return { councilId: council.uuid, placePath: council.community.path };
}

/**
 * The council workflow. Each method is one transaction (events go out after commit); rules
 * that concurrent requests could break are kept by the database: row locks on the proposal
 * or poll being voted on or closed, unique ballots and answers, a lock on the decision whose
 * action items change.
 */
export class CouncilService {
  constructor(private readonly ctx: GongzhiContext) {}

  private run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.events.transaction(this.ctx.em, work, this.ctx.caller?.id);
  }

  private get options(): CouncilOptions {
    try {
      return this.ctx.services.get('council').options;
    } catch {
      return OPTIONS_FALLBACK;
    }
  }

  // ---- councils and seats -------------------------------------------------------------

  async createCouncil(input: CreateCouncilInput): Promise<Council> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    const target = await requirePlace(this.ctx, input.communityId, 'communityId', [PlaceType.COMMUNITY]);
    await authorize(this.ctx, CouncilPermission.MANAGE, target.path);
    const name = nonEmpty(input.name, 'name');
    if (!Number.isInteger(input.quorumPercent) || input.quorumPercent < 0 || input.quorumPercent > 100) {
      throw userError(
        'BAD_USER_INPUT',
        `"quorumPercent" must be a whole number from 0 to 100 (the share of voting weight that must vote), got ${input.quorumPercent}.`,
        'quorumPercent',
      );
    }
    return this.run(async ({ em }) => {
      const community = await requirePlace(em, input.communityId, 'communityId', [PlaceType.COMMUNITY]);
      if (await em.count(Council, { community, name })) {
        throw userError('CONFLICT', `${community.name} already has a council named "${name}"; choose another name.`, 'name');
      }
      const council = em.create(Council, {
        name,
        kind: input.kind,
        description: input.description?.trim() || null,
        votingRule: input.votingRule,
        voteCounting: input.voteCounting,
        quorumPercent: input.quorumPercent,
        community,
      });
      await this.flushUnique(em, `${community.name} already has a council named "${name}"; choose another name.`, 'name');
      return council;
    });
  }

  async addMember(councilId: string, seatType: SeatType, personId?: string | null, organizationId?: string | null): Promise<CouncilMember> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    const seated = await requireVisible(this.ctx, this.ctx.em, Council, 'Council', councilId, 'councilId');
    await authorize(this.ctx, CouncilPermission.MANAGE, await placePath(this.ctx, refId(seated.community)!));
    if (!!personId === !!organizationId) {
      throw userError(
        'BAD_USER_INPUT',
        'A seat is held by a person or by an organisation: give exactly one of "personId" and "organizationId".',
        personId ? 'organizationId' : 'personId',
      );
    }
    return this.run(async ({ em }) => {
      const council = await requireEntity(em, Council, 'Council', councilId, 'councilId');
      const person = personId ? await requirePerson(em, personId, 'personId') : null;
      const organization = organizationId ? await requireEntity(em, Organization, 'Organization', organizationId, 'organizationId') : null;
      const holder = person?.name ?? organization!.name;
      const message = `${holder} already holds a seat on ${council.name}; a person or organisation sits once.`;
      if (await em.count(CouncilMember, person ? { council, person } : { council, organization })) {
        throw userError('ALREADY_MEMBER', message, person ? 'personId' : 'organizationId');
      }
      const member = em.create(CouncilMember, { council, seatType, person, organization });
      await this.flushUnique(em, message, person ? 'personId' : 'organizationId', 'ALREADY_MEMBER');
      return member;
    });
  }

  /**
   * The seats `person` may vote for in `council`: their own seat, and the seat of every
   * organisation they are a member of (core OrganizationMember).
   */
  async seatsOf(em: EntityManager, council: Council, person: Person): Promise<CouncilMember[]> {
    const memberships = await em.find(OrganizationMember, { person });
    const organizations = memberships.map((m: OrganizationMember) => m.organization.uuid);
    return em.find(
      CouncilMember,
      { council, $or: [{ person }, ...(organizations.length ? [{ organization: { $in: organizations } }] : [])] },
      { populate: ['organization', 'person'], orderBy: { createdAt: 'asc' } },
    );
  }

  /**
   * Checks that the actor sits on the council (their own seat, or through an organisation's):
   * only members convene meetings, propose, close votes, open polls and record decisions.
   */
  private async requireMembership(em: EntityManager, council: Council, actor: Person): Promise<void> {
    const seats = await this.seatsOf(em, council, actor);
    if (seats.length === 0) {
      throw userError(
        'NOT_A_MEMBER',
        `${actor.name} holds no seat on ${council.name} and is not a member of an organisation that does; only its members may do this.`,
      );
    }
  }

  /** The seat the actor votes for: `memberId` if given, else their only seat. */
  private async requireSeat(em: EntityManager, council: Council, actor: Person, memberId?: string | null): Promise<CouncilMember> {
    const seats = await this.seatsOf(em, council, actor);
    const [first] = seats;
    if (!first) {
      throw userError(
        'NOT_A_MEMBER',
        `${actor.name} holds no seat on ${council.name} and is not a member of an organisation that does; only its members may do this.`,
      );
    }
    if (memberId) {
      const uuid = localId(memberId, 'CouncilMember', 'memberId');
      const seat = seats.find((s) => s.uuid === uuid);
      if (!seat) {
        throw userError(
          'NOT_A_MEMBER',
          `${actor.name} may not act for that seat; they may act for: ${seats.map(seatName).join(', ')}.`,
          'memberId',
        );
      }
      return seat;
    }
    if (seats.length > 1) {
      throw userError(
        'SEAT_AMBIGUOUS',
        `${actor.name} may act for several seats (${seats.map(seatName).join(', ')}): say which one with "memberId".`,
        'memberId',
      );
    }
    return first;
  }

  // ---- meetings -----------------------------------------------------------------------

  async scheduleMeeting(input: ScheduleCouncilMeetingInput): Promise<CouncilMeeting> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, Council, 'Council', input.councilId, 'councilId');
    const title = nonEmpty(input.title, 'title');
    const actor = await actingPerson(this.ctx);
    const now = this.ctx.now();
    const notice = this.options.noticeHours;
    if (!input.urgent && input.scheduledAt.getTime() < now.getTime() + notice * 3_600_000) {
      throw userError(
        'NOTICE_TOO_SHORT',
        `A meeting needs ${notice} hours' notice: schedule it at ${new Date(now.getTime() + notice * 3_600_000).toISOString()} or later, or set "urgent" to convene it within hours.`,
        'scheduledAt',
      );
    }
    if (input.urgent && input.scheduledAt.getTime() < now.getTime() - 24 * 3_600_000) {
      throw userError('BAD_USER_INPUT', '"scheduledAt" of an urgent meeting must be within the last day or in the future.', 'scheduledAt');
    }
    return this.run(async ({ em, emit }) => {
      const council = await this.loadCouncil(em, input.councilId, 'councilId');
      await this.requireMembership(em, council, actor);
      const place = input.placeId ? await requirePlace(em, input.placeId, 'placeId') : null;
      const meeting = em.create(CouncilMeeting, {
        council,
        title,
        place,
        scheduledAt: input.scheduledAt,
        urgent: input.urgent,
        convenedBy: actor,
      });
      await em.flush();
      await emit('council.meeting-scheduled', { ...base(council), meetingId: meeting.uuid, urgent: meeting.urgent });
      return meeting;
    });
  }

  /** Records which seats attended; recording a seat twice is harmless. */
  async recordAttendance(meetingId: string, memberIds: string[]): Promise<CouncilMeeting> {
    const actor = await actingPerson(this.ctx);
    return this.run(async ({ em }) => {
      const meeting = await requireEntity(em, CouncilMeeting, 'CouncilMeeting', meetingId, 'meetingId');
      await this.requireMembership(em, await this.councilOfMeeting(em, meeting.uuid), actor);
      const uuids = memberIds.map((id) => localId(id, 'CouncilMember', 'memberIds'));
      const members = await em.find(CouncilMember, { uuid: { $in: uuids }, council: meeting.council });
      if (members.length !== new Set(uuids).size) {
        throw userError('BAD_USER_INPUT', '"memberIds" must name seats of the council holding this meeting; some do not.', 'memberIds');
      }
      for (const member of members) {
        await em.execute(
          `INSERT INTO ${t('attendance')} (id, meeting_id, member_id, recorded_by_id) VALUES (gen_random_uuid(), ?, ?, ?) ON CONFLICT (meeting_id, member_id) DO NOTHING`,
          [meeting.uuid, member.uuid, actor.uuid],
          'run',
        );
      }
      return meeting;
    });
  }

  async addAgendaItem(input: AddCouncilAgendaItemInput): Promise<CouncilAgendaItem> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilMeeting, 'CouncilMeeting', input.meetingId, 'meetingId');
    const title = nonEmpty(input.title, 'title');
    if (input.requestId && input.gridFindingId) {
      throw userError(
        'BAD_USER_INPUT',
        'An agenda item is about a request or a grid finding, not both: give "requestId" or "gridFindingId" (or neither for a free topic).',
        'gridFindingId',
      );
    }
    if (input.gridFindingId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.gridFindingId)) {
      throw userError(
        'BAD_USER_INPUT',
        `"gridFindingId" must be the uuid of a grid finding, got "${input.gridFindingId}".`,
        'gridFindingId',
      );
    }
    const actor = await actingPerson(this.ctx);
    return this.run(async ({ em }) => {
      const meetingUuid = localId(input.meetingId, 'CouncilMeeting', 'meetingId');
      // Lock the meeting so two items added at once take distinct positions.
      const locked = await em.execute(`SELECT id FROM ${t('meeting')} WHERE id = ? FOR UPDATE`, [meetingUuid]);
      if (!locked.length)
        throw userError('NOT_FOUND', `No CouncilMeeting has the id given in "meetingId" (${input.meetingId}).`, 'meetingId');
      const meeting = await em.findOneOrFail(CouncilMeeting, { uuid: meetingUuid });
      await this.requireMembership(em, await this.councilOfMeeting(em, meeting.uuid), actor);
      const request = input.requestId ? await requireEntity(em, Request, 'Request', input.requestId, 'requestId') : null;
      const { next } = expectRow(
        await em.execute<{ next: number }[]>(
          `SELECT coalesce(max(position), 0) + 1 AS next FROM ${t('agenda_item')} WHERE meeting_id = ?`,
          [meeting.uuid],
        ),
        'the next agenda position',
      );
      const kind = request ? AgendaItemKind.REQUEST : input.gridFindingId ? AgendaItemKind.GRID_FINDING : AgendaItemKind.TOPIC;
      const item = em.create(CouncilAgendaItem, {
        meeting,
        position: Number(next),
        kind,
        title,
        request,
        gridFindingId: input.gridFindingId?.toLowerCase() ?? null,
      });
      await em.flush();
      return item;
    });
  }

  async recordMinutes(agendaItemId: string, minutes: string): Promise<CouncilAgendaItem> {
    const actor = await actingPerson(this.ctx);
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilAgendaItem, 'CouncilAgendaItem', agendaItemId, 'agendaItemId');
    return this.run(async ({ em }) => {
      const item = await requireEntity(em, CouncilAgendaItem, 'CouncilAgendaItem', agendaItemId, 'agendaItemId');
      await this.requireMembership(em, await this.councilOfMeeting(em, item.meeting.uuid), actor);
      item.minutes = minutes.trim() || null;
      await em.flush();
      return item;
    });
  }

  // ---- proposals and votes ------------------------------------------------------------

  async createProposal(agendaItemId: string, text: string): Promise<CouncilProposal> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilAgendaItem, 'CouncilAgendaItem', agendaItemId, 'agendaItemId');
    const body = nonEmpty(text, 'text');
    const actor = await actingPerson(this.ctx);
    return this.run(async ({ em }) => {
      const item = await requireEntity(em, CouncilAgendaItem, 'CouncilAgendaItem', agendaItemId, 'agendaItemId');
      const council = await this.councilOfMeeting(em, item.meeting.uuid);
      await this.requireMembership(em, council, actor);
      const proposal = em.create(CouncilProposal, { agendaItem: item, text: body });
      await em.flush();
      return proposal;
    });
  }

  /**
   * Casts (or, with `change`, changes) the vote of the actor's seat. The proposal row is
   * locked FOR SHARE first: votes run side by side, but a close waits for them, and a vote
   * after a close sees it closed. So a vote is either counted or refused, never lost.
   */
  async vote(proposalId: string, choice: VoteChoice, memberId: string | null | undefined, change: boolean): Promise<CouncilBallot> {
    const actor = await actingPerson(this.ctx);
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilProposal, 'CouncilProposal', proposalId, 'proposalId');
    return this.run(async ({ em, emit }) => {
      const uuid = localId(proposalId, 'CouncilProposal', 'proposalId');
      const [row] = await em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('proposal')} WHERE id = ? FOR SHARE`, [uuid]);
      if (!row) throw userError('NOT_FOUND', `No CouncilProposal has the id given in "proposalId" (${proposalId}).`, 'proposalId');
      if (row.status !== ProposalStatus.OPEN) {
        throw userError(
          'PROPOSAL_CLOSED',
          'Voting on this proposal has closed; its outcome is recorded. Votes are taken only while a proposal is open.',
          'proposalId',
        );
      }
      const proposal = await em.findOneOrFail(CouncilProposal, { uuid }, { populate: ['agendaItem'] });
      const council = await this.councilOfMeeting(em, proposal.agendaItem.meeting.uuid);
      const seat = await this.requireSeat(em, council, actor, memberId);
      let ballotId: string | undefined;
      if (change) {
        const [updated] = await em.execute<{ id: string }[]>(
          `UPDATE ${t('ballot')} SET choice = ?, cast_by_id = ?, updated_at = ? WHERE proposal_id = ? AND member_id = ? RETURNING id`,
          [choice, actor.uuid, this.ctx.now(), uuid, seat.uuid],
        );
        if (!updated)
          throw userError(
            'NO_VOTE_YET',
            `${seatName(seat)} has not voted on this proposal yet; cast the vote with castCouncilVote.`,
            'proposalId',
          );
        ballotId = updated.id;
      } else {
        const [inserted] = await em.execute<{ id: string }[]>(
          `INSERT INTO ${t('ballot')} (id, proposal_id, member_id, choice, cast_by_id, created_at, updated_at)
           VALUES (gen_random_uuid(), ?, ?, ?, ?, ?, ?) ON CONFLICT ON CONSTRAINT ballot_one_per_member DO NOTHING RETURNING id`,
          [uuid, seat.uuid, choice, actor.uuid, this.ctx.now(), this.ctx.now()],
        );
        if (!inserted) {
          const existing = await em.findOneOrFail(CouncilBallot, { proposal: uuid, member: seat }, { refresh: true, populate: ['castBy'] });
          throw userError(
            'ALREADY_VOTED',
            `${seatName(seat)} already voted ${existing.choice.toUpperCase()} (cast by ${existing.castBy.name}); one vote per seat. To change it while the vote is open, use changeCouncilVote.`,
            'proposalId',
          );
        }
        ballotId = inserted.id;
      }
      await emit('council.vote-cast', { ...base(council), proposalId: uuid, memberId: seat.uuid, changed: change });
      return em.findOneOrFail(CouncilBallot, { uuid: ballotId }, { refresh: true });
    });
  }

  /**
   * Closes a proposal and records its outcome by the council's rule, counting and quorum.
   * `SELECT … FOR UPDATE` waits for votes in flight (they hold the row FOR SHARE), so the
   * tally that follows counts every vote committed before the close and none after.
   */
  async closeProposal(proposalId: string): Promise<CouncilProposal> {
    const actor = await actingPerson(this.ctx);
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilProposal, 'CouncilProposal', proposalId, 'proposalId');
    return this.run(async ({ em, emit }) => {
      const uuid = localId(proposalId, 'CouncilProposal', 'proposalId');
      const [row] = await em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('proposal')} WHERE id = ? FOR UPDATE`, [uuid]);
      if (!row) throw userError('NOT_FOUND', `No CouncilProposal has the id given in "proposalId" (${proposalId}).`, 'proposalId');
      if (row.status !== ProposalStatus.OPEN)
        throw userError('PROPOSAL_CLOSED', 'This proposal is already closed; its outcome is recorded.', 'proposalId');
      const proposal = await em.findOneOrFail(CouncilProposal, { uuid }, { populate: ['agendaItem'], refresh: true });
      const council = await this.councilOfMeeting(em, proposal.agendaItem.meeting.uuid);
      await this.requireMembership(em, council, actor);
      const seats = await em.execute<{ choice: VoteChoice | null; organization_id: string | null }[]>(
        `SELECT b.choice, m.organization_id
           FROM ${t('member')} m
           LEFT JOIN ${t('ballot')} b ON b.member_id = m.id AND b.proposal_id = ?
          WHERE m.council_id = ?`,
        [uuid, council.uuid],
      );
      // Per person, an organisation's seat weighs its member count (at least 1), read from core in one batch.
      const members = readContext(em);
      const weights = await Promise.all(
        seats.map(async ({ choice, organization_id: organizationId }) => ({
          choice,
          weight:
            council.voteCounting === VoteCounting.PER_PERSON && organizationId
              ? Math.max(1, await organizationMemberCount(members, organizationId))
              : 1,
        })),
      );
      const tally = { forWeight: 0, againstWeight: 0, abstainWeight: 0, eligibleWeight: 0 };
      for (const { choice, weight } of weights) {
        tally.eligibleWeight += Number(weight);
        if (choice === VoteChoice.FOR) tally.forWeight += Number(weight);
        else if (choice === VoteChoice.AGAINST) tally.againstWeight += Number(weight);
        else if (choice === VoteChoice.ABSTAIN) tally.abstainWeight += Number(weight);
      }
      const result = outcome(council.votingRule, tally, council.quorumPercent);
      Object.assign(proposal, {
        ...tally,
        status: ProposalStatus.CLOSED,
        outcome: result,
        votingRule: council.votingRule,
        voteCounting: council.voteCounting,
        quorumPercent: council.quorumPercent,
        closedAt: this.ctx.now(),
        closedBy: actor,
      });
      await em.flush();
      await emit('council.proposal-closed', { ...base(council), proposalId: uuid, outcome: result });
      return proposal;
    });
  }

  // ---- residents' consultation --------------------------------------------------------

  async openResidentPoll(proposalId: string, question: string, placeIds: string[]): Promise<CouncilResidentPoll> {
    const text = nonEmpty(question, 'question');
    const actor = await actingPerson(this.ctx);
    if (!placeIds.length)
      throw userError(
        'BAD_USER_INPUT',
        '"placeIds" must name at least one affected place (a building, a compound…) whose residents are asked.',
        'placeIds',
      );
    return this.run(async ({ em }) => {
      const proposal = await requireEntity(em, CouncilProposal, 'CouncilProposal', proposalId, 'proposalId');
      const council = await this.councilOfMeeting(em, (await em.findOneOrFail(CouncilAgendaItem, proposal.agendaItem)).meeting.uuid);
      await this.requireMembership(em, council, actor);
      if (await em.count(CouncilResidentPoll, { proposal })) {
        throw userError('CONFLICT', "This proposal already has a residents' poll; a proposal is put to residents once.", 'proposalId');
      }
      const places: Place[] = [];
      for (const id of new Set(placeIds)) {
        const place = await requirePlace(em, id, 'placeIds');
        if (!place.path.startsWith(council.community.path)) {
          throw userError(
            'BAD_USER_INPUT',
            `"placeIds" must lie in ${council.community.name}, the council's community; ${place.name} does not.`,
            'placeIds',
          );
        }
        places.push(place);
      }
      const poll = em.create(CouncilResidentPoll, { proposal, question: text });
      for (const place of places) em.create(CouncilResidentPollPlace, { poll, place });
      await this.flushUnique(em, "This proposal already has a residents' poll; a proposal is put to residents once.", 'proposalId');
      return poll;
    });
  }

  /**
   * One answer per resident of the affected places (a person whose household lies under one
   * of them). The poll row is locked FOR SHARE, as for votes, so closing never loses one.
   */
  async answerResidentPoll(pollId: string, answer: PollAnswer): Promise<CouncilResidentPoll> {
    const actor = await actingPerson(this.ctx);
    return this.run(async ({ em }) => {
      const uuid = localId(pollId, 'CouncilResidentPoll', 'pollId');
      const [row] = await em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('resident_poll')} WHERE id = ? FOR SHARE`, [
        uuid,
      ]);
      if (!row) throw userError('NOT_FOUND', `No CouncilResidentPoll has the id given in "pollId" (${pollId}).`, 'pollId');
      if (row.status !== ProposalStatus.OPEN)
        throw userError('POLL_CLOSED', "This residents' poll has closed; answers are taken only while it is open.", 'pollId');
      const resident = await isResidentUnder(readContext(em), actor.uuid, await this.pollPaths(em, uuid));
      if (!resident) {
        throw userError(
          'NOT_A_RESIDENT',
          `${actor.name} does not live in the places this poll asks (their household is not under any of them); only their residents answer.`,
          'pollId',
        );
      }
      const inserted = await em.execute(
        `INSERT INTO ${t('resident_poll_answer')} (id, poll_id, person_id, answer) VALUES (gen_random_uuid(), ?, ?, ?)
         ON CONFLICT ON CONSTRAINT poll_answer_one_per_resident DO NOTHING RETURNING id`,
        [uuid, actor.uuid, answer],
      );
      if (!inserted.length)
        throw userError('ALREADY_ANSWERED', `${actor.name} has already answered this poll; each resident answers once.`, 'pollId');
      return em.findOneOrFail(CouncilResidentPoll, { uuid });
    });
  }

  async closeResidentPoll(pollId: string): Promise<CouncilResidentPoll> {
    const actor = await actingPerson(this.ctx);
    return this.run(async ({ em, emit }) => {
      const uuid = localId(pollId, 'CouncilResidentPoll', 'pollId');
      const [row] = await em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('resident_poll')} WHERE id = ? FOR UPDATE`, [
        uuid,
      ]);
      if (!row) throw userError('NOT_FOUND', `No CouncilResidentPoll has the id given in "pollId" (${pollId}).`, 'pollId');
      if (row.status !== ProposalStatus.OPEN) throw userError('POLL_CLOSED', "This residents' poll is already closed.", 'pollId');
      const poll = await em.findOneOrFail(CouncilResidentPoll, { uuid }, { populate: ['proposal.agendaItem'], refresh: true });
      const council = await this.councilOfMeeting(em, poll.proposal.agendaItem.meeting.uuid);
      await this.requireMembership(em, council, actor);
      const answers = expectRow(
        await em.execute<{ agree: string; disagree: string }[]>(
          `SELECT (SELECT count(*) FROM ${t('resident_poll_answer')} WHERE poll_id = ? AND answer = 'agree') AS agree,
                  (SELECT count(*) FROM ${t('resident_poll_answer')} WHERE poll_id = ? AND answer = 'disagree') AS disagree`,
          [uuid, uuid],
        ),
        'the poll answer counts',
      );
      const counts = { ...answers, eligible: await residentCountUnder(readContext(em), await this.pollPaths(em, uuid)) };
      Object.assign(poll, {
        status: ProposalStatus.CLOSED,
        agreeCount: Number(counts.agree),
        disagreeCount: Number(counts.disagree),
        eligibleCount: Number(counts.eligible),
        closedAt: this.ctx.now(),
      });
      await em.flush();
      await emit('council.resident-poll-closed', {
        ...base(council),
        pollId: uuid,
        proposalId: poll.proposal.uuid,
        agree: poll.agreeCount!,
        disagree: poll.disagreeCount!,
      });
      return poll;
    });
  }

  // ---- decisions, duties and funding --------------------------------------------------

  async recordDecision(input: RecordCouncilDecisionInput): Promise<CouncilDecision> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilProposal, 'CouncilProposal', input.proposalId, 'proposalId');
    const summary = nonEmpty(input.summary, 'summary');
    const actor = await actingPerson(this.ctx);
    if (!input.actionItems.length) {
      throw userError(
        'BAD_USER_INPUT',
        '"actionItems" must assign at least one share of the work (明确分工): a title, one owner and a due date.',
        'actionItems',
      );
    }
    input.actionItems.forEach((item, i) => {
      nonEmpty(item.title, `actionItems[${i}].title`);
      if (!!item.ownerOrganizationId === !!item.ownerPersonId) {
        throw userError(
          'BAD_USER_INPUT',
          `actionItems[${i}] ("${item.title}") needs exactly one owner: give "ownerOrganizationId" or "ownerPersonId".`,
          `actionItems[${i}]`,
        );
      }
      requireIsoDate(item.dueOn, `actionItems[${i}].dueOn`);
    });
    input.funding.forEach((f, i) => {
      if (!Number.isInteger(f.amountFen) || f.amountFen < 0) {
        throw userError(
          'BAD_USER_INPUT',
          `funding[${i}].amountFen must be a whole, non-negative number of fen (1 yuan = 100 fen), got ${f.amountFen}.`,
          `funding[${i}].amountFen`,
        );
      }
    });
    return this.run(async (tx) => {
      const { em, emit } = tx;
      const proposal = await requireEntity(em, CouncilProposal, 'CouncilProposal', input.proposalId, 'proposalId');
      const item = await em.findOneOrFail(CouncilAgendaItem, proposal.agendaItem);
      const council = await this.councilOfMeeting(em, item.meeting.uuid);
      await this.requireMembership(em, council, actor);
      if (proposal.outcome !== ProposalOutcome.PASSED) {
        throw userError(
          'PROPOSAL_NOT_PASSED',
          proposal.status === ProposalStatus.OPEN
            ? 'This proposal is still open: close the vote first; only a passed proposal becomes a decision.'
            : `This proposal was not passed (${proposal.outcome}); only a passed proposal becomes a decision.`,
          'proposalId',
        );
      }
      const poll = await em.findOne(CouncilResidentPoll, { proposal });
      if (poll && poll.status === ProposalStatus.OPEN) {
        throw userError(
          'POLL_OPEN',
          "The residents' poll on this proposal is still open: close it first; a decision follows the residents' answer.",
          'proposalId',
        );
      }
      if (poll && !(poll.agreeCount! > poll.disagreeCount!)) {
        throw userError(
          'RESIDENTS_DISAGREE',
          `Residents did not agree (${poll.agreeCount} agree, ${poll.disagreeCount} disagree); a decision needs more residents agreeing than disagreeing.`,
          'proposalId',
        );
      }
      if (await em.count(CouncilDecision, { proposal })) {
        throw userError('CONFLICT', 'This proposal already has its decision; record changes as action item updates.', 'proposalId');
      }
      const decision = em.create(CouncilDecision, { proposal, summary, decidedBy: actor });
      const items: CouncilActionItem[] = [];
      for (const [i, a] of input.actionItems.entries()) {
        items.push(
          em.create(CouncilActionItem, {
            decision,
            title: a.title.trim(),
            ownerOrganization: a.ownerOrganizationId
              ? await requireEntity(em, Organization, 'Organization', a.ownerOrganizationId, `actionItems[${i}].ownerOrganizationId`)
              : null,
            ownerPerson: a.ownerPersonId ? await requirePerson(em, a.ownerPersonId, `actionItems[${i}].ownerPersonId`) : null,
            dueOn: a.dueOn.trim(),
            placePath: council.community.path,
            updatedAt: this.ctx.now(),
          }),
        );
      }
      for (const f of input.funding) {
        em.create(CouncilFundingSource, { decision, kind: f.kind, description: f.description?.trim() || null, amountFen: f.amountFen });
      }
      await this.flushUnique(em, 'This proposal already has its decision; record changes as action item updates.', 'proposalId');
      const requestId = item.request?.uuid ?? null;
      if (requestId) {
        await advanceRequest(this.ctx, tx, requestId, RequestStatus.IN_PROGRESS, actor, `${council.name}决定：${summary}`);
      }
      await emit('council.decision-made', {
        ...base(council),
        decisionId: decision.uuid,
        proposalId: proposal.uuid,
        requestId,
        actionItemIds: items.map((a) => a.uuid),
      });
      return decision;
    });
  }

  /**
   * Moves an action item forward. Only its owner updates it: the owning person, or a member
   * of the owning organisation. The decision row is locked, so when the last two items are
   * finished at the same moment exactly one of them sees the decision complete and resolves
   * the linked request, through core's request workflow.
   */
  async updateActionItem(actionItemId: string, status: ActionItemStatus): Promise<CouncilActionItem> {
    const actor = await actingPerson(this.ctx);
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(this.ctx, this.ctx.em, CouncilActionItem, 'CouncilActionItem', actionItemId, 'id');
    return this.run(async (tx) => {
      const { em, emit } = tx;
      const uuid = localId(actionItemId, 'CouncilActionItem', 'id');
      const [found] = await em.execute<{ decision_id: string }[]>(`SELECT decision_id FROM ${t('action_item')} WHERE id = ?`, [uuid]);
      if (!found) throw userError('NOT_FOUND', `No CouncilActionItem has the id given in "id" (${actionItemId}).`, 'id');
      await em.execute(`SELECT id FROM ${t('decision')} WHERE id = ? FOR UPDATE`, [found.decision_id]);
      const item = await em.findOneOrFail(CouncilActionItem, { uuid }, { refresh: true, populate: ['ownerOrganization', 'ownerPerson'] });
      const owner = item.ownerPerson
        ? item.ownerPerson.uuid === actor.uuid
        : (await em.count(OrganizationMember, { organization: item.ownerOrganization!, person: actor })) > 0;
      if (!owner) {
        const who = item.ownerPerson ? item.ownerPerson.name : `members of ${item.ownerOrganization!.name}`;
        throw userError('NOT_OWNER', `Only the owner of "${item.title}" updates it: ${who}; ${actor.name} is not.`, 'id');
      }
      if (item.status === ActionItemStatus.DONE) {
        throw userError('ACTION_ITEM_DONE', `"${item.title}" is already done; a finished share of the work is not reopened.`, 'status');
      }
      item.status = status;
      item.updatedAt = this.ctx.now();
      await em.flush();
      const decision = await em.findOneOrFail(CouncilDecision, { uuid: found.decision_id }, { populate: ['proposal.agendaItem'] });
      const council = await this.councilOfMeeting(em, decision.proposal.agendaItem.meeting.uuid);
      const counts = expectRow(
        await em.execute<{ done: string; total: string }[]>(
          `SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) AS total FROM ${t('action_item')} WHERE decision_id = ?`,
          [decision.uuid],
        ),
        'the action item counts',
      );
      const done = Number(counts.done);
      const total = Number(counts.total);
      await emit('council.action-item-updated', {
        ...base(council),
        actionItemId: item.uuid,
        decisionId: decision.uuid,
        status,
        done,
        total,
      });
      if (done === total && !decision.completedAt) {
        decision.completedAt = this.ctx.now();
        await em.flush();
        const requestId = decision.proposal.agendaItem.request?.uuid ?? null;
        if (requestId) {
          await advanceRequest(
            this.ctx,
            tx,
            requestId,
            RequestStatus.RESOLVED,
            actor,
            `${council.name}决定「${decision.summary}」的分工已全部完成`,
          );
        }
        await emit('council.decision-completed', { ...base(council), decisionId: decision.uuid, requestId });
      }
      return item;
    });
  }

  // ---- helpers --------------------------------------------------------------------------

  private async loadCouncil(em: EntityManager, id: string, argument: string): Promise<Council> {
    const council = await requireEntity(em, Council, 'Council', id, argument);
    await em.populate(council, ['community']);
    return council;
  }

  /** The paths of the places a residents' poll asks (their residents answer it). */
  private async pollPaths(em: EntityManager, pollUuid: string): Promise<string[]> {
    const rows = await em.execute<{ place_id: string }[]>(`SELECT place_id FROM ${t('resident_poll_place')} WHERE poll_id = ?`, [pollUuid]);
    const places = await placeSummaries(
      readContext(em),
      rows.map((r) => r.place_id),
    );
    return [...places.values()].map((p) => p.path);
  }

  private async councilOfMeeting(em: EntityManager, meetingUuid: string): Promise<Council> {
    const meeting = await em.findOneOrFail(CouncilMeeting, { uuid: meetingUuid }, { populate: ['council.community'] });
    return meeting.council;
  }

  /** Flushes; a unique violation (a concurrent twin won) becomes a typed error. */
  private async flushUnique(em: EntityManager, message: string, argument: string, code = 'CONFLICT'): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw userError(code, message, argument);
      throw err;
    }
  }
}

/** A seat's name for messages: who holds it and as what. */
export function seatName(seat: CouncilMember): string {
  return `${seat.person?.name ?? seat.organization?.name ?? 'a seat'} (${seat.seatType})`;
}
