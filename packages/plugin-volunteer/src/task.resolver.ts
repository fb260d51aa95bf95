import {
  actingPerson,
  expectRow,
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  pageSize,
  Person,
  personSummary,
  Place,
  readContext,
  refId,
  Request,
  requireEntity,
  requirePlace,
  requireVisible,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import { ServiceHoursService } from './service-hours.service.js';
import { VolunteerTask } from './task.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerServiceSource, VolunteerTaskKind, VolunteerTaskStatus } from './volunteer.enums.js';
import { inTransaction, localDate, requireCommunityOf, requireMember, requireText, sql, type Tx } from './volunteer.support.js';
import { t } from './db.js';

@InputType({ description: 'A volunteer task: for a core request (requestId) or standalone (placeId).' })
export class CreateVolunteerTaskInput {
  @Field(() => VolunteerTaskKind)
  kind!: VolunteerTaskKind;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: "The core request this task serves; its place is the task's place." })
  requestId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Where the task is (required for a standalone task).' })
  placeId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only members of this team may claim it.' })
  teamId?: string | null;
}

function emitTask(
  tx: Tx,
  name:
    'volunteer.task-created' | 'volunteer.task-claimed' | 'volunteer.task-released' | 'volunteer.task-done' | 'volunteer.task-cancelled',
  task: VolunteerTask,
) {
  return tx.emit(name, {
    taskId: task.uuid,
    placePath: task.placePath,
    status: task.status,
    requestId: refId(task.request),
    claimedById: refId(task.claimedBy),
  });
}

/**
 * Volunteer tasks: open › claimed › done (reported), or cancelled. A claim is a conditional
 * update of an open row, so of two volunteers claiming at once exactly one wins
 * (ALREADY_CLAIMED for the other). Every change emits a `volunteer.task-*` event with the
 * task's place path for live boards.
 */
@Resolver(() => VolunteerTask)
export class VolunteerTaskResolver {
  /** Moves a task from one status to another only if nobody changed it since: one winner. */
  private async move(tx: Tx, now: Date, task: VolunteerTask, from: VolunteerTaskStatus, set: string, params: unknown[]): Promise<boolean> {
    const rows = await sql(tx.em, `UPDATE ${t('task')} SET ${set}, updated_at = ? WHERE id = ? AND status = ? RETURNING id`, [
      ...params,
      now.toISOString(),
      task.uuid,
      from,
    ]);
    if (rows.length === 0) return false;
    await tx.em.refresh(task);
    return true;
  }

  private async conflict(tx: Tx, task: VolunteerTask): Promise<never> {
    const row = expectRow(
      await sql<{ status: VolunteerTaskStatus; claimed_by_id: string | null }>(
        tx.em,
        `SELECT t.status, t.claimed_by_id FROM ${t('task')} t WHERE t.id = ?`,
        [task.uuid],
      ),
      `task ${task.uuid}`,
    );
    const claimer = row.claimed_by_id ? await personSummary(readContext(tx.em), row.claimed_by_id) : null;
    const now = { status: row.status, name: claimer?.name ?? null };
    if (now.status === VolunteerTaskStatus.CLAIMED)
      throw userError('ALREADY_CLAIMED', `This task was just claimed by ${now.name ?? 'someone else'}.`, 'taskId');
    throw userError('CONFLICT', `This task changed meanwhile and is now ${now.status}; reload it.`, 'taskId');
  }

  @Query(() => [VolunteerTask], { description: 'Volunteer tasks anywhere under a place, newest first (a task board).' })
  async volunteerTasks(
    @Arg('under', () => ID) under: string,
    @Arg('status', () => [VolunteerTaskStatus], { nullable: true }) status: VolunteerTaskStatus[] | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTask[]> {
    const root = await requirePlace(ctx, under, 'under');
    return ctx.em.find(
      VolunteerTask,
      { placePath: { $like: `${root.path}%` }, ...(status?.length ? { status: { $in: status } } : {}) },
      { orderBy: { createdAt: 'desc', uuid: 'desc' }, limit: pageSize(first, 50) },
    );
  }

  @Mutation(() => VolunteerTask, { description: 'Opens a volunteer task, for a core request or standalone.' })
  async createVolunteerTask(
    @Arg('input', () => CreateVolunteerTaskInput) input: CreateVolunteerTaskInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTask> {
    const actor = await actingPerson(ctx);
    const title = requireText(input.title, 'input.title');
    if (!input.requestId && !input.placeId)
      throw userError(
        'BAD_USER_INPUT',
        'Give "input.requestId" (a task for a request) or "input.placeId" (a standalone task).',
        'input.placeId',
      );
    return inTransaction(ctx, async (tx) => {
      const { em } = tx;
      const request = input.requestId ? await requireEntity(em, Request, 'Request', input.requestId, 'input.requestId') : null;
      const place = input.placeId
        ? await requirePlace(em, input.placeId, 'input.placeId')
        : await em.findOneOrFail(Place, { uuid: refId(request!.place)! });
      await requireCommunityOf(em, place, input.placeId ? 'input.placeId' : 'input.requestId');
      const team = input.teamId ? await requireEntity(em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId') : null;
      const now = ctx.now();
      const task = em.create(VolunteerTask, {
        kind: input.kind,
        title,
        description: input.description?.trim() ?? '',
        request,
        place,
        placePath: place.path,
        team,
        createdBy: actor,
        createdAt: now,
        updatedAt: now,
      });
      await em.flush();
      await emitTask(tx, 'volunteer.task-created', task);
      return task;
    });
  }

  @Mutation(() => VolunteerTask, {
    description: 'The signed-in volunteer claims an open task; of two claims at once exactly one wins (ALREADY_CLAIMED).',
  })
  async claimVolunteerTask(@Arg('taskId', () => ID) taskId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerTask> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerTask, 'VolunteerTask', taskId, 'taskId');
    const person = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const task = await requireEntity(tx.em, VolunteerTask, 'VolunteerTask', taskId, 'taskId');
      const teamId = refId(task.team);
      if (teamId) await requireMember(tx.em, await tx.em.findOneOrFail(VolunteerTeam, { uuid: teamId }), person);
      if (task.status !== VolunteerTaskStatus.OPEN) return this.conflict(tx, task);
      const now = ctx.now().toISOString();
      if (
        !(await this.move(tx, ctx.now(), task, VolunteerTaskStatus.OPEN, `status = 'claimed', claimed_by_id = ?, claimed_at = ?`, [
          person.uuid,
          now,
        ]))
      )
        return this.conflict(tx, task);
      await emitTask(tx, 'volunteer.task-claimed', task);
      return task;
    });
  }

  @Mutation(() => VolunteerTask, { description: 'The claiming volunteer gives a claimed task back; it is open again.' })
  async releaseVolunteerTask(@Arg('taskId', () => ID) taskId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerTask> {
    const person = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const task = await requireEntity(tx.em, VolunteerTask, 'VolunteerTask', taskId, 'taskId');
      if (task.status !== VolunteerTaskStatus.CLAIMED || refId(task.claimedBy) !== person.uuid) {
        throw userError('NOT_CLAIMER', `Only the volunteer who claimed a task releases it; this task is ${task.status}.`, 'taskId');
      }
      if (
        !(await this.move(tx, ctx.now(), task, VolunteerTaskStatus.CLAIMED, `status = 'open', claimed_by_id = NULL, claimed_at = NULL`, []))
      )
        return this.conflict(tx, task);
      await emitTask(tx, 'volunteer.task-released', task);
      return task;
    });
  }

  @Mutation(() => VolunteerTask, {
    description:
      'The claiming volunteer reports the task done; with `minutes`, a pending service-hour entry of source TASK is logged for verification.',
  })
  async completeVolunteerTask(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('report', () => String, { description: 'What was done.' }) report: string,
    @Arg('minutes', () => Int, { nullable: true, description: 'Time spent, 1–1439 minutes.' }) minutes: number | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerTask> {
    const person = await actingPerson(ctx);
    const text = requireText(report, 'report');
    return inTransaction(ctx, async (tx) => {
      const task = await requireEntity(tx.em, VolunteerTask, 'VolunteerTask', taskId, 'taskId');
      if (task.status !== VolunteerTaskStatus.CLAIMED || refId(task.claimedBy) !== person.uuid) {
        throw userError(
          'NOT_CLAIMER',
          `Only the volunteer who claimed a task reports it done; this task is ${task.status}${task.status === VolunteerTaskStatus.OPEN ? ': claim it first' : ''}.`,
          'taskId',
        );
      }
      const now = ctx.now();
      if (
        !(await this.move(tx, ctx.now(), task, VolunteerTaskStatus.CLAIMED, `status = 'done', done_at = ?, report = ?`, [
          now.toISOString(),
          text,
        ]))
      )
        return this.conflict(tx, task);
      if (minutes != null) {
        const place = await tx.em.findOneOrFail(Place, { uuid: refId(task.place)! });
        const teamId = refId(task.team);
        await new ServiceHoursService(ctx).log(tx, {
          person,
          team: teamId ? await tx.em.findOneOrFail(VolunteerTeam, { uuid: teamId }) : null,
          community: await requireCommunityOf(tx.em, place, 'taskId'),
          source: VolunteerServiceSource.TASK,
          minutes,
          servedOn: localDate(now),
          description: task.title,
          task,
          reportedBy: person,
        });
      }
      await emitTask(tx, 'volunteer.task-done', task);
      return task;
    });
  }

  @Mutation(() => VolunteerTask, { description: 'Cancels a task that is not done (whoever opened it, or the claimer).' })
  async cancelVolunteerTask(@Arg('taskId', () => ID) taskId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerTask> {
    const person = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const task = await requireEntity(tx.em, VolunteerTask, 'VolunteerTask', taskId, 'taskId');
      if (refId(task.createdBy) !== person.uuid && refId(task.claimedBy) !== person.uuid) {
        throw userError('FORBIDDEN', 'Only whoever opened the task, or the volunteer who claimed it, cancels it.', 'taskId');
      }
      if (task.status === VolunteerTaskStatus.DONE || task.status === VolunteerTaskStatus.CANCELLED) {
        throw userError('CONFLICT', `This task is already ${task.status}.`, 'taskId');
      }
      if (!(await this.move(tx, ctx.now(), task, task.status, `status = 'cancelled'`, []))) return this.conflict(tx, task);
      await emitTask(tx, 'volunteer.task-cancelled', task);
      return task;
    });
  }

  @FieldResolver(() => Place)
  async place(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(task.place)!))!;
  }

  @FieldResolver(() => Request, { nullable: true, description: 'The core request this task serves, if any.' })
  request(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<Request | null> | null {
    const id = refId(task.request);
    return id ? loadById(ctx, Request, id) : null;
  }

  @FieldResolver(() => VolunteerTeam, { nullable: true })
  team(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> | null {
    const id = refId(task.team);
    return id ? loadById(ctx, VolunteerTeam, id) : null;
  }

  @FieldResolver(() => Person, { nullable: true })
  claimedBy(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(task.claimedBy);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => VolunteerServiceEntry, { nullable: true, description: 'The service-hour entry logged when it was reported done.' })
  async serviceEntry(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry | null> {
    return (await loadByForeignKey(ctx, VolunteerServiceEntry, 'task', task.uuid))[0] ?? null;
  }
}

/** Adds `Request.volunteerTasks` to core's Request type. */
@Resolver(() => Request)
export class RequestVolunteerTasksResolver {
  @FieldResolver(() => [VolunteerTask], { description: 'Volunteer tasks opened for this request (plugin volunteer).' })
  volunteerTasks(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<VolunteerTask[]> {
    return loadByForeignKey(ctx, VolunteerTask, 'request', request.uuid, { createdAt: 'asc' });
  }
}
