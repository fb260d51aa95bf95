import {
  changeRequestStatus,
  type CrossScope,
  defineCommand,
  type Named,
  Place,
  PlaceType,
  refId,
  Request,
  RequestStatus,
  type UnitOfWork,
} from '@gongzhi/core';
import { serviceDay } from '../calendar.js';
import { requireCommunityOf } from '../community.js';
import { VolunteerServiceSource } from '../hours/hours.entity.js';
import { recordServiceEntry } from '../hours/hours.commands.js';
import { requireText } from '../text.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { requireMember } from '../team/team.queries.js';
import { updateIf } from '../db.js';
import { VolunteerTask, type VolunteerTaskKind, VolunteerTaskStatus } from './task.entity.js';
import type { VolunteerTaskEventName } from './task.events.js';
import { taskStanding } from './task.queries.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

/**
 * Volunteer tasks: open › claimed › done (reported), or cancelled. Each move is a conditional
 * update of the row in the status it was read in, so of two volunteers claiming at once exactly
 * one wins (ALREADY_CLAIMED for the other). Every change emits a `volunteer.task-*` event with
 * the task's place path for live boards. A task changes its core request only through core's
 * commands, with the actor's authority.
 */

function announce(uow: UnitOfWork, name: VolunteerTaskEventName, task: VolunteerTask): Promise<void> {
  return uow.emit(name, {
    taskId: task.uuid,
    placePath: task.placePath,
    status: task.status,
    requestId: refId(task.request),
    claimedById: refId(task.claimedBy),
  });
}

/** Someone else moved the task between our read and our write: say what it is now. */
async function conflict(uow: UnitOfWork, task: VolunteerTask): Promise<never> {
  const now = await taskStanding(uow, task.uuid);
  if (now.status === VolunteerTaskStatus.CLAIMED) {
    throw volunteerMessages.taskJustClaimed.error({ else: now.claimedBy ?? volunteerPhrases.someoneElse }, 'taskId');
  }
  throw volunteerMessages.taskChangedMeanwhileNow.error({ nowStatus: now.status }, 'taskId');
}

/** Moves a task from `from` only if nobody changed it since (one winner), or reports the conflict. */
async function move(uow: UnitOfWork, task: VolunteerTask, from: VolunteerTaskStatus, changes: Partial<VolunteerTask>): Promise<void> {
  if (!(await updateIf(uow, VolunteerTask, task, { status: from }, { ...changes, updatedAt: uow.now() }))) return conflict(uow, task);
}

/** A team takes on the work of its community. */
const WITHIN_THE_TEAMS_COMMUNITY: CrossScope = {
  to: PlaceType.COMMUNITY,
  reason: "A team takes on tasks and requests anywhere in its community, not only at its own building's door.",
};

/** A new task, for a core request or standalone. */
export interface NewTask {
  kind: VolunteerTaskKind;
  title: string;
  description?: string | null;
  request?: Named<Request> | null;
  place?: Named<Place> | null;
  team?: Named<VolunteerTeam> | null;
}

/** Opens a task for a request (at the request's place unless a place is given) or standalone (at a place). */
export const createTask = defineCommand<NewTask, VolunteerTask>({
  name: 'volunteer.createTask',
  links: { request: { to: 'team', widen: WITHIN_THE_TEAMS_COMMUNITY }, place: { to: 'team', widen: WITHIN_THE_TEAMS_COMMUNITY } },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const title = requireText(input.title, 'input.title');
    const { request } = input;
    if (!request && !input.place) {
      throw volunteerMessages.giveInputRequestidTask.error('input.placeId');
    }
    // The work for a request happens where the request is: at its place, or on the way to it.
    if (request && input.place) await uow.requireWithin(input.place, request, 'input.placeId');
    const place = input.place ?? (await uow.em.findOneOrFail(Place, { uuid: refId(request!.place)! }));
    await requireCommunityOf(uow, place, input.place ? 'input.placeId' : 'input.requestId');
    const task = uow.em.create(VolunteerTask, {
      kind: input.kind,
      title,
      description: input.description?.trim() ?? '',
      request: request ?? null,
      place,
      placePath: place.path,
      team: input.team ?? null,
      createdBy: actor,
      createdAt: uow.now(),
      updatedAt: uow.now(),
    });
    await uow.em.flush();
    await announce(uow, 'volunteer.task-created', task);
    return task;
  },
});

/** The signed-in volunteer claims an open task (a team's task: its members only). */
export const claimTask = defineCommand<{ task: Named<VolunteerTask> }, VolunteerTask>({
  name: 'volunteer.claimTask',
  async run(uow, { task }) {
    const person = await uow.actingPerson();
    const teamId = refId(task.team);
    if (teamId) await requireMember(uow.em, await uow.em.findOneOrFail(VolunteerTeam, { uuid: teamId }), person, 'taskId');
    if (task.status !== VolunteerTaskStatus.OPEN) return conflict(uow, task);
    await move(uow, task, VolunteerTaskStatus.OPEN, { status: VolunteerTaskStatus.CLAIMED, claimedBy: person, claimedAt: uow.now() });
    await announce(uow, 'volunteer.task-claimed', task);
    return task;
  },
});

/** The claiming volunteer gives a claimed task back; it is open again. */
export const releaseTask = defineCommand<{ task: Named<VolunteerTask> }, VolunteerTask>({
  name: 'volunteer.releaseTask',
  async run(uow, { task }) {
    const person = await uow.actingPerson();
    if (task.status !== VolunteerTaskStatus.CLAIMED || refId(task.claimedBy) !== person.uuid) {
      throw volunteerMessages.onlyVolunteerWhoClaimed.error({ taskStatus: task.status }, 'taskId');
    }
    await move(uow, task, VolunteerTaskStatus.CLAIMED, { status: VolunteerTaskStatus.OPEN, claimedBy: null, claimedAt: null });
    await announce(uow, 'volunteer.task-released', task);
    return task;
  },
});

/** What the claiming volunteer reports when a task is done. */
export interface TaskReport {
  task: Named<VolunteerTask>;
  report: string;
  /** Time spent: logged as pending service hours (source TASK). */
  minutes?: number | null;
  /** Also resolve the task's request (core's changeRequestStatus, with the reporter's authority). */
  resolveRequest?: boolean;
}

/** Logs the minutes a finished task took as a pending TASK entry. */
async function logTaskHours(uow: UnitOfWork, task: VolunteerTask, minutes: number): Promise<void> {
  const person = await uow.actingPerson();
  const place = await uow.em.findOneOrFail(Place, { uuid: refId(task.place)! });
  const teamId = refId(task.team);
  await recordServiceEntry(uow, {
    person,
    team: teamId ? await uow.em.findOneOrFail(VolunteerTeam, { uuid: teamId }) : null,
    community: await requireCommunityOf(uow, place, 'taskId'),
    source: VolunteerServiceSource.TASK,
    minutes,
    minutesField: 'minutes',
    servedOn: serviceDay(uow),
    description: task.title,
    task,
    reportedBy: person,
  });
}

/**
 * The claiming volunteer reports the task done, with the minutes spent (pending hours) and, if
 * asked, its request resolved through core's command: refused there (no `request.manage` at the
 * request's place, or a request not in progress), nothing is written and the task stays claimed.
 */
export const completeTask = defineCommand<TaskReport, VolunteerTask>({
  name: 'volunteer.completeTask',
  async run(uow, { task, report, minutes, resolveRequest }) {
    const person = await uow.actingPerson();
    const text = requireText(report, 'report');
    if (task.status !== VolunteerTaskStatus.CLAIMED || refId(task.claimedBy) !== person.uuid) {
      const hint = task.status === VolunteerTaskStatus.OPEN ? volunteerPhrases.claimItFirst : '';
      throw volunteerMessages.onlyClaimerCompletes.error({ taskStatus: task.status, hint }, 'taskId');
    }
    await move(uow, task, VolunteerTaskStatus.CLAIMED, { status: VolunteerTaskStatus.DONE, doneAt: uow.now(), report: text });
    if (minutes != null) await logTaskHours(uow, task, minutes);
    if (resolveRequest) {
      const requestId = refId(task.request);
      if (!requestId) throw volunteerMessages.taskServesRequestLeave.error('resolveRequest');
      const request = await uow.em.findOneOrFail(Request, { uuid: requestId });
      await uow.run(changeRequestStatus, { request, to: RequestStatus.RESOLVED, note: text });
    }
    await announce(uow, 'volunteer.task-done', task);
    return task;
  },
});

/** Cancels a task that is not done: whoever opened it, or the volunteer who claimed it. */
export const cancelTask = defineCommand<{ task: Named<VolunteerTask> }, VolunteerTask>({
  name: 'volunteer.cancelTask',
  async run(uow, { task }) {
    const person = await uow.actingPerson();
    if (refId(task.createdBy) !== person.uuid && refId(task.claimedBy) !== person.uuid) {
      throw volunteerMessages.onlyWhoeverOpenedTask.error('taskId');
    }
    if (task.status === VolunteerTaskStatus.DONE || task.status === VolunteerTaskStatus.CANCELLED) {
      throw volunteerMessages.taskAlready.error({ taskStatus: task.status }, 'taskId');
    }
    await move(uow, task, task.status, { status: VolunteerTaskStatus.CANCELLED });
    await announce(uow, 'volunteer.task-cancelled', task);
    return task;
  },
});
