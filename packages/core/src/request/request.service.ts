import type { EntityManager } from '@mikro-orm/postgresql';
import type { GongzhiContext } from '../context.js';
import type { EventEmitter } from '../events/event-bus.js';
import { type Person } from '../person/person.entity.js';
import type { Place } from '../place/place.entity.js';
import {
  levelAbove,
  RequestChannel,
  type RequestKind,
  RequestLevel,
  RequestPriority,
  RequestStatus,
  TRANSITIONS,
} from './request-enums.js';
import type { RequestEventPayload } from './request.events.js';
import { Request } from './request.entity.js';
import { RequestErrorCode, RequestRuleError } from './request-payload.js';
import { RequestTimelineEntry } from './request-timeline-entry.entity.js';

export interface NewRequest {
  kind: RequestKind;
  channel: RequestChannel;
  title: string;
  description: string;
  place: Place;
  category?: string | null;
  requester?: Person | null;
  callbackPhone?: string | null;
  priority?: RequestPriority;
  level?: RequestLevel;
  dueAt?: Date | null;
  externalOrderNo?: string | null;
  praisedPerson?: Person | null;
}

function payload(request: Request): RequestEventPayload {
  return { requestId: request.uuid, placePath: request.placePath, status: request.status, level: request.level };
}

interface Tx {
  em: EntityManager;
  emit: EventEmitter;
}

/**
 * The request workflow. Every change is one transaction: a conditional update of the row
 * (so concurrent changes cannot both win), a timeline entry, and an event delivered after
 * commit.
 */
export class RequestService {
  /** Set by {@link RequestService.within}: the unit of work every change joins. */
  private tx: Tx | null = null;

  constructor(private readonly ctx: GongzhiContext) {}

  /**
   * A service working inside a unit of work that is already open (an after-commit handler's
   * `{ em, emit }`, or a plugin's own `events.transaction`) instead of opening its own: its
   * changes commit with that unit and its events go out through that unit's `emit`. `now`
   * is the platform clock.
   */
  static within(tx: { em: EntityManager; emit: EventEmitter }, now: () => Date): RequestService {
    const service = new RequestService({ em: tx.em, now, caller: null } as unknown as GongzhiContext);
    service.tx = tx;
    return service;
  }

  private run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.tx) return work(this.tx);
    return this.ctx.events.transaction(this.ctx.em, work, this.ctx.caller?.id);
  }

  /**
   * Appends an entry to a request's timeline without changing the request (a plugin's note,
   * e.g. "routed to grid X"). Emits nothing: the request itself did not change.
   */
  async annotate(requestId: string, action: string, note: string, actor: Person | null): Promise<Request> {
    return this.run(async (tx) => {
      const request = await this.load(tx.em, requestId);
      this.record(tx, request, action, request.status, actor, note);
      await tx.em.flush();
      return request;
    });
  }

  private record(tx: Tx, request: Request, action: string, from: RequestStatus | null, actor: Person | null, note?: string | null) {
    tx.em.create(RequestTimelineEntry, {
      request,
      action,
      fromStatus: from,
      toStatus: request.status,
      actor,
      note: note ?? null,
      at: this.ctx.now(),
    });
  }

  private async load(em: EntityManager, requestId: string): Promise<Request> {
    const request = await em.findOne(Request, { uuid: requestId }, { refresh: true, populate: ['assignee'] });
    if (!request) throw new RequestRuleError(RequestErrorCode.NOT_FOUND, 'No request has this id.', 'id');
    return request;
  }

  /**
   * Moves a request from the status it was read in to `to`, only if nobody changed it
   * since: `UPDATE … WHERE id = ? AND version = ?`. Returns false when someone else won.
   */
  private async move(tx: Tx, request: Request, to: RequestStatus, changes: Partial<Request> = {}): Promise<boolean> {
    const now = this.ctx.now();
    const affected = await tx.em.nativeUpdate(
      Request,
      { uuid: request.uuid, version: request.version },
      { ...changes, status: to, version: request.version + 1, updatedAt: now },
    );
    if (affected === 0) return false;
    Object.assign(request, changes, { status: to, version: request.version + 1, updatedAt: now });
    return true;
  }

  private assertLegal(request: Request, to: RequestStatus): void {
    if (!TRANSITIONS[request.status].includes(to)) {
      const legal = TRANSITIONS[request.status];
      throw new RequestRuleError(
        RequestErrorCode.ILLEGAL_TRANSITION,
        `A request that is ${request.status} cannot become ${to}. From ${request.status} it can become: ${legal.length ? legal.join(', ') : 'nothing (it is final)'}.`,
        'to',
      );
    }
  }

  async create(input: NewRequest, actor: Person | null): Promise<Request> {
    return this.run(async (tx) => {
      const request = tx.em.create(Request, {
        ...input,
        placePath: input.place.path,
        priority: input.priority ?? RequestPriority.NORMAL,
        level: input.level ?? RequestLevel.GRID,
        createdAt: this.ctx.now(),
        updatedAt: this.ctx.now(),
      });
      this.record(tx, request, input.externalOrderNo ? 'imported' : 'created', null, actor);
      await tx.em.flush();
      await tx.emit('request.created', payload(request));
      return request;
    });
  }

  /**
   * Imports a hotline work order once: the unique order number decides, so two imports of
   * the same order, even at the same moment, create one request.
   */
  async importHotlineOrder(input: NewRequest & { externalOrderNo: string }): Promise<{ request: Request; created: boolean }> {
    const existing = await this.ctx.em.findOne(Request, { externalOrderNo: input.externalOrderNo });
    if (existing) return { request: existing, created: false };
    try {
      return { request: await this.create({ ...input, channel: RequestChannel.HOTLINE_12345 }, null), created: true };
    } catch (err) {
      if ((err as { code?: string }).code !== '23505' && !/unique/i.test(String(err))) throw err;
      const winner = await this.ctx.em.fork().findOneOrFail(Request, { externalOrderNo: input.externalOrderNo });
      return { request: winner, created: false };
    }
  }

  async changeStatus(requestId: string, to: RequestStatus, actor: Person | null, note?: string | null): Promise<Request> {
    if (to === RequestStatus.CLAIMED || to === RequestStatus.ASSIGNED || to === RequestStatus.ESCALATED) {
      throw new RequestRuleError(
        RequestErrorCode.INVALID_INPUT,
        `Use ${to === RequestStatus.CLAIMED ? 'claimRequest' : to === RequestStatus.ASSIGNED ? 'assignRequest' : 'escalateRequest'} to make a request ${to}.`,
        'to',
      );
    }
    return this.run(async (tx) => {
      const request = await this.load(tx.em, requestId);
      const from = request.status;
      this.assertLegal(request, to);
      if (!(await this.move(tx, request, to))) return this.conflict(tx.em, requestId, to);
      this.record(tx, request, 'status', from, actor, note);
      await tx.em.flush();
      await tx.emit('request.status-changed', { ...payload(request), from });
      return request;
    });
  }

  /** Someone else changed the request between our read and our write: say what it is now. */
  private async conflict(em: EntityManager, requestId: string, to: RequestStatus): Promise<never> {
    const now = await em.fork().findOneOrFail(Request, { uuid: requestId }, { populate: ['assignee'] });
    if (now.status === RequestStatus.CLAIMED || now.status === RequestStatus.ASSIGNED) {
      throw new RequestRuleError(
        RequestErrorCode.ALREADY_CLAIMED,
        `This request was just ${now.status} by ${now.assignee?.name ?? 'someone else'}.`,
        'id',
      );
    }
    throw new RequestRuleError(
      RequestErrorCode.ILLEGAL_TRANSITION,
      `This request changed meanwhile and is now ${now.status}; it was not made ${to}. Reload it and try again.`,
      'id',
    );
  }

  /** Takes an accepted request for `person`. Of two claims at once exactly one wins. */
  async claim(requestId: string, person: Person): Promise<Request> {
    return this.takeOn(requestId, person, RequestStatus.CLAIMED, person, 'request.claimed');
  }

  async assign(requestId: string, assignee: Person, actor: Person | null): Promise<Request> {
    return this.takeOn(requestId, assignee, RequestStatus.ASSIGNED, actor, 'request.assigned');
  }

  private takeOn(
    requestId: string,
    assignee: Person,
    to: RequestStatus.CLAIMED | RequestStatus.ASSIGNED,
    actor: Person | null,
    event: 'request.claimed' | 'request.assigned',
  ): Promise<Request> {
    return this.run(async (tx) => {
      const request = await this.load(tx.em, requestId);
      if (request.assignee && (request.status === RequestStatus.CLAIMED || request.status === RequestStatus.ASSIGNED)) {
        throw new RequestRuleError(
          RequestErrorCode.ALREADY_CLAIMED,
          `This request is already ${request.status} by ${request.assignee.name}.`,
          'id',
        );
      }
      this.assertLegal(request, to);
      const from = request.status;
      if (!(await this.move(tx, request, to, { assignee }))) return this.conflict(tx.em, requestId, to);
      this.record(tx, request, to, from, actor, `${assignee.name}`);
      await tx.em.flush();
      await tx.emit(event, { ...payload(request), assigneeId: assignee.uuid });
      return request;
    });
  }

  /** Raises the request one level (grid › community › subdistrict), unassigned, for that level to accept. */
  async escalate(requestId: string, reason: string, actor: Person | null): Promise<Request> {
    return this.run(async (tx) => {
      const request = await this.load(tx.em, requestId);
      const above = levelAbove(request.level);
      if (!above) {
        throw new RequestRuleError(RequestErrorCode.TOP_LEVEL, `This request is already at the ${request.level} level, the highest.`, 'id');
      }
      this.assertLegal(request, RequestStatus.ESCALATED);
      const from = request.status;
      const fromLevel = request.level;
      if (!(await this.move(tx, request, RequestStatus.ESCALATED, { level: above, assignee: null }))) {
        return this.conflict(tx.em, requestId, RequestStatus.ESCALATED);
      }
      this.record(tx, request, 'escalated', from, actor, `${fromLevel} → ${above}: ${reason}`);
      await tx.em.flush();
      await tx.emit('request.escalated', { ...payload(request), fromLevel, reason });
      return request;
    });
  }

  /** The requester's rating (1–5) and thanks, once the request is resolved or closed. */
  async rate(requestId: string, rating: number, thanks: string | null, actor: Person | null): Promise<Request> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new RequestRuleError(RequestErrorCode.INVALID_INPUT, `rating must be a whole number from 1 to 5, got ${rating}.`, 'rating');
    }
    return this.run(async (tx) => {
      const request = await this.load(tx.em, requestId);
      if (request.status !== RequestStatus.RESOLVED && request.status !== RequestStatus.CLOSED) {
        throw new RequestRuleError(
          RequestErrorCode.ILLEGAL_TRANSITION,
          `Only a resolved or closed request can be rated; this one is ${request.status}.`,
          'id',
        );
      }
      if (!(await this.move(tx, request, request.status, { rating, thanks }))) return this.conflict(tx.em, requestId, request.status);
      this.record(tx, request, 'rated', request.status, actor, thanks ? `${rating}★ ${thanks}` : `${rating}★`);
      await tx.em.flush();
      await tx.emit('request.rated', { ...payload(request), rating });
      return request;
    });
  }
}
