import { batchLoader, type GongzhiContext, loadById, loadByForeignKey, loadPlace, Person, Place, refId, Request } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Council, CouncilMember } from './council.entity.js';
import { AddCouncilAgendaItemInput, ScheduleCouncilMeetingInput } from './council.inputs.js';
import { CouncilService } from './council.service.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting.entity.js';
import { CouncilProposal } from './proposal.entity.js';

@Resolver(() => CouncilMeeting)
export class CouncilMeetingResolver {
  @Mutation(() => CouncilMeeting, {
    description: 'Schedules a meeting; the signed-in person, a member, convenes it. Urgent meetings need no notice.',
  })
  scheduleCouncilMeeting(
    @Arg('input', () => ScheduleCouncilMeetingInput) input: ScheduleCouncilMeetingInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilMeeting> {
    return new CouncilService(ctx).scheduleMeeting(input);
  }

  @Mutation(() => CouncilMeeting, { description: 'Records the seats present at a meeting (recording one twice is harmless).' })
  recordCouncilAttendance(
    @Arg('meetingId', () => ID) meetingId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilMeeting> {
    return new CouncilService(ctx).recordAttendance(meetingId, memberIds);
  }

  @Mutation(() => CouncilAgendaItem, {
    description: "Adds an item at the end of a meeting's agenda: a request, a grid finding or a free topic.",
  })
  addCouncilAgendaItem(
    @Arg('input', () => AddCouncilAgendaItemInput) input: AddCouncilAgendaItemInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilAgendaItem> {
    return new CouncilService(ctx).addAgendaItem(input);
  }

  @Mutation(() => CouncilAgendaItem, { description: 'Records (replaces) the minutes of an agenda item.' })
  recordCouncilMinutes(
    @Arg('agendaItemId', () => ID) agendaItemId: string,
    @Arg('minutes', () => String) minutes: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilAgendaItem> {
    return new CouncilService(ctx).recordMinutes(agendaItemId, minutes);
  }

  @FieldResolver(() => Council)
  async council(@Root() meeting: CouncilMeeting, @Ctx() ctx: GongzhiContext): Promise<Council> {
    return (await loadById(ctx, Council, refId(meeting.council)!))!;
  }

  @FieldResolver(() => Place, { nullable: true, description: 'Where it meets.' })
  place(@Root() meeting: CouncilMeeting, @Ctx() ctx: GongzhiContext): Promise<Place | null> | null {
    const id = refId(meeting.place);
    return id ? loadPlace(ctx, id) : null;
  }

  @FieldResolver(() => Person, { nullable: true })
  convenedBy(@Root() meeting: CouncilMeeting, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(meeting.convenedBy);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => [CouncilMember], { description: 'Seats present.' })
  attendance(@Root() meeting: CouncilMeeting, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return batchLoader<string, CouncilMember[]>(ctx, 'CouncilMeeting.attendance', async (ids) => {
      const rows = await ctx.em.find(
        CouncilAttendance,
        { meeting: { $in: [...ids] } },
        { populate: ['member'], orderBy: { createdAt: 'asc' } },
      );
      const groups = new Map<string, CouncilMember[]>(ids.map((id) => [id, []]));
      for (const row of rows) groups.get(row.meeting.uuid)?.push(row.member);
      return ids.map((id) => groups.get(id)!);
    }).load(meeting.uuid);
  }

  @FieldResolver(() => [CouncilAgendaItem], { description: 'The agenda, in order.' })
  agenda(@Root() meeting: CouncilMeeting, @Ctx() ctx: GongzhiContext): Promise<CouncilAgendaItem[]> {
    return loadByForeignKey(ctx, CouncilAgendaItem, 'meeting', meeting.uuid, { position: 'asc' });
  }
}

@Resolver(() => CouncilAgendaItem)
export class CouncilAgendaItemResolver {
  @FieldResolver(() => CouncilMeeting)
  async meeting(@Root() item: CouncilAgendaItem, @Ctx() ctx: GongzhiContext): Promise<CouncilMeeting> {
    return (await loadById(ctx, CouncilMeeting, refId(item.meeting)!))!;
  }

  @FieldResolver(() => Request, { nullable: true, description: 'The request discussed (kind REQUEST).' })
  request(@Root() item: CouncilAgendaItem, @Ctx() ctx: GongzhiContext): Promise<Request | null> | null {
    const id = refId(item.request);
    return id ? loadById(ctx, Request, id) : null;
  }

  @FieldResolver(() => [CouncilProposal])
  proposals(@Root() item: CouncilAgendaItem, @Ctx() ctx: GongzhiContext): Promise<CouncilProposal[]> {
    return loadByForeignKey(ctx, CouncilProposal, 'agendaItem', item.uuid, { createdAt: 'asc' });
  }
}
