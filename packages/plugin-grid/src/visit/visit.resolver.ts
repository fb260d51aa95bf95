import {
  addDays,
  BoundedList,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  findPage,
  type GongzhiContext,
  hasMany,
  loadPageByForeignKey,
  loadPerson,
  payloadType,
  perform,
  Person,
  PhotoUpload,
  Place,
  type Ref,
  RefArg,
  RequestKind,
  requireIsoDate,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { loadCovering } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { openRequestFromFinding, recordGridVisit } from './visit.commands.js';
import { GridFinding, GridVisit } from './visit.entity.js';
import { GridVisitFilter, RecordGridVisitInput } from './visit.inputs.js';
import { visitCoverage, visitsPage, visitsPerWorkerWeek, VISITS_NEWEST_FIRST } from './visit.queries.js';
import { gridMessages } from '../messages.js';

export const GridVisitPayload = payloadType('GridVisitPayload', 'visit', () => GridVisit);
export const GridFindingPayload = payloadType('GridFindingPayload', 'finding', () => GridFinding);
export const GridFindingConnection = connectionType(GridFinding);
export const GridVisitConnection = connectionType(GridVisit);
/** Findings oldest first (those of one visit share its time; the uuid orders them). */
export const FINDINGS_IN_ORDER: ConnectionOrder<GridFinding> = { keys: ['createdAt', 'uuid'], direction: 'asc' };

@ObjectType({ description: 'Which households of a grid were visited in the last N days.' })
export class GridCoverage {
  @Field(() => Grid)
  grid!: Grid;

  @Field(() => Int)
  days!: number;

  @Field(() => String, { description: 'Visits on or after this day (YYYY-MM-DD) count.' })
  since!: string;

  @Field(() => Int)
  householdCount!: number;

  @Field(() => Int)
  visitedCount!: number;

  /** The uuids of the households not visited since then. */
  notVisitedIds!: string[];
}

const PlaceConnection = connectionType(Place);
/** Places in tree order (a place's path sorts it under its ancestors). */
const IN_TREE_ORDER: ConnectionOrder<Place> = { keys: ['path', 'uuid'], direction: 'asc' };

/** Adds `GridCoverage.notVisited`. */
@Resolver(() => GridCoverage)
export class GridCoverageResolver {
  @FieldResolver(() => PlaceConnection, { description: 'Households not visited since then, in tree order, a page at a time.' })
  notVisited(
    @Root() coverage: GridCoverage,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Place>> {
    return findPage(ctx, Place, { uuid: { $in: coverage.notVisitedIds } }, IN_TREE_ORDER, page, {
      connection: 'GridCoverage.notVisited',
      filter: { grid: coverage.grid.uuid, since: coverage.since },
      defaultSize: 50,
    });
  }
}

@ObjectType({ description: "One worker's number of visits in one week (weeks start on Monday)." })
export class GridWorkerWeek {
  @Field(() => Person)
  worker!: Person;

  @Field(() => String, { description: 'The Monday the week starts on, YYYY-MM-DD.' })
  weekStart!: string;

  @Field(() => Int)
  visits!: number;
}

@Resolver(() => GridVisit)
export class GridVisitResolver {
  @Mutation(() => GridVisitPayload, {
    description:
      "Records the signed-in grid worker's visit to a household, with the checks made and the findings; a finding with openRequest: true opens a request in the same step (channel HOUSEHOLD_VISIT, requester the first person met, else the worker; routed to the grid like any new request). The people met are the household's or of its community.",
  })
  recordGridVisit(@Arg('input', () => RecordGridVisitInput) input: RecordGridVisitInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, GridVisitPayload, recordGridVisit, {
      household: input.householdId,
      visitedOn: input.visitedOn ?? null,
      met: input.metPersonIds,
      checks: input.checks.map((c) => ({ item: c.item, ok: c.ok, note: c.note ?? null })),
      notes: input.notes ?? null,
      findings: input.findings.map(({ photoUploadIds, ...f }) => ({ ...f, photoUploads: photoUploadIds ?? null })),
    });
  }

  @Mutation(() => GridFindingPayload, {
    description:
      'Opens a request for a finding recorded earlier (once; CONFLICT if it already has one). The signed-in person must be a worker of the grid covering the household.',
  })
  openRequestFromFinding(
    @RefArg('findingId', () => GridFinding) finding: Ref<GridFinding>,
    @Arg('title', () => String, { nullable: true }) title: string | null | undefined,
    @Arg('kind', () => RequestKind, { defaultValue: RequestKind.NEED }) kind: RequestKind,
    @RefArg('photoUploadIds', () => [PhotoUpload], {
      nullable: true,
      description: 'Pictures you uploaded (POST /photos), the photos of the request it opens: at most 9.',
    })
    photoUploads: Ref<PhotoUpload>[] | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridFindingPayload, openRequestFromFinding, {
      finding,
      title: title ?? null,
      kind,
      photoUploads: photoUploads ?? null,
    });
  }

  @Query(() => GridCoverage, {
    description: 'Households of a grid and which of them were not visited in the last `days` days (民情走访覆盖).',
  })
  async gridCoverage(
    @RefArg('gridId', () => Grid) gridId: Ref<Grid>,
    @Arg('days', () => Int, { defaultValue: 30 }) days: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridCoverage> {
    if (!Number.isInteger(days) || days < 1 || days > 3660) throw gridMessages.daysWholeNumberFrom.error({ days }, 'days');
    const grid = await requireRef(ctx, gridId);
    const since = addDays(today(ctx), 1 - days);
    return Object.assign(new GridCoverage(), { grid, days, since, ...(await visitCoverage(ctx, grid.uuid, since)) });
  }

  @Query(() => GridVisitConnection, {
    description:
      "Household visits, newest first, a page at a time: the people's-conditions ledger (民情账) of a grid, a community or any place, of a worker, of some days. Lists the visits under your places, and your own.",
  })
  async gridVisits(
    @Arg('filter', () => GridVisitFilter, { nullable: true }) filter: GridVisitFilter | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridVisit>> {
    const from = filter?.from ? requireIsoDate(filter.from, 'filter.from') : null;
    const to = filter?.to ? requireIsoDate(filter.to, 'filter.to') : null;
    if (from && to && to < from) throw gridMessages.afterFrom.error({ end: to, start: from }, 'filter.to');
    const resolved = {
      grid: filter?.gridId ? await requireRef(ctx, filter.gridId) : null,
      under: filter?.under ? await requireRef(ctx, filter.under) : null,
      worker: filter?.workerId ? await requireRef(ctx, filter.workerId) : null,
    };
    return visitsPage(ctx, { ...resolved, from, to }, page);
  }

  @BoundedList('one row per grid worker and week of the range asked (a year at most)')
  @Query(() => [GridWorkerWeek], {
    description:
      'Visits to households of a grid per worker per week (weeks start on Monday), between from and to (YYYY-MM-DD, inclusive, a year at most).',
  })
  async gridVisitStats(
    @RefArg('gridId', () => Grid) gridId: Ref<Grid>,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridWorkerWeek[]> {
    const start = requireIsoDate(from, 'from');
    const end = requireIsoDate(to, 'to');
    if (end < start) throw gridMessages.afterFrom.error({ end, start }, 'to');
    const grid = await requireRef(ctx, gridId);
    // A year at most keeps the answer one grid's few workers × 53 weeks (see @BoundedList).
    if (Date.parse(end) - Date.parse(start) > 365 * 86_400_000) throw gridMessages.atMostAYear.error({ end, start }, 'to');
    return (await visitsPerWorkerWeek(ctx, grid.uuid, start, end)).map((week) => Object.assign(new GridWorkerWeek(), week));
  }

  @BoundedList('the people met on one household visit (recorded with it, as its checks are)')
  @FieldResolver(() => [Person], { description: 'The people met.' })
  async met(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Person[]> {
    return (await Promise.all(visit.metPersonIds.map((id) => loadPerson(ctx, id)))).filter((p): p is Person => p !== null);
  }

  @FieldResolver(() => GridFindingConnection, { description: 'What the worker found, oldest first, a page at a time.' })
  findings(
    @Root() visit: GridVisit,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridFinding>> {
    return loadPageByForeignKey(ctx, GridFinding, 'visit', visit.uuid, FINDINGS_IN_ORDER, page, {
      connection: 'GridVisit.findings',
      defaultSize: 50,
    });
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid covering the household now.' })
  async grid(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, visit.placePath)).grid;
  }
}

/** Adds `Place.gridVisits` to core's Place type. */
export const PlaceGridVisitsResolver = hasMany(
  () => Place,
  'gridVisits',
  () => GridVisit,
  'household',
  {
    order: VISITS_NEWEST_FIRST,
    description: "A household's people's-conditions ledger (民情账): its visits, newest first, a page at a time (plugin grid).",
  },
);
