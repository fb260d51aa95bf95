import { batchLoader, keyedCount, expectRow, type Person, type Place, placeSummaries, type ReadContext } from '@gongzhi/core';
import type { Council } from '../council/council.entity.js';
import { t } from '../db.js';
import type { ProposalStatus } from '../proposal/proposal.entity.js';
import { type CouncilResidentPoll, CouncilResidentPollPlace, type PollAnswer } from './poll.entity.js';

/**
 * SQL of residents' polls. The race-safe statements are here too: an answer locks the poll FOR
 * SHARE (answers run side by side, a close waits for them), and the database keeps one answer
 * per resident (`poll_answer_one_per_resident`).
 */

/** The council that opened `poll`, with its community loaded. */
export async function councilOfPoll(ctx: ReadContext, poll: CouncilResidentPoll): Promise<Council> {
  await ctx.em.populate(poll, ['proposal.agendaItem.meeting.council.community']);
  return poll.proposal.agendaItem.meeting.council;
}

/** Locks the poll FOR SHARE and reads its status as committed now (a close in flight holds it FOR UPDATE). */
export async function statusForAnswering(ctx: ReadContext, poll: CouncilResidentPoll): Promise<ProposalStatus> {
  const rows = await ctx.em.execute<{ status: ProposalStatus }[]>(`SELECT status FROM ${t('resident_poll')} WHERE id = ? FOR SHARE`, [
    poll.uuid,
  ]);
  return expectRow(rows, 'the poll status').status;
}

/** The paths of the places a poll asks (their residents answer it). */
export async function pollPaths(ctx: ReadContext, poll: CouncilResidentPoll): Promise<string[]> {
  const rows = await ctx.em.execute<{ place_id: string }[]>(`SELECT place_id FROM ${t('resident_poll_place')} WHERE poll_id = ?`, [
    poll.uuid,
  ]);
  const places = await placeSummaries(
    ctx,
    rows.map((r) => r.place_id),
  );
  return [...places.values()].map((p) => p.path);
}

/** Records the resident's answer; false when they have answered already (the database decides between two at once). */
export async function insertAnswer(ctx: ReadContext, poll: CouncilResidentPoll, person: Person, answer: PollAnswer): Promise<boolean> {
  const inserted = await ctx.em.execute(
    `INSERT INTO ${t('resident_poll_answer')} (id, poll_id, person_id, answer) VALUES (gen_random_uuid(), ?, ?, ?)
     ON CONFLICT ON CONSTRAINT poll_answer_one_per_resident DO NOTHING RETURNING id`,
    [poll.uuid, person.uuid, answer],
  );
  return inserted.length > 0;
}

/** How many answered agree and disagree. */
export async function answerCounts(ctx: ReadContext, poll: CouncilResidentPoll): Promise<{ agree: number; disagree: number }> {
  const counts = expectRow(
    await ctx.em.execute<{ agree: string; disagree: string }[]>(
      `SELECT count(*) FILTER (WHERE answer = 'agree') AS agree, count(*) FILTER (WHERE answer = 'disagree') AS disagree
         FROM ${t('resident_poll_answer')} WHERE poll_id = ?`,
      [poll.uuid],
    ),
    'the poll answer counts',
  );
  return { agree: Number(counts.agree), disagree: Number(counts.disagree) };
}

/** How many residents have answered a poll so far; batched per operation. */
export function answerCountOf(ctx: ReadContext, pollId: string): Promise<number> {
  return keyedCount(ctx, 'CouncilResidentPoll.answerCount', pollId, {
    sql: (match) => `SELECT poll_id, count(*)::int AS n FROM ${t('resident_poll_answer')} WHERE poll_id ${match} GROUP BY poll_id`,
    keyColumn: 'poll_id',
    type: 'uuid',
  });
}

/** The places a poll asks; batched per operation. */
export function placesOf(ctx: ReadContext, pollId: string): Promise<Place[]> {
  return batchLoader<string, Place[]>(ctx, 'CouncilResidentPoll.places', async (ids) => {
    const rows = await ctx.em.find(CouncilResidentPollPlace, { poll: { $in: [...ids] } }, { populate: ['place'] });
    const groups = new Map<string, Place[]>(ids.map((id) => [id, []]));
    for (const row of rows) groups.get(row.poll.uuid)?.push(row.place);
    return ids.map((id) => groups.get(id)!);
  }).load(pollId);
}
