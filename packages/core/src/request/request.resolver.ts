import { raw } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Field, FieldResolver, Info, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { readSensitive } from '../auth/sensitive.js';
import { loadRef, perform, requireRef } from '../command/command.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import { ByParentKey } from '../graphql/by-parent-key.js';
import { pageColumns, rowColumns } from '../graphql/page-columns.js';
import { hasMany } from '../graphql/relation-field.js';
import type { GongzhiContext } from '../context.js';
import { Organization } from '../organization/organization.entity.js';
import { organizationIdsOfPerson } from '../organization/organization.queries.js';
import { containsPattern } from '../database/like-pattern.js';
import { piecesCondition } from '../database/text-pieces.js';
import { Person } from '../person/person.entity.js';
import { dispatchRequest } from './request-dispatch.commands.js';
import { Place } from '../place/place.entity.js';
import {
  type ConnectionOrder,
  ConnectionArgs,
  ConnectionPage,
  findPage,
  loadPageByForeignKey,
  type PageOptions,
} from '../relay/connection.js';
import { RequestConnection, RequestFilter } from './request.types.js';
import { fewRequestsHold } from './request.queries.js';
import {
  assignRequest,
  changeRequestDeadline,
  changeRequestStatus,
  claimRequest,
  escalateRequest,
  importHotlineOrder,
  type NewRequestDetails,
  rateRequest,
  reassignRequest,
  releaseRequest,
  reopenRequest,
  reportRequestProgress,
  submitRequest,
} from './request.commands.js';
import { OPEN_STATUSES, RequestChannel, RequestKind, RequestPriority, RequestStatus } from './request.entity.js';
import { isBoardIndexDepth } from '../migrations/core/0011_request_read_paths.js';
import { Request } from './request.entity.js';
import { RequestPayload } from './request.types.js';
import { RequestTimelineEntry } from './request-timeline-entry.entity.js';
import { PhotoUpload } from './photo-upload.entity.js';

/** What every new request says, however it arrives. */
@InputType({ description: 'Shared fields of new requests (not used on its own).' })
abstract class RequestDetailsInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { defaultValue: '' })
  description!: string;

  @RefField(() => Place, { description: 'Where: a household, building, compound, community…' })
  placeId!: Ref<Place>;

  @Field(() => String, { nullable: true })
  category?: string;

  @Field(() => String, { nullable: true, description: 'Callback number, for anonymous requests.' })
  callbackPhone?: string;

  @Field(() => RequestPriority, { nullable: true })
  priority?: RequestPriority;

  @Field(() => Date, { nullable: true })
  dueAt?: Date;

  @RefField(() => Person, { nullable: true, description: 'For praise (表扬信): the person praised.' })
  praisedPersonId?: Ref<Person>;

  @Field(() => [String], { nullable: true, description: 'Photos of it (随手拍), by https address: at most 9.' })
  photoUrls?: string[];
}

@InputType({ description: 'A new request as a resident, worker or "little bee" reports it.' })
export class SubmitRequestInput extends RequestDetailsInput {
  @Field(() => RequestKind)
  kind!: RequestKind;

  @Field(() => RequestChannel)
  channel!: RequestChannel;

  @RefField(() => Person, { nullable: true, description: 'The requester; leave out for anonymous requests and give callbackPhone.' })
  requesterId?: Ref<Person>;

  @RefField(() => [PhotoUpload], {
    nullable: true,
    description: 'Photos of it you uploaded (POST /photos), attached to no request yet: at most 9 with photoUrls.',
  })
  photoUploadIds?: Ref<PhotoUpload>[];
}

@InputType({ description: 'A 12345 hotline work order (派单), imported once by its order number.' })
export class HotlineOrderInput extends RequestDetailsInput {
  @Field(() => String, { description: "The hotline's own order number." })
  orderNo!: string;

  @Field(() => RequestKind, { defaultValue: RequestKind.COMPLAINT })
  kind!: RequestKind;

  @Field(() => String, {
    nullable: true,
    description:
      "The caller's phone number as the hotline gives it: when exactly one resident of the order's community has it, she becomes the requester (and may rate the order); otherwise it is kept as the callback number only.",
  })
  callerPhone?: string;
}

/** The fields of a new request both inputs share, as the commands take them. */
function details(input: RequestDetailsInput & { kind: RequestKind }): NewRequestDetails {
  return {
    kind: input.kind,
    title: input.title,
    description: input.description,
    place: input.placeId,
    category: input.category ?? null,
    callbackPhone: input.callbackPhone ?? null,
    priority: input.priority ?? null,
    dueAt: input.dueAt ?? null,
    praisedPerson: input.praisedPersonId ?? null,
    photoUrls: input.photoUrls ?? null,
  };
}

/** The order of `requests`: newest first, the uuid breaking ties. */
export const NEWEST_FIRST: ConnectionOrder<Request> = { keys: ['createdAt', 'uuid'], direction: 'desc' };
/** A timeline in the order it was written: by time, then `seq` (entries of one unit of work share their time). */
const AS_WRITTEN: ConnectionOrder<RequestTimelineEntry> = { keys: ['at', 'seq', 'uuid'], direction: 'asc' };
/** What `Request.timeline` pages with (hasMany's defaults): `lastTimelineEntry` shares its batch when it reads the same columns. */
const TIMELINE_PAGES = { connection: 'Request.timeline', defaultSize: 50, rows: true };
const LAST_ONE = { last: 1 };
/** {@link TIMELINE_PAGES} reading `columns`, one object per list of columns (a board asks for 50 at once). */
const timelinePages = new WeakMap<readonly string[], PageOptions>();
function timelinePagesOf(columns: readonly string[] | null): PageOptions {
  if (!columns) return TIMELINE_PAGES;
  let options = timelinePages.get(columns);
  if (!options) timelinePages.set(columns, (options = { ...TIMELINE_PAGES, columns }));
  return options;
}

@Resolver(() => Request)
export class RequestResolver {
  @Query(() => Request, { nullable: true, description: 'One request by its global id.' })
  request(@RefArg('id', () => Request) id: Ref<Request>, @Ctx() ctx: GongzhiContext): Promise<Request | null> {
    return loadRef(ctx, id);
  }

  @Query(() => RequestConnection, { description: 'Requests matching the filter, newest first, a page at a time.' })
  async requests(
    @Arg('filter', () => RequestFilter, { nullable: true }) filter: RequestFilter | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RequestConnection> {
    const where: Record<string, unknown>[] = [];
    if (filter?.under) {
      const under = await requireRef(ctx, filter.under, { rows: true });
      // Open requests only: the same subtree by its ancestor at the place's depth, which the
      // partial board indexes (migration 0011) serve in creation order, a page's rows read. The id
      // goes in a subquery so that no plan sees it: one community holding most requests made
      // every custom plan look cheaper than the generic one, and PostgreSQL planned the board's
      // statement afresh each time (about 0.3 ms of its 0.5); the plan is the same either way.
      if (filter.status?.length && filter.status.every((s) => OPEN_STATUSES.includes(s)) && isBoardIndexDepth(under.depth))
        where.push({ [raw(`split_part(place_path, '/', ${under.depth + 2}) = (SELECT ?::text)`, [under.uuid])]: [] });
      else where.push({ placePath: { $like: `${under.path}%` } });
    }
    // Statuses are written into the statement (`literal` below): the planner must see them to use a partial index.
    if (filter?.status?.length) where.push({ status: { $in: filter.status } });
    if (filter?.kind?.length) where.push({ kind: { $in: filter.kind } });
    if (filter?.level?.length) where.push({ level: { $in: filter.level } });
    if (filter?.assigneeId) where.push({ assignee: (await requireRef(ctx, filter.assigneeId)).uuid });
    if (filter?.requesterId) where.push({ requester: (await requireRef(ctx, filter.requesterId)).uuid });
    if (filter?.dispatchedToId) where.push({ dispatchedTo: (await requireRef(ctx, filter.dispatchedToId)).uuid });
    if (filter?.duplicate != null) where.push({ duplicateOf: filter.duplicate ? { $ne: null } : null });
    if (filter?.createdFrom) where.push({ createdAt: { $gte: filter.createdFrom } });
    if (filter?.createdTo) where.push({ createdAt: { $lt: filter.createdTo } });
    if (filter?.dueBefore) where.push({ dueAt: { $lte: filter.dueBefore } });
    const text = filter?.text?.trim();
    if (text) {
      // Words are read by their pieces' index (core migrations 0038, 0041), unless so many requests
      // hold them that reading newest first meets a page sooner (SEARCH_DENSE). Checked whole either way.
      if (await fewRequestsHold(ctx, text))
        where.push({
          [raw((alias) => `${alias}.id IN (SELECT request_id FROM request_search WHERE ${piecesCondition('pieces', text)})`, [text])]: [],
        });
      const pattern = containsPattern(text);
      where.push({ $or: [{ title: { $ilike: pattern } }, { description: { $ilike: pattern } }, { externalOrderNo: { $ilike: pattern } }] });
    }
    const access = await ctx.access();
    const scope = scopeCondition<Record<string, unknown>>(
      access,
      (pattern) => ({ placePath: { $like: pattern } }),
      ...(access.personId ? [{ requester: access.personId }] : []),
      // Members of a partner unit see the requests dispatched to it.
      ...(access.personId ? [{ dispatchedTo: { $in: await organizationIdsOfPerson(ctx, access.personId) } }] : []),
    );
    if (scope === null) return ConnectionPage.empty();
    if (scope) where.push(scope);
    return findPage(ctx, Request, { $and: where }, NEWEST_FIRST, page, {
      connection: 'Query.requests',
      filter,
      defaultSize: 20,
      rows: true,
      literal: ['status'],
      columns: pageColumns(ctx, info, Request),
    });
  }

  @Mutation(() => RequestPayload, { description: 'Records a new request (status submitted).' })
  submitRequest(@Arg('input', () => SubmitRequestInput) input: SubmitRequestInput, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return perform(
      ctx,
      RequestPayload,
      submitRequest,
      { ...details(input), photoUploads: input.photoUploadIds ?? null, channel: input.channel, requester: input.requesterId ?? null },
      (request) => ({
        request,
        created: true,
      }),
    );
  }

  @Mutation(() => RequestPayload, {
    description: 'Imports a 12345 hotline work order; importing the same order number again returns the first request (created: false).',
  })
  importHotlineOrder(@Arg('input', () => HotlineOrderInput) input: HotlineOrderInput, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return perform(
      ctx,
      RequestPayload,
      importHotlineOrder,
      { ...details(input), orderNo: input.orderNo, callerPhone: input.callerPhone ?? null },
      (result) => result,
    );
  }

  @Mutation(() => RequestPayload, {
    description:
      'Moves a request along its life: accepted, in_progress, resolved, closed, rejected, or back to in_progress. Needs request.manage; the person who claimed it or was assigned it may start it (in_progress) and finish it (resolved) with request.claim.',
  })
  changeRequestStatus(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('to', () => RequestStatus) to: RequestStatus,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, changeRequestStatus, { request, to, note: note ?? null });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Notes progress on claimed, assigned or in-progress work without changing its status: by the person holding it (request.claim), or staff (request.manage).',
  })
  reportRequestProgress(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('note', () => String) note: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, reportRequestProgress, { request, note });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Moves, sets or removes (dueAt: null) a request\'s deadline with a reason; the timeline keeps the old and new time (action "deadline"). A request past its dueAt escalates once. Needs request.manage.',
  })
  changeRequestDeadline(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('dueAt', () => Date, { nullable: true }) dueAt: Date | null | undefined,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, changeRequestDeadline, { request, dueAt: dueAt ?? null, reason });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Claims an accepted request (a micro-wish straight from the wish wall, no acceptance needed): for yourself when signed in as a person, or for personId (which needs request.manage when it is not you); when two claim at once, one wins and the other gets ALREADY_CLAIMED. A request dispatched to a partner unit is claimed by its members (接单).',
  })
  claimRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @RefArg('personId', () => Person, { nullable: true }) person: Ref<Person> | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, claimRequest, { request, person: person ?? null });
  }

  @Mutation(() => RequestPayload, {
    description:
      "Dispatches a request to a partner unit (下单, 三单制): its members then see it and may claim it (接单), wherever they live. Needs request.manage at the request's place; the unit must belong to the request's community or a place above it.",
  })
  dispatchRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @RefArg('organizationId', () => Organization) organization: Ref<Organization>,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, dispatchRequest, { request, organization, note: note ?? null });
  }

  @Mutation(() => RequestPayload, { description: 'Assigns an accepted request to a person (dispatch, 派单).' })
  assignRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @RefArg('assigneeId', () => Person) assignee: Ref<Person>,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, assignRequest, { request, assignee });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Gives work someone holds (assigned, claimed or in progress) to another person, with the reason (改派: the worker is ill, changed posts, left).',
  })
  reassignRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @RefArg('assigneeId', () => Person) assignee: Ref<Person>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, reassignRequest, { request, assignee, reason });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Gives back work assigned or claimed and not begun (退回), with the reason: its holder, or staff with request.manage. It is accepted again, held by no one.',
  })
  releaseRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, releaseRequest, { request, reason });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Sends resolved work back to be done again (不满意，重新办理), with what is still wrong: the requester, or staff with request.manage. It is in progress again with whoever held it.',
  })
  reopenRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, reopenRequest, { request, reason });
  }

  @Mutation(() => RequestPayload, { description: 'Raises a request one level (grid › community › subdistrict) with a reason.' })
  escalateRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, escalateRequest, { request, reason });
  }

  @Mutation(() => RequestPayload, {
    description:
      "Records the requester's rating (1–5) and thanks on a resolved or closed request: by the requester, or by staff with request.manage (a rating given by phone).",
  })
  rateRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('rating', () => Int) rating: number,
    @Arg('thanks', () => String, { nullable: true }) thanks: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, rateRequest, { request, rating, thanks: thanks ?? null });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Callback number of an anonymous requester (sensitive: null unless you hold sensitive.read here; every read is logged).',
  })
  async callbackPhone(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<string | null> {
    if (!request.callbackPhone) return null;
    return (await readSensitive(ctx, request.uuid, 'request.callbackPhone', [request.placePath])) ? request.callbackPhone : null;
  }

  @ByParentKey()
  @FieldResolver(() => RequestTimelineEntry, { nullable: true, description: 'The latest change.' })
  async lastTimelineEntry(
    @Root() request: Request,
    @Ctx() ctx: GongzhiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RequestTimelineEntry | null> {
    // The timeline's last page of one: one statement for a whole board of requests, of the columns it shows.
    const page = await loadPageByForeignKey(
      ctx,
      RequestTimelineEntry,
      'request',
      request.uuid,
      AS_WRITTEN,
      LAST_ONE,
      timelinePagesOf(rowColumns(ctx, info, RequestTimelineEntry)),
    );
    return page.edges[0]?.node ?? null;
  }
}

/** Adds `Request.timeline` (plain rows: boards and the person card read timelines on hot paths). */
export const RequestTimelineResolver = hasMany(
  () => Request,
  'timeline',
  () => RequestTimelineEntry,
  'request',
  {
    order: AS_WRITTEN,
    rows: true,
    description: 'Every change, oldest first (in the order written), a page at a time.',
  },
);
