import {
  type GlobalIdEntity,
  type GongzhiContext,
  hasMany,
  Node,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  RefField,
  Request,
} from '@gongzhi/core';
import { Arg, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import { Council, CouncilMember } from '../council/council.entity.js';
import { EARLIEST_FIRST } from '../db.js';
import { CouncilProposal } from '../proposal/proposal.entity.js';
import {
  addCouncilAgendaItem,
  cancelCouncilMeeting,
  recordCouncilAttendance,
  recordCouncilMinutes,
  rescheduleCouncilMeeting,
  scheduleCouncilMeeting,
} from './meeting.commands.js';
import { CouncilAgendaItem, CouncilAttendance, CouncilMeeting } from './meeting.entity.js';

@InputType({
  description: 'A meeting to schedule. Without `urgent`, it needs the notice the plugin option `noticeHours` asks (24 h by default).',
})
export class ScheduleCouncilMeetingInput {
  @RefField(() => Council)
  councilId!: Ref<Council>;

  @Field(() => String)
  title!: string;

  @RefField(() => Place, {
    nullable: true,
    description: "Where: an activity room, the community office… (on the line of the council's community).",
  })
  placeId?: Ref<Place> | null;

  @Field(() => Date)
  scheduledAt!: Date;

  @Field(() => Boolean, { defaultValue: false, description: 'Convened within hours (紧急议事), e.g. for a sewer collapse.' })
  urgent!: boolean;
}

@InputType({ description: 'An agenda item: give requestId for a request, gridFindingId for a grid finding, neither for a free topic.' })
export class AddCouncilAgendaItemInput {
  @RefField(() => CouncilMeeting)
  meetingId!: Ref<CouncilMeeting>;

  @Field(() => String)
  title!: string;

  @RefField(() => Request, { nullable: true, description: "A request of the council's community." })
  requestId?: Ref<Request> | null;

  @RefField(() => Node, {
    nullable: true,
    description: "A finding of the grid plugin, by its global id (a GridFinding of the council's community).",
  })
  gridFindingId?: Ref<GlobalIdEntity> | null;
}

@InputType({ description: 'A new time (and place) for a meeting that has not begun; the notice a new meeting needs, unless urgent.' })
export class RescheduleCouncilMeetingInput {
  @Field(() => Date)
  scheduledAt!: Date;

  @RefField(() => Place, { nullable: true, description: 'A new place; left out, it stays; null: none.' })
  placeId?: Ref<Place> | null;

  @Field(() => Boolean, { nullable: true, description: 'Convened within hours now (no notice needed); left out, it stays as it was.' })
  urgent?: boolean | null;
}

export const CouncilMeetingPayload = payloadType('CouncilMeetingPayload', 'meeting', () => CouncilMeeting);
export const CouncilAgendaItemPayload = payloadType('CouncilAgendaItemPayload', 'agendaItem', () => CouncilAgendaItem);

@Resolver(() => CouncilMeeting)
export class CouncilMeetingResolver {
  @Mutation(() => CouncilMeetingPayload, {
    description: 'Schedules a meeting; the signed-in person, a member, convenes it. Urgent meetings need no notice.',
  })
  scheduleCouncilMeeting(@Arg('input', () => ScheduleCouncilMeetingInput) input: ScheduleCouncilMeetingInput, @Ctx() ctx: GongzhiContext) {
    const { councilId, placeId, ...rest } = input;
    return perform(ctx, CouncilMeetingPayload, scheduleCouncilMeeting, { ...rest, council: councilId, place: placeId ?? null });
  }

  @Mutation(() => CouncilMeetingPayload, {
    description: 'Moves a meeting that has not begun to another time or place (a member); its members are reminded again before it.',
  })
  rescheduleCouncilMeeting(
    @RefArg('id', () => CouncilMeeting) meeting: Ref<CouncilMeeting>,
    @Arg('input', () => RescheduleCouncilMeetingInput) input: RescheduleCouncilMeetingInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilMeetingPayload, rescheduleCouncilMeeting, {
      meeting,
      scheduledAt: input.scheduledAt,
      place: input.placeId,
      urgent: input.urgent ?? null,
    });
  }

  @Mutation(() => CouncilMeetingPayload, {
    description: 'Calls off a meeting that has not begun, with the reason (a member); refused while a proposal on its agenda is open.',
  })
  cancelCouncilMeeting(
    @RefArg('id', () => CouncilMeeting) meeting: Ref<CouncilMeeting>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilMeetingPayload, cancelCouncilMeeting, { meeting, reason });
  }

  @Mutation(() => CouncilMeetingPayload, { description: 'Records the seats present at a meeting (recording one twice is harmless).' })
  recordCouncilAttendance(
    @RefArg('meetingId', () => CouncilMeeting) meeting: Ref<CouncilMeeting>,
    @RefArg('memberIds', () => [CouncilMember]) members: Ref<CouncilMember>[],
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilMeetingPayload, recordCouncilAttendance, { meeting, members });
  }

  @Mutation(() => CouncilAgendaItemPayload, {
    description: "Adds an item at the end of a meeting's agenda: a request, a grid finding or a free topic, of the council's community.",
  })
  addCouncilAgendaItem(@Arg('input', () => AddCouncilAgendaItemInput) input: AddCouncilAgendaItemInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, CouncilAgendaItemPayload, addCouncilAgendaItem, {
      meeting: input.meetingId,
      title: input.title,
      request: input.requestId ?? null,
      gridFinding: input.gridFindingId ?? null,
    });
  }

  @Mutation(() => CouncilAgendaItemPayload, { description: 'Records (replaces) the minutes of an agenda item.' })
  recordCouncilMinutes(
    @RefArg('agendaItemId', () => CouncilAgendaItem) agendaItem: Ref<CouncilAgendaItem>,
    @Arg('minutes', () => String) minutes: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilAgendaItemPayload, recordCouncilMinutes, { agendaItem, minutes });
  }
}

/** Adds `CouncilMeeting.attendance`. */
export const CouncilMeetingAttendanceResolver = hasMany(
  () => CouncilMeeting,
  'attendance',
  () => CouncilAttendance,
  'meeting',
  {
    order: EARLIEST_FIRST,
    description: 'Seats present, in the order they were recorded, a page at a time.',
  },
);

/** Adds `CouncilMeeting.agenda`. */
export const CouncilMeetingAgendaResolver = hasMany(
  () => CouncilMeeting,
  'agenda',
  () => CouncilAgendaItem,
  'meeting',
  {
    order: { keys: ['position', 'uuid'], direction: 'asc' },
    description: 'The agenda, in order, a page at a time.',
  },
);

/** Adds `CouncilAgendaItem.proposals`. */
export const CouncilAgendaItemProposalsResolver = hasMany(
  () => CouncilAgendaItem,
  'proposals',
  () => CouncilProposal,
  'agendaItem',
  {
    order: EARLIEST_FIRST,
    description: 'Proposals put on this item, earliest first, a page at a time.',
  },
);

/** Adds `Request.councilItems`. */
export const RequestCouncilItemsResolver = hasMany(
  () => Request,
  'councilItems',
  () => CouncilAgendaItem,
  'request',
  {
    order: EARLIEST_FIRST,
    description: 'Council agenda items that took up this request, earliest first, a page at a time (plugin council).',
  },
);
