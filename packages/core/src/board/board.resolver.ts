import { IsolationLevel } from '@mikro-orm/core';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { loadRef, requireRef } from '../command/command.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { loadById } from '../graphql/loaders.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { toGlobalId } from '../relay/global-id.js';
import { Node } from '../relay/node.js';
import { RequestLevel } from '../request/request.entity.js';
import type { BoardCardFacts } from './board-item.js';
import type { BoardDelivery, BoardHub } from './board-hub.js';
import { boardLog } from './board-log.js';
import { runAgainOnTransientFailure } from '../database/transient-failure.js';
import { coreMessages } from '../i18n/core-messages.js';
import { BoundedList } from '../graphql/bounded-list.js';

@InputType({ description: 'Narrows a task board; all given filters must match. The place is given separately.' })
export class TaskBoardFilter {
  @Field(() => [String], { nullable: true, description: 'Only these item types (GraphQL type names: Request, VolunteerTask, …).' })
  itemType?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: "Only items of these kinds, spelt as the item's kind enum (for requests: NEED, COMPLAINT, REPORT, PRAISE, WISH).",
  })
  kind?: string[] | null;

  @Field(() => [RequestLevel], { nullable: true, description: 'Only items at these levels (requests have levels; other items have none).' })
  level?: RequestLevel[] | null;

  @RefField(() => Person, { nullable: true, description: 'Only items assigned to or claimed by this person.' })
  assigneeId?: Ref<Person> | null;
}

/** A fact's stored value (`in_progress`) as the GraphQL enum spells it (`IN_PROGRESS`), so a card and its item agree. */
function enumName(value: string): string {
  return value.toUpperCase();
}

/** One item on a board, whatever its type: the facts every card shows, and the item itself. */
@ObjectType({ description: 'One card of a task board: a request or a plugin task, with the facts every card shows.' })
export class TaskBoardCard {
  @Field(() => String, { description: 'The GraphQL type of the item: Request, VolunteerTask, …' })
  itemType!: string;

  @Field(() => Node, { description: 'The item itself, in the same shape as the query API (select with `... on Request { … }`).' })
  item!: Node;

  facts!: BoardCardFacts;
  overdueAt!: Date;
  /** Open work due before this is due soon (the clock plus the platform's reminder window). */
  dueSoonBefore!: Date;

  @Field(() => ID, { description: 'Global id of the item.' })
  get itemId(): string {
    return toGlobalId(this.itemType, this.facts.id);
  }

  @Field(() => String)
  get title(): string {
    return this.facts.title;
  }

  @Field(() => String, {
    description:
      "The item's status, the column it belongs in, spelt as its own status enum: a RequestStatus for a request (CLAIMED, IN_PROGRESS…), a VolunteerTaskStatus, a CouncilActionItemStatus…",
  })
  get status(): string {
    return enumName(this.facts.status);
  }

  @Field(() => Boolean, { description: 'Still work to do.' })
  get open(): boolean {
    return this.facts.open;
  }

  @Field(() => Date, { nullable: true })
  get dueAt(): Date | null {
    return this.facts.dueAt ?? null;
  }

  @Field(() => Boolean, { description: 'Open and past its due time.' })
  get overdue(): boolean {
    return this.facts.open && !!this.facts.dueAt && this.facts.dueAt.getTime() < this.overdueAt.getTime();
  }

  @Field(() => Boolean, {
    description:
      'Open, not yet overdue, and due within the platform’s reminder window (即将超期: `TaskBoard.dueSoonHours`, the hours `request.due-soon` announces a deadline before).',
  })
  get dueSoon(): boolean {
    return this.facts.open && !!this.facts.dueAt && !this.overdue && this.facts.dueAt.getTime() < this.dueSoonBefore.getTime();
  }

  @Field(() => String, { nullable: true, description: "The item's kind, spelt as its kind enum (a RequestKind for a request: WISH…)." })
  get kind(): string | null {
    return this.facts.kind ? enumName(this.facts.kind) : null;
  }

  @Field(() => RequestLevel, { nullable: true, description: 'For a request, its level; null for items without levels.' })
  get level(): RequestLevel | null {
    return (this.facts.level as RequestLevel | undefined) ?? null;
  }
}

@ObjectType({ description: 'A task board: the items under a place, with the board sequence they reflect.' })
export class TaskBoard {
  @Field(() => Place)
  place!: Place;

  @Field(() => GraphQLSafeInt, {
    description: 'The board sequence this board reflects. Subscribe to taskBoardChanges with after: sequence to get every later change.',
  })
  sequence!: number;

  @BoundedList('the board query caps cards per item type by its own limit argument (500 at most)')
  @Field(() => [TaskBoardCard], { description: 'Open items and recently finished ones, newest first.' })
  cards!: TaskBoardCard[];

  @Field(() => Int)
  openCount!: number;

  @Field(() => Int, { description: 'Open items past their due time.' })
  overdueCount!: number;

  @Field(() => Int, { description: 'Open items due soon (`TaskBoardCard.dueSoon`).' })
  dueSoonCount!: number;

  @Field(() => Int, {
    description:
      'How many hours before its due time open work counts as due soon (GONGZHI_DUE_SOON_HOURS; 0: never): a dashboard marks cards against its own clock with it, as it does overdue ones.',
  })
  dueSoonHours!: number;

  @Field(() => Boolean, { description: 'True when there were more items than the limit.' })
  truncated!: boolean;
}

@ObjectType({ description: 'One change on a task board, in commit order, or a signal to refetch the board.' })
export class TaskBoardChange {
  @Field(() => GraphQLSafeInt, { description: 'Board sequence number; resume with after: this number.' })
  sequence!: number;

  @Field(() => Boolean, {
    description:
      'True when the gap since `after` is no longer in the log: reload taskBoard, then resubscribe from its sequence. No item comes with it.',
  })
  refetch!: boolean;

  @Field(() => String, { nullable: true, description: 'The event, e.g. request.claimed; null for a refetch.' })
  event?: string | null;

  @Field(() => String, { nullable: true })
  itemType?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the changed item.' })
  itemId?: string | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;

  @Field(() => Boolean, {
    description: 'Whether the item matches the board filters now; false means: remove its card (it was reassigned, escalated away…).',
  })
  inBoard!: boolean;

  @Field(() => TaskBoardCard, {
    nullable: true,
    description: 'The item as it is now (loaded after commit); null for a refetch or an item that is gone.',
  })
  card?: TaskBoardCard | null;
}

function hubOf(ctx: GongzhiContext): BoardHub {
  if (!ctx.boards) throw coreMessages.liveTaskBoardsRunning.error();
  return ctx.boards;
}

interface CheckedFilter {
  itemTypes: string[] | null;
  kind: string[] | null;
  level: string[] | null;
  assigneeId: string | null;
}

/** Matches no assignee: what a filter naming a person the caller may not see selects. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

async function checkFilter(ctx: GongzhiContext, hub: BoardHub, filter: TaskBoardFilter | null | undefined): Promise<CheckedFilter> {
  const known = [...hub.sources.byType.keys()];
  for (const type of filter?.itemType ?? []) {
    if (!hub.sources.byType.has(type)) {
      throw coreMessages.filterItemtypeNamesWhich.error({ type, known: known.join(', ') }, 'filter.itemType');
    }
  }
  return {
    itemTypes: filter?.itemType?.length ? filter.itemType : null,
    // Kinds are stored as enum values (`wish`); the filter takes enum names (`WISH`), or the values as before.
    kind: filter?.kind?.length ? filter.kind.map((k) => k.toLowerCase()) : null,
    level: filter?.level?.length ? filter.level : null,
    // A person the caller may not see is assigned nothing the caller may see.
    assigneeId: filter?.assigneeId ? ((await loadRef(ctx, filter.assigneeId))?.uuid ?? NOBODY) : null,
  };
}

function inBoard(facts: BoardCardFacts, f: CheckedFilter): boolean {
  if (f.kind && !f.kind.includes(facts.kind ?? '')) return false;
  if (f.level && !f.level.includes(facts.level ?? '')) return false;
  if (f.assigneeId && facts.assigneeId !== f.assigneeId) return false;
  return true;
}

/** The place a board watches, checked against the caller's scope. */
async function watchedPlace(ctx: GongzhiContext, hub: BoardHub, placeId: Ref<Place>): Promise<Place> {
  const place = await requireRef(ctx, placeId);
  // A board shows everything under its place: only a place inside the caller's places will do.
  if (!(await ctx.access()).sees(place.path)) {
    throw coreMessages.boardPlacePickPlace.error('placeId');
  }
  if (hub.options.canWatch && !(await hub.options.canWatch(ctx, place.path))) {
    throw coreMessages.youMayWatchBoard.error('placeId');
  }
  return place;
}

function makeCard(ctx: GongzhiContext, itemType: string, item: object, facts: BoardCardFacts, now: Date): TaskBoardCard {
  const dueSoonBefore = new Date(now.getTime() + ctx.platform.dueSoonHours * 3_600_000);
  return Object.assign(new TaskBoardCard(), { itemType, item, facts, overdueAt: now, dueSoonBefore });
}

function checkAfter(after: number | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  if (!Number.isSafeInteger(after) || after < 0) {
    throw coreMessages.afterBoardSequenceNumber.error({ after }, 'after');
  }
  return after;
}

interface BoardArgs {
  placeId: Ref<Place>;
  filter?: TaskBoardFilter | null;
  after?: number | null;
}

@Resolver()
export class TaskBoardResolver {
  @Query(() => TaskBoard, { description: 'The task board of a place and everything under it, with the sequence number to subscribe from.' })
  async taskBoard(
    @RefArg('placeId', () => Place) placeId: Ref<Place>,
    @Arg('filter', () => TaskBoardFilter, { nullable: true }) filter: TaskBoardFilter | undefined,
    @Arg('limit', () => Int, { defaultValue: 200, description: 'Most cards per item type (1 to 500).' }) limit: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<TaskBoard> {
    const hub = hubOf(ctx);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw coreMessages.limitFrom1To500.error({ limit }, 'limit');
    }
    const place = await watchedPlace(ctx, hub, placeId);
    const checked = await checkFilter(ctx, hub, filter);
    const now = ctx.now();
    // One repeatable-read snapshot: the sequence and the items agree exactly. Read-only, so it may
    // simply run again when a migration left a prepared statement stale (rows read with `*`).
    return runAgainOnTransientFailure(
      () =>
        ctx.em.fork().transactional(
          async (tx) => {
            const { lastSeq } = await boardLog.state(tx);
            const cards: TaskBoardCard[] = [];
            let truncated = false;
            for (const [type, source] of hub.sources.byType) {
              if (checked.itemTypes && !checked.itemTypes.includes(type)) continue;
              const items = await source.list(tx, { placePath: place.path, limit: limit + 1, now });
              if (items.length > limit) truncated = true;
              for (const item of items.slice(0, limit)) {
                const facts = source.card(item, ctx);
                if (inBoard(facts, checked)) cards.push(makeCard(ctx, type, item, facts, now));
              }
            }
            return Object.assign(new TaskBoard(), {
              place,
              sequence: lastSeq,
              cards,
              openCount: cards.filter((c) => c.open).length,
              overdueCount: cards.filter((c) => c.overdue).length,
              dueSoonCount: cards.filter((c) => c.dueSoon).length,
              dueSoonHours: ctx.platform.dueSoonHours,
              truncated,
            });
          },
          { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
        ),
      ctx.logger,
    );
  }

  @Subscription(() => TaskBoardChange, {
    description:
      'Every change on the task board of a place and everything under it, once and in commit order, after commit. Pass after: the sequence of taskBoard (or of the last change received) to get nothing twice and miss nothing.',
    subscribe: async ({ args, context }) => {
      const ctx = context as GongzhiContext;
      const { placeId, filter, after } = args as BoardArgs;
      const hub = hubOf(ctx);
      const place = await watchedPlace(ctx, hub, placeId);
      const checked = await checkFilter(ctx, hub, filter);
      const start = checkAfter(after);
      // The subscription's own EntityManager is not used past this point: every event loads
      // with a fresh one, so a long-lived subscription does not accumulate entities.
      ctx.em.clear();
      return hub.subscribe({ placePath: place.path, itemTypes: checked.itemTypes }, start);
    },
  })
  async taskBoardChanges(
    @Root() delivery: BoardDelivery,
    @RefArg('placeId', () => Place) _placeId: Ref<Place>,
    @Arg('filter', () => TaskBoardFilter, { nullable: true }) filter: TaskBoardFilter | undefined,
    @Arg('after', () => GraphQLSafeInt, { nullable: true, description: 'The last sequence number the client has; omit to start from now.' })
    _after: number | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<TaskBoardChange> {
    if (delivery.kind === 'refetch') {
      return Object.assign(new TaskBoardChange(), { sequence: delivery.seq, refetch: true, inBoard: false, card: null });
    }
    // A fresh unit of work for every event: nothing from earlier events is cached or kept.
    ctx.em = ctx.em.fork();
    ctx.loaders = new Map();
    const hub = hubOf(ctx);
    const { entry } = delivery;
    const source = hub.sources.byType.get(entry.itemType);
    const [item] = source ? await source.load(ctx.em, [entry.itemId]) : [];
    const found = item && source ? { item, facts: source.card(item, ctx) } : null;
    return Object.assign(new TaskBoardChange(), {
      sequence: entry.seq,
      refetch: false,
      event: entry.event,
      itemType: entry.itemType,
      itemId: toGlobalId(entry.itemType, entry.itemId),
      occurredAt: entry.occurredAt,
      inBoard: found ? inBoard(found.facts, await checkFilter(ctx, hub, filter)) : false,
      card: found ? makeCard(ctx, entry.itemType, found.item, found.facts, ctx.now()) : null,
    });
  }
}

@Resolver(() => TaskBoardCard)
export class TaskBoardCardResolver {
  @FieldResolver(() => Place, { nullable: true, description: "The item's place." })
  place(@Root() card: TaskBoardCard, @Ctx() ctx: GongzhiContext): Promise<Place | null> {
    const id = card.facts.placePath.split('/').filter(Boolean).at(-1);
    return id ? loadById(ctx, Place, id) : Promise.resolve(null);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'Who the item is assigned to or claimed by.' })
  assignee(@Root() card: TaskBoardCard, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    return card.facts.assigneeId ? loadById(ctx, Person, card.facts.assigneeId) : Promise.resolve(null);
  }
}
