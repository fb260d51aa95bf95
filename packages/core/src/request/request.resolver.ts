import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import { canSee } from '../auth/scope-guard.js';
import { readSensitive } from '../auth/sensitive.js';
import type { GongzhiContext } from '../context.js';
import { loadByForeignKey, loadById, refId } from '../graphql/loaders.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { requirePlace } from '../place/place-lookup.js';
import { localId } from '../relay/global-id.js';
import { checkPageSize, decodeCursor, encodeCursor, filterSignature, RequestConnection, RequestFilter } from './request-connection.js';
import { RequestChannel, RequestKind, RequestPriority, RequestStatus } from './request-enums.js';
import { Request } from './request.entity.js';
import { RequestErrorCode, RequestPayload, RequestRuleError } from './request-payload.js';
import { type NewRequest, RequestService } from './request.service.js';
import { RequestTimelineEntry } from './request-timeline-entry.entity.js';

/** What every new request says, however it arrives. */
@InputType({ description: 'Shared fields of new requests (not used on its own).' })
abstract class RequestDetailsInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { defaultValue: '' })
  description!: string;

  @Field(() => ID, { description: 'Where: a household, building, compound, community…' })
  placeId!: string;

  @Field(() => String, { nullable: true })
  category?: string;

  @Field(() => String, { nullable: true, description: 'Callback number, for anonymous requests.' })
  callbackPhone?: string;

  @Field(() => RequestPriority, { nullable: true })
  priority?: RequestPriority;

  @Field(() => Date, { nullable: true })
  dueAt?: Date;

  @Field(() => ID, { nullable: true, description: 'For praise (表扬信): the person praised.' })
  praisedPersonId?: string;
}

@InputType({ description: 'A new request as a resident, worker or "little bee" reports it.' })
export class SubmitRequestInput extends RequestDetailsInput {
  @Field(() => RequestKind)
  kind!: RequestKind;

  @Field(() => RequestChannel)
  channel!: RequestChannel;

  @Field(() => ID, { nullable: true, description: 'The requester; leave out for anonymous requests and give callbackPhone.' })
  requesterId?: string;
}

@InputType({ description: 'A 12345 hotline work order (派单), imported once by its order number.' })
export class HotlineOrderInput extends RequestDetailsInput {
  @Field(() => String, { description: "The hotline's own order number." })
  orderNo!: string;

  @Field(() => RequestKind, { defaultValue: RequestKind.COMPLAINT })
  kind!: RequestKind;
}

/** The parts of a new request both inputs share, looked up and checked. */
async function details(ctx: GongzhiContext, input: RequestDetailsInput) {
  return {
    title: checkTitle(input.title),
    description: input.description,
    place: await requirePlace(ctx, input.placeId, 'placeId'),
    category: input.category ?? null,
    callbackPhone: input.callbackPhone ?? null,
    priority: input.priority,
    dueAt: input.dueAt ?? null,
    praisedPerson: await optionalPerson(ctx, input.praisedPersonId, 'praisedPersonId'),
  };
}

async function requirePerson(ctx: GongzhiContext, globalId: string, field: string): Promise<Person> {
  const person = await ctx.em.findOne(Person, { uuid: localId(globalId, 'Person', field) });
  if (!person || !(await canSee(ctx, person)))
    throw new RequestRuleError(RequestErrorCode.NOT_FOUND, `No person has the id given in ${field}.`, field);
  return person;
}

async function optionalPerson(ctx: GongzhiContext, globalId: string | undefined | null, field: string): Promise<Person | null> {
  return globalId ? requirePerson(ctx, globalId, field) : null;
}

/**
 * Loads the request a mutation names and checks the caller's permission at its place; a
 * request outside the caller's places is NOT_FOUND, so its existence is not revealed.
 */
async function authorizedRequest(ctx: GongzhiContext, globalId: string, permission: string): Promise<Request> {
  const request = await ctx.em.findOne(Request, { uuid: localId(globalId, 'Request') });
  if (!request || !(await canSee(ctx, request))) throw new RequestRuleError(RequestErrorCode.NOT_FOUND, 'No request has this id.', 'id');
  await authorize(ctx, permission, request.placePath);
  return request;
}

/** The signed-in person making a change, recorded on the timeline; null for keys and the system. */
async function actor(ctx: GongzhiContext): Promise<Person | null> {
  return ctx.caller?.kind === 'person' ? ctx.em.findOne(Person, { uuid: ctx.caller.id }) : null;
}

/** Runs a request operation and reports rule violations as typed errors (after rollback). */
async function attempt(work: () => Promise<RequestPayload | Request>): Promise<RequestPayload> {
  try {
    const result = await work();
    return result instanceof Request ? Object.assign(new RequestPayload(), { request: result, errors: [], created: false }) : result;
  } catch (err) {
    if (!(err instanceof RequestRuleError)) throw err;
    return Object.assign(new RequestPayload(), { request: null, errors: [{ code: err.code, message: err.message, field: err.field }] });
  }
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > 200) {
    throw new RequestRuleError(RequestErrorCode.INVALID_INPUT, `title must have 1 to 200 characters, got ${trimmed.length}.`, 'title');
  }
  return trimmed;
}

@Resolver(() => Request)
export class RequestResolver {
  @Query(() => Request, { nullable: true, description: 'One request by its global id.' })
  request(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<Request | null> {
    return loadById(ctx, Request, localId(id, 'Request'));
  }

  @Query(() => RequestConnection, { description: 'Requests matching the filter, newest first, a page at a time.' })
  async requests(
    @Arg('filter', () => RequestFilter, { nullable: true }) filter: RequestFilter | undefined,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestConnection> {
    checkPageSize(first);
    const signature = filterSignature(filter);
    const where: Record<string, unknown>[] = [];
    if (filter?.under) where.push({ placePath: { $like: `${(await requirePlace(ctx, filter.under, 'filter.under')).path}%` } });
    if (filter?.status?.length) where.push({ status: { $in: filter.status } });
    if (filter?.kind?.length) where.push({ kind: { $in: filter.kind } });
    if (filter?.level?.length) where.push({ level: { $in: filter.level } });
    if (filter?.assigneeId) where.push({ assignee: localId(filter.assigneeId, 'Person', 'filter.assigneeId') });
    if (filter?.createdFrom) where.push({ createdAt: { $gte: filter.createdFrom } });
    if (filter?.createdTo) where.push({ createdAt: { $lt: filter.createdTo } });
    if (filter?.text?.trim()) {
      const pattern = `%${filter.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push({ $or: [{ title: { $ilike: pattern } }, { description: { $ilike: pattern } }] });
    }
    const access = await ctx.access();
    const scope = scopeCondition<Record<string, unknown>>(
      access,
      (pattern) => ({ placePath: { $like: pattern } }),
      ...(access.personId ? [{ requester: access.personId }] : []),
    );
    if (scope === null) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    if (scope) where.push(scope);
    if (after) {
      const cursor = decodeCursor(after, signature);
      where.push({ $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, uuid: { $lt: cursor.uuid } }] });
    }
    const rows = await ctx.em.find(
      Request,
      { $and: where },
      {
        orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }],
        limit: first + 1,
      },
    );
    const page = rows.slice(0, first);
    const edges = page.map((node) => ({ node, cursor: encodeCursor(node, signature) }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Mutation(() => RequestPayload, { description: 'Records a new request (status submitted).' })
  submitRequest(@Arg('input', () => SubmitRequestInput) input: SubmitRequestInput, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return attempt(async () => {
      const fields = await details(ctx, input);
      await authorize(ctx, Permission.REQUEST_SUBMIT, fields.place.path);
      // A signed-in resident submits for themselves unless they name someone else.
      const requester =
        (await optionalPerson(ctx, input.requesterId, 'requesterId')) ?? (input.callbackPhone?.trim() ? null : await actor(ctx));
      if (!requester && !input.callbackPhone?.trim()) {
        throw new RequestRuleError(
          RequestErrorCode.INVALID_INPUT,
          'Give requesterId, or callbackPhone for an anonymous request.',
          'requesterId',
        );
      }
      const request = await new RequestService(ctx).create(
        { kind: input.kind, channel: input.channel, requester, ...fields },
        (await actor(ctx)) ?? requester,
      );
      return Object.assign(new RequestPayload(), { request, errors: [], created: true });
    });
  }

  @Mutation(() => RequestPayload, {
    description: 'Imports a 12345 hotline work order; importing the same order number again returns the first request (created: false).',
  })
  importHotlineOrder(@Arg('input', () => HotlineOrderInput) input: HotlineOrderInput, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return attempt(async () => {
      const orderNo = input.orderNo.trim();
      if (!orderNo) throw new RequestRuleError(RequestErrorCode.INVALID_INPUT, 'orderNo must not be empty.', 'orderNo');
      const fields = await details(ctx, input);
      await authorize(ctx, Permission.REQUEST_MANAGE, fields.place.path);
      const order: NewRequest & { externalOrderNo: string } = {
        kind: input.kind,
        channel: RequestChannel.HOTLINE_12345,
        externalOrderNo: orderNo,
        ...fields,
      };
      const { request, created } = await new RequestService(ctx).importHotlineOrder(order);
      return Object.assign(new RequestPayload(), { request, errors: [], created });
    });
  }

  @Mutation(() => RequestPayload, {
    description: 'Moves a request along its life: accepted, in_progress, resolved, closed, rejected, or back to in_progress.',
  })
  changeRequestStatus(
    @Arg('id', () => ID) id: string,
    @Arg('to', () => RequestStatus) to: RequestStatus,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return attempt(async () => {
      const request = await authorizedRequest(ctx, id, Permission.REQUEST_MANAGE);
      return new RequestService(ctx).changeStatus(request.uuid, to, await actor(ctx), note);
    });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Claims an accepted request: for yourself when signed in as a person, or for personId (which needs request.manage when it is not you); when two claim at once, one wins and the other gets ALREADY_CLAIMED.',
  })
  claimRequest(
    @Arg('id', () => ID) id: string,
    @Arg('personId', () => ID, { nullable: true }) personId: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return attempt(async () => {
      const me = await actor(ctx);
      const claimant = personId ? await requirePerson(ctx, personId, 'personId') : me;
      if (!claimant)
        throw new RequestRuleError(RequestErrorCode.INVALID_INPUT, 'Give personId, or sign in as the person who claims.', 'personId');
      const request = await authorizedRequest(ctx, id, claimant.uuid === me?.uuid ? Permission.REQUEST_CLAIM : Permission.REQUEST_MANAGE);
      return new RequestService(ctx).claim(request.uuid, claimant);
    });
  }

  @Mutation(() => RequestPayload, { description: 'Assigns an accepted request to a person (dispatch, 派单).' })
  assignRequest(
    @Arg('id', () => ID) id: string,
    @Arg('assigneeId', () => ID) assigneeId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return attempt(async () => {
      const request = await authorizedRequest(ctx, id, Permission.REQUEST_MANAGE);
      return new RequestService(ctx).assign(request.uuid, await requirePerson(ctx, assigneeId, 'assigneeId'), await actor(ctx));
    });
  }

  @Mutation(() => RequestPayload, { description: 'Raises a request one level (grid › community › subdistrict) with a reason.' })
  escalateRequest(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return attempt(async () => {
      const request = await authorizedRequest(ctx, id, Permission.REQUEST_MANAGE);
      return new RequestService(ctx).escalate(request.uuid, reason, await actor(ctx));
    });
  }

  @Mutation(() => RequestPayload, {
    description:
      "Records the requester's rating (1–5) and thanks on a resolved or closed request: by the requester, or by staff with request.manage (a rating given by phone).",
  })
  rateRequest(
    @Arg('id', () => ID) id: string,
    @Arg('rating', () => Int) rating: number,
    @Arg('thanks', () => String, { nullable: true }) thanks: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return attempt(async () => {
      const me = await actor(ctx);
      const found = await ctx.em.findOne(Request, { uuid: localId(id, 'Request') });
      const own = !!me && !!found && refId(found.requester) === me.uuid;
      const request = own ? found : await authorizedRequest(ctx, id, Permission.REQUEST_MANAGE);
      return new RequestService(ctx).rate(request.uuid, rating, thanks ?? null, me);
    });
  }

  @FieldResolver(() => Place)
  async place(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(request.place)!))!;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Callback number of an anonymous requester (sensitive: null unless you hold sensitive.read here; every read is logged).',
  })
  async callbackPhone(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<string | null> {
    if (!request.callbackPhone) return null;
    return (await readSensitive(ctx, request.uuid, 'request.callbackPhone', [request.placePath])) ? request.callbackPhone : null;
  }

  @FieldResolver(() => Person, { nullable: true })
  requester(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(request.requester);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'Who claimed it or was assigned it.' })
  assignee(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(request.assignee);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'For praise: the person praised.' })
  praisedPerson(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(request.praisedPerson);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }

  @FieldResolver(() => [RequestTimelineEntry], { description: 'Every change, oldest first.' })
  timeline(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<RequestTimelineEntry[]> {
    return loadByForeignKey(ctx, RequestTimelineEntry, 'request', request.uuid, { at: 'asc' });
  }

  @FieldResolver(() => RequestTimelineEntry, { nullable: true, description: 'The latest change.' })
  async lastTimelineEntry(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<RequestTimelineEntry | null> {
    return (await this.timeline(request, ctx)).at(-1) ?? null;
  }
}

@Resolver(() => RequestTimelineEntry)
export class RequestTimelineEntryResolver {
  @FieldResolver(() => Person, { nullable: true, description: 'Who made the change, when known.' })
  actor(@Root() entry: RequestTimelineEntry, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    const id = refId(entry.actor);
    return id ? loadById(ctx, Person, id) : Promise.resolve(null);
  }
}
