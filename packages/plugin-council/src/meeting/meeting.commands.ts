import {
  defineCommand,
  type GlobalIdEntity,
  graphQLTypeName,
  type Named,
  type Place,
  refId,
  type Request,
  type UnitOfWork,
} from '@gongzhi/core';
import { LockMode } from '@mikro-orm/core';
import { requireMember, requireText } from '../council/council.commands.js';
import type { Council, CouncilMember } from '../council/council.entity.js';
import { councilEventBase } from '../council/council.events.js';
import { withCommunity } from '../council/council.queries.js';
import { AgendaItemKind, CouncilAgendaItem, CouncilMeeting, GRID_FINDING_TYPE } from './meeting.entity.js';
import { councilOfAgendaItem, councilOfMeeting, nextAgendaPosition, recordPresent } from './meeting.queries.js';
import { councilMessages } from '../messages.js';
import { openProposalCount } from '../proposal/proposal.queries.js';

const HOUR = 3_600_000;

/** Refuses a time without the notice the plugin's `noticeHours` asks, unless the meeting is urgent (then within the last day or later). */
function checkNotice(uow: UnitOfWork, scheduledAt: Date, urgent: boolean): void {
  const now = uow.now().getTime();
  const notice = uow.services.get('council').options.noticeHours;
  if (!urgent && scheduledAt.getTime() < now + notice * HOUR) {
    throw councilMessages.meetingNeedsHoursNotice.error({ notice, Date: new Date(now + notice * HOUR).toISOString() }, 'input.scheduledAt');
  }
  if (urgent && scheduledAt.getTime() < now - 24 * HOUR) {
    throw councilMessages.inputScheduledatUrgentMeeting.error('input.scheduledAt');
  }
}

/**
 * A member convenes a meeting, at a place on the line of the council's community (its venues
 * and buildings, or the subdistrict above it).
 */
export const scheduleCouncilMeeting = defineCommand<
  { council: Named<Council>; title: string; place?: Named<Place> | null; scheduledAt: Date; urgent: boolean },
  CouncilMeeting
>({
  name: 'council.scheduleMeeting',
  links: { place: { to: 'council' } },
  async run(uow, input) {
    const council = await withCommunity(uow, input.council);
    const convenor = await requireMember(uow, council);
    const title = requireText(input.title, 'input.title');
    checkNotice(uow, input.scheduledAt, input.urgent);
    const meeting = uow.em.create(CouncilMeeting, {
      council,
      title,
      place: input.place ?? null,
      scheduledAt: input.scheduledAt,
      urgent: input.urgent,
      convenedBy: convenor,
      // When it was convened, by the platform clock: the reminder round compares it with the meeting's time.
      createdAt: uow.now(),
    });
    await uow.em.flush();
    await uow.emit('council.meeting-scheduled', { ...councilEventBase(council), meetingId: meeting.uuid, urgent: meeting.urgent });
    return meeting;
  },
});

/** Refuses anything new for a meeting that was called off (MEETING_CANCELLED, naming `field`). */
function checkNotCalledOff(meeting: CouncilMeeting, field: string): void {
  if (meeting.cancelledAt)
    throw councilMessages.meetingCancelled.error({ title: meeting.title, reason: meeting.cancelReason ?? '' }, field);
}

/** Refuses a change to a meeting that was called off, or that began (it took place: it has attendance and minutes). */
function checkStillAhead(uow: UnitOfWork, meeting: CouncilMeeting, field = 'id'): void {
  checkNotCalledOff(meeting, field);
  if (meeting.scheduledAt.getTime() <= uow.now().getTime()) {
    throw councilMessages.meetingAlreadyStarted.error({ title: meeting.title, scheduledAt: meeting.scheduledAt.toISOString() }, field);
  }
}

/**
 * A member moves a meeting that has not begun to another time (with the notice a new meeting
 * needs, unless urgent) and, if given, place. Its members are reminded again before the new time.
 */
export const rescheduleCouncilMeeting = defineCommand<
  { meeting: Named<CouncilMeeting>; scheduledAt: Date; place?: Named<Place> | null; urgent?: boolean | null },
  CouncilMeeting
>({
  name: 'council.rescheduleMeeting',
  lock: ['meeting'],
  links: { place: { to: 'meeting' } },
  async run(uow, { meeting, scheduledAt, place, urgent }) {
    const council = await councilOfMeeting(uow, meeting);
    await requireMember(uow, council);
    checkStillAhead(uow, meeting);
    if (urgent != null) meeting.urgent = urgent;
    checkNotice(uow, scheduledAt, meeting.urgent);
    const previousScheduledAt = meeting.scheduledAt.toISOString();
    meeting.scheduledAt = scheduledAt;
    if (place !== undefined) meeting.place = place;
    meeting.remindedAt = null;
    await uow.em.flush();
    await uow.emit('council.meeting-rescheduled', {
      ...councilEventBase(council),
      meetingId: meeting.uuid,
      scheduledAt: scheduledAt.toISOString(),
      previousScheduledAt,
      placeId: refId(meeting.place),
    });
    return meeting;
  },
});

/**
 * A member calls off a meeting that has not begun, with the reason. Refused while a proposal on
 * its agenda is open (close the vote first). A cancelled meeting is not reminded, and takes no
 * new agenda items or attendance; the meeting row stays, with when and why.
 */
export const cancelCouncilMeeting = defineCommand<{ meeting: Named<CouncilMeeting>; reason: string }, CouncilMeeting>({
  name: 'council.cancelMeeting',
  lock: ['meeting'],
  async run(uow, { meeting, reason }) {
    const council = await councilOfMeeting(uow, meeting);
    await requireMember(uow, council);
    checkStillAhead(uow, meeting);
    const why = requireText(reason, 'reason');
    const open = await openProposalCount(uow, { meetingId: meeting.uuid });
    if (open) throw councilMessages.meetingHasOpenProposals.error({ open, title: meeting.title }, 'id');
    meeting.cancelledAt = uow.now();
    meeting.cancelReason = why;
    await uow.em.flush();
    await uow.emit('council.meeting-cancelled', {
      ...councilEventBase(council),
      meetingId: meeting.uuid,
      scheduledAt: meeting.scheduledAt.toISOString(),
      reason: why,
    });
    return meeting;
  },
});

/** Records which seats (of the meeting's council) attended; recording a seat twice is harmless. */
export const recordCouncilAttendance = defineCommand<{ meeting: Named<CouncilMeeting>; members: Named<CouncilMember>[] }, CouncilMeeting>({
  name: 'council.recordAttendance',
  async run(uow, { meeting, members }) {
    const council = await councilOfMeeting(uow, meeting);
    const recorder = await requireMember(uow, council);
    checkNotCalledOff(meeting, 'meetingId');
    if (members.some((m) => m.council.uuid !== council.uuid)) {
      throw councilMessages.memberidsNameSeatsCouncil.error('memberIds');
    }
    await recordPresent(uow, meeting, members, recorder, uow.now());
    return meeting;
  },
});

/** What an agenda item is about: a request, a grid finding, or neither (a free topic). */
export interface NewAgendaItem {
  meeting: Named<CouncilMeeting>;
  title: string;
  request?: Named<Request> | null;
  /** A row of the grid plugin (any entity, checked to be a finding): named by global id, so the council needs no grid import. */
  gridFinding?: Named<GlobalIdEntity> | null;
}

/**
 * Adds an item at the end of a meeting's agenda. The meeting row is locked, so items added at
 * once take distinct positions. The request or finding must lie on the line of the council's
 * community: a council takes up its own community's issues.
 */
export const addCouncilAgendaItem = defineCommand<NewAgendaItem, CouncilAgendaItem>({
  name: 'council.addAgendaItem',
  lock: ['meeting'],
  links: { request: { to: 'meeting' }, gridFinding: { to: 'meeting' } },
  async run(uow, { meeting, title, request, gridFinding }) {
    await requireMember(uow, await councilOfMeeting(uow, meeting));
    checkNotCalledOff(meeting, 'input.meetingId');
    const text = requireText(title, 'input.title');
    if (request && gridFinding) {
      throw councilMessages.agendaItemAboutRequest.error('input.gridFindingId');
    }
    if (gridFinding && graphQLTypeName(gridFinding.constructor as new () => object) !== GRID_FINDING_TYPE) {
      throw councilMessages.inputGridfindingidIdGrid.error('input.gridFindingId');
    }
    const item = uow.em.create(CouncilAgendaItem, {
      meeting,
      position: await nextAgendaPosition(uow, meeting),
      kind: request ? AgendaItemKind.REQUEST : gridFinding ? AgendaItemKind.GRID_FINDING : AgendaItemKind.TOPIC,
      title: text,
      request: request ?? null,
      gridFindingUuid: gridFinding?.uuid ?? null,
    });
    await uow.em.flush();
    return item;
  },
});

/** Records (replaces) the minutes of an agenda item. */
export const recordCouncilMinutes = defineCommand<{ agendaItem: Named<CouncilAgendaItem>; minutes: string }, CouncilAgendaItem>({
  name: 'council.recordMinutes',
  async run(uow, { agendaItem, minutes }) {
    await requireMember(uow, await councilOfAgendaItem(uow, agendaItem));
    agendaItem.minutes = minutes.trim() || null;
    await uow.em.flush();
    return agendaItem;
  },
});

/**
 * Reminds a meeting's members that it starts within `minutes` (`council.meeting-reminder`) and
 * records when (`remindedAt`), once: under the meeting's row lock, so of two rounds at once the
 * second finds it reminded. Not for a meeting convened inside the reminder time, nor once it
 * started. True when this run reminded it.
 */
export const remindCouncilMeeting = defineCommand<{ meetingId: string; minutes: number }, boolean>({
  name: 'council.remindMeeting',
  async run(uow, { meetingId, minutes }) {
    const meeting = await uow.em.findOne(CouncilMeeting, { uuid: meetingId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!meeting || meeting.remindedAt || meeting.cancelledAt) return false;
    const now = uow.now().getTime();
    const remindFrom = meeting.scheduledAt.getTime() - minutes * 60_000;
    if (now >= meeting.scheduledAt.getTime() || now < remindFrom || meeting.createdAt.getTime() >= remindFrom) return false;
    meeting.remindedAt = uow.now();
    await uow.em.flush();
    const council = await withCommunity(uow, meeting.council);
    await uow.emit('council.meeting-reminder', {
      ...councilEventBase(council),
      meetingId: meeting.uuid,
      title: meeting.title,
      scheduledAt: meeting.scheduledAt.toISOString(),
      placeId: refId(meeting.place),
    });
    return true;
  },
});
