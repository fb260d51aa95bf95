import { expectRow, type Person, type ReadContext } from '@gongzhi/core';
import type { Council, CouncilMember } from '../council/council.entity.js';
import { t } from '../db.js';
import type { CouncilProposal, ProposalStatus, VoteChoice } from './proposal.entity.js';

/**
 * SQL of proposals and ballots. The race-safe statements are here too: a vote locks the
 * proposal FOR SHARE (votes run side by side, a close waits for them), and the database keeps
 * one ballot per seat (`ballot_one_per_member`).
 */

/** The council deciding `proposal`, with its community loaded. */
export async function councilOfProposal(ctx: ReadContext, proposal: CouncilProposal): Promise<Council> {
  await ctx.em.populate(proposal, ['agendaItem.meeting.council.community']);
  return proposal.agendaItem.meeting.council;
}

/**
 * Locks the proposal FOR SHARE and reads its status as committed now: a close in flight holds
 * it FOR UPDATE, so a vote waits for it and then sees it closed.
 */
export async function statusForVoting(ctx: ReadContext, proposal: CouncilProposal): Promise<ProposalStatus> {
  const rows = await ctx.em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('proposal')} WHERE id = ? FOR SHARE`, [
    proposal.uuid,
  ]);
  return expectRow(rows, 'the proposal status').status;
}

interface Vote {
  proposal: CouncilProposal;
  seat: CouncilMember;
  choice: VoteChoice;
  castBy: Person;
  at: Date;
}

/** Inserts the seat's ballot; null when the seat has one already (the database decides between two at once). */
export async function insertBallot(ctx: ReadContext, vote: Vote): Promise<string | null> {
  const [inserted] = await ctx.em.execute<{ id: string }[]>(
    `INSERT INTO ${t('ballot')} (id, proposal_id, member_id, choice, cast_by_id, created_at, updated_at)
     VALUES (gen_random_uuid(), ?, ?, ?, ?, ?, ?) ON CONFLICT ON CONSTRAINT ballot_one_per_member DO NOTHING RETURNING id`,
    [vote.proposal.uuid, vote.seat.uuid, vote.choice, vote.castBy.uuid, vote.at, vote.at],
  );
  return inserted?.id ?? null;
}

/** Changes the seat's ballot; null when it has none yet. */
export async function updateBallot(ctx: ReadContext, vote: Vote): Promise<string | null> {
  const [updated] = await ctx.em.execute<{ id: string }[]>(
    `UPDATE ${t('ballot')} SET choice = ?, cast_by_id = ?, updated_at = ? WHERE proposal_id = ? AND member_id = ? RETURNING id`,
    [vote.choice, vote.castBy.uuid, vote.at, vote.proposal.uuid, vote.seat.uuid],
  );
  return updated?.id ?? null;
}

/** Every seat of the council with the choice it cast on `proposal` (null when it has not voted); a vacated seat only when it voted. */
export function seatChoices(
  ctx: ReadContext,
  proposal: CouncilProposal,
  council: Council,
): Promise<{ choice: VoteChoice | null; organization_id: string | null }[]> {
  return ctx.em.execute(
    `SELECT b.choice, m.organization_id
       FROM ${t('member')} m
       LEFT JOIN ${t('ballot')} b ON b.member_id = m.id AND b.proposal_id = ?
      WHERE m.council_id = ? AND (m.vacated_at IS NULL OR b.choice IS NOT NULL)`,
    [proposal.uuid, council.uuid],
  );
}

/** How many proposals are open on the agendas of a council's meetings, or of one meeting. */
export async function openProposalCount(ctx: ReadContext, of: { councilId: string } | { meetingId: string }): Promise<number> {
  const [row] = await ctx.em.execute<{ n: number }[]>(
    'councilId' in of
      ? `SELECT count(*)::int AS n FROM ${t('proposal')} p JOIN ${t('agenda_item')} a ON a.id = p.agenda_item_id
           JOIN ${t('meeting')} m ON m.id = a.meeting_id WHERE m.council_id = ? AND p.status = 'open'`
      : `SELECT count(*)::int AS n FROM ${t('proposal')} p JOIN ${t('agenda_item')} a ON a.id = p.agenda_item_id
          WHERE a.meeting_id = ? AND p.status = 'open'`,
    ['councilId' in of ? of.councilId : of.meetingId],
  );
  return Number(row?.n ?? 0);
}
