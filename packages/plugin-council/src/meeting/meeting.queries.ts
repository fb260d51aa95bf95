import { expectRow, type Person, type ReadContext } from '@gongzhi/core';
import type { Council, CouncilMember } from '../council/council.entity.js';
import { t } from '../db.js';
import type { CouncilAgendaItem, CouncilMeeting } from './meeting.entity.js';

/** The council holding `meeting`, with its community loaded. */
export async function councilOfMeeting(ctx: ReadContext, meeting: CouncilMeeting): Promise<Council> {
  await ctx.em.populate(meeting, ['council.community']);
  return meeting.council;
}

/** The council of an agenda item's meeting, with its community loaded. */
export async function councilOfAgendaItem(ctx: ReadContext, item: CouncilAgendaItem): Promise<Council> {
  await ctx.em.populate(item, ['meeting.council.community']);
  return item.meeting.council;
}

/** The position after the last item of `meeting`'s agenda (lock the meeting first, so two additions take two positions). */
export async function nextAgendaPosition(ctx: ReadContext, meeting: CouncilMeeting): Promise<number> {
  const { next } = expectRow(
    await ctx.em.execute<{ next: number }[]>(
      `SELECT coalesce(max(position), 0) + 1 AS next FROM ${t('agenda_item')} WHERE meeting_id = ?`,
      [meeting.uuid],
    ),
    'the next agenda position',
  );
  return Number(next);
}

/**
 * Records `members` present at `meeting`; a seat recorded already stays as it was (the database
 * decides between two at once). One millisecond apart from `at`, so the attendance lists them in
 * the order given (one transaction's now() is one instant).
 */
export async function recordPresent(
  ctx: ReadContext,
  meeting: CouncilMeeting,
  members: CouncilMember[],
  recordedBy: Person,
  at: Date,
): Promise<void> {
  for (const [i, member] of members.entries()) {
    await ctx.em.execute(
      `INSERT INTO ${t('attendance')} (id, meeting_id, member_id, recorded_by_id, created_at) VALUES (gen_random_uuid(), ?, ?, ?, ?)
       ON CONFLICT (meeting_id, member_id) DO NOTHING`,
      [meeting.uuid, member.uuid, recordedBy.uuid, new Date(at.getTime() + i)],
      'run',
    );
  }
}
