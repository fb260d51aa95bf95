import { batchLoader, expectRow, type Person, type ReadContext } from '@gongzhi/core';
import type { Council, CouncilMember } from '../council/council.entity.js';
import { t } from '../db.js';
import { type CouncilAgendaItem, CouncilAttendance, type CouncilMeeting } from './meeting.entity.js';

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

/** Records `members` present at `meeting`; a seat recorded already stays as it was (the database decides between two at once). */
export async function recordPresent(
  ctx: ReadContext,
  meeting: CouncilMeeting,
  members: CouncilMember[],
  recordedBy: Person,
): Promise<void> {
  for (const member of members) {
    await ctx.em.execute(
      `INSERT INTO ${t('attendance')} (id, meeting_id, member_id, recorded_by_id) VALUES (gen_random_uuid(), ?, ?, ?)
       ON CONFLICT (meeting_id, member_id) DO NOTHING`,
      [meeting.uuid, member.uuid, recordedBy.uuid],
      'run',
    );
  }
}

/** The seats present at a meeting, in the order they were recorded; batched per operation. */
export function attendanceOf(ctx: ReadContext, meetingId: string): Promise<CouncilMember[]> {
  return batchLoader<string, CouncilMember[]>(ctx, 'CouncilMeeting.attendance', async (ids) => {
    const rows = await ctx.em.find(
      CouncilAttendance,
      { meeting: { $in: [...ids] } },
      { populate: ['member'], orderBy: { createdAt: 'asc' } },
    );
    const groups = new Map<string, CouncilMember[]>(ids.map((id) => [id, []]));
    for (const row of rows) groups.get(row.meeting.uuid)?.push(row.member);
    return ids.map((id) => groups.get(id)!);
  }).load(meetingId);
}
