import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  hasMany,
  loadByForeignKey,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  RefField,
  Request,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerServiceEntry } from '../hours/hours.entity.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { cancelTask, claimTask, completeTask, createTask, releaseTask } from './task.commands.js';
import { VolunteerTask, VolunteerTaskKind, VolunteerTaskStatus } from './task.entity.js';
import { tasksUnder } from './task.queries.js';

export const VolunteerTaskPayload = payloadType('VolunteerTaskPayload', 'task', () => VolunteerTask);

const VolunteerTaskConnection = connectionType(VolunteerTask);

@InputType({ description: 'A volunteer task: for a core request (requestId) or standalone (placeId).' })
export class CreateVolunteerTaskInput {
  @Field(() => VolunteerTaskKind)
  kind!: VolunteerTaskKind;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @RefField(() => Request, {
    nullable: true,
    description: "The core request this task serves (in the team's community); its place is the task's place unless placeId is given.",
  })
  requestId?: Ref<Request> | null;

  @RefField(() => Place, {
    nullable: true,
    description: "Where the task is (required for a standalone task; for a request, on the request's line of places).",
  })
  placeId?: Ref<Place> | null;

  @RefField(() => VolunteerTeam, { nullable: true, description: 'Only members of this team may claim it.' })
  teamId?: Ref<VolunteerTeam> | null;
}

@Resolver(() => VolunteerTask)
export class VolunteerTaskResolver {
  @Query(() => VolunteerTaskConnection, {
    description: 'Volunteer tasks anywhere under a place, newest first (a task board), a page at a time.',
  })
  async volunteerTasks(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('status', () => [VolunteerTaskStatus], { nullable: true }) status: VolunteerTaskStatus[] | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerTask>> {
    return tasksUnder(ctx, await requireRef(ctx, under), status, page);
  }

  @Mutation(() => VolunteerTaskPayload, { description: 'Opens a volunteer task, for a core request or standalone.' })
  createVolunteerTask(@Arg('input', () => CreateVolunteerTaskInput) input: CreateVolunteerTaskInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerTaskPayload, createTask, {
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      request: input.requestId ?? null,
      place: input.placeId ?? null,
      team: input.teamId ?? null,
    });
  }

  @Mutation(() => VolunteerTaskPayload, {
    description: 'The signed-in volunteer claims an open task; of two claims at once exactly one wins (ALREADY_CLAIMED).',
  })
  claimVolunteerTask(@RefArg('taskId', () => VolunteerTask) task: Ref<VolunteerTask>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerTaskPayload, claimTask, { task });
  }

  @Mutation(() => VolunteerTaskPayload, { description: 'The claiming volunteer gives a claimed task back; it is open again.' })
  releaseVolunteerTask(@RefArg('taskId', () => VolunteerTask) task: Ref<VolunteerTask>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerTaskPayload, releaseTask, { task });
  }

  @Mutation(() => VolunteerTaskPayload, {
    description:
      "The claiming volunteer reports the task done; with `minutes`, a pending service-hour entry of source TASK is logged for verification; with `resolveRequest`, the request it serves is resolved too (through core's changeRequestStatus: it needs request.manage there, and when refused nothing is written).",
  })
  completeVolunteerTask(
    @RefArg('taskId', () => VolunteerTask) task: Ref<VolunteerTask>,
    @Arg('report', () => String, { description: 'What was done.' }) report: string,
    @Arg('minutes', () => Int, { nullable: true, description: 'Time spent, 1–1439 minutes.' }) minutes: number | null | undefined,
    @Arg('resolveRequest', () => Boolean, {
      defaultValue: false,
      description: "Also resolve the task's request (in progress), as core's changeRequestStatus does, with the report as its note.",
    })
    resolveRequest: boolean,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerTaskPayload, completeTask, { task, report, minutes, resolveRequest });
  }

  @Mutation(() => VolunteerTaskPayload, { description: 'Cancels a task that is not done (whoever opened it, or the claimer).' })
  cancelVolunteerTask(@RefArg('taskId', () => VolunteerTask) task: Ref<VolunteerTask>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerTaskPayload, cancelTask, { task });
  }

  @FieldResolver(() => VolunteerServiceEntry, { nullable: true, description: 'The service-hour entry logged when it was reported done.' })
  async serviceEntry(@Root() task: VolunteerTask, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry | null> {
    return (await loadByForeignKey(ctx, VolunteerServiceEntry, 'task', task.uuid))[0] ?? null;
  }
}

/** Adds `Request.volunteerTasks` to core's Request type. */
export const RequestVolunteerTasksResolver = hasMany(
  () => Request,
  'volunteerTasks',
  () => VolunteerTask,
  'request',
  {
    order: { keys: ['createdAt', 'uuid'], direction: 'asc' },
    description: 'Volunteer tasks opened for this request, oldest first, a page at a time (plugin volunteer).',
  },
);
