import {
  actingPerson,
  type GongzhiContext,
  householdIdsUnder,
  loadByForeignKey,
  loadById,
  Person,
  Place,
  PlaceType,
  refId,
  Request,
  RequestChannel,
  RequestKind,
  RequestPriority,
  RequestService,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { GridCheckItem } from './grid-enums.js';
import { requireVisibleGrid } from './grid-errors.js';
import { GridFinding } from './grid-finding.entity.js';
import { coveringGrids, isActiveWorker, loadCovering, underSql } from './grid-queries.js';
import { GridVisit, GridVisitCheck } from './grid-visit.entity.js';
import { Grid } from './grid.entity.js';
import { today } from './grid.resolver.js';
import { t } from './db.js';

@InputType({ description: 'A check made during a visit.' })
export class GridVisitCheckInput {
  @Field(() => GridCheckItem)
  item!: GridCheckItem;

  @Field(() => Boolean, { description: 'True when everything was in order.' })
  ok!: boolean;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType({ description: 'A need or problem found during a visit; openRequest: true opens a request for it in the same step.' })
export class GridFindingInput {
  @Field(() => String)
  description!: string;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Open a request (channel HOUSEHOLD_VISIT) for this finding now.' })
  openRequest!: boolean;

  @Field(() => String, { nullable: true, description: "The request's title; defaults to the description's first 60 characters." })
  title?: string | null;

  @Field(() => RequestKind, { defaultValue: RequestKind.NEED })
  kind!: RequestKind;

  @Field(() => RequestPriority, { nullable: true })
  priority?: RequestPriority | null;
}

@InputType({ description: 'A household visit (入户走访) as the grid worker records it.' })
export class RecordGridVisitInput {
  @Field(() => ID, { description: 'The household visited (a place of type HOUSEHOLD).' })
  householdId!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, not in the future; defaults to today.' })
  visitedOn?: string | null;

  @Field(() => [ID], { defaultValue: [], description: 'The people met.' })
  metPersonIds!: string[];

  @Field(() => [GridVisitCheckInput], { defaultValue: [] })
  checks!: GridVisitCheckInput[];

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => [GridFindingInput], { defaultValue: [] })
  findings!: GridFindingInput[];
}

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

  @Field(() => [Place], { description: 'Households not visited since then (at most 500), in tree order.' })
  notVisited!: Place[];
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

/**
 * Checks that `me` may record visits and findings at `household`: an active worker of the
 * grid or micro-grid covering it. Returns nothing; throws a typed error otherwise.
 */
export async function requireGridWorkerAt(
  em: EntityManager,
  household: Place,
  me: Person,
  day: string,
  argument = 'input.householdId',
): Promise<void> {
  const covering = (await coveringGrids(em, [household.path])).get(household.path)!;
  const grids = [covering.grid, covering.microGrid].filter((g) => g !== null);
  if (!grids.length) {
    throw userError(
      'NOT_IN_GRID',
      `${household.name} is not inside any grid; add its building to a grid (addGridPlaces) before recording visits there.`,
      argument,
    );
  }
  if (
    !(await isActiveWorker(
      em,
      grids.map((g) => g.uuid),
      me.uuid,
      day,
    ))
  ) {
    throw userError(
      'NOT_GRID_WORKER',
      `${me.name} is not an active worker of grid ${grids.map((g) => g.name).join(' / ')}, which covers ${household.name}; only its grid workers record visits and colours there.`,
      argument,
    );
  }
}

function requestTitle(finding: { title?: string | null; description: string }, argument: string): string {
  const title = (finding.title?.trim() || finding.description.trim().slice(0, 60)).trim();
  if (title.length > 200)
    throw userError('BAD_USER_INPUT', `${argument}.title must have at most 200 characters, got ${title.length}.`, `${argument}.title`);
  return title;
}

@Resolver(() => GridVisit)
export class GridVisitResolver {
  @Mutation(() => GridVisit, {
    description:
      "Records the signed-in grid worker's visit to a household, with the checks made and the findings; a finding with openRequest: true opens a request in the same step (channel HOUSEHOLD_VISIT, requester the first person met, else the worker; routed to the grid like any new request).",
  })
  async recordGridVisit(
    @Arg('input', () => RecordGridVisitInput) input: RecordGridVisitInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridVisit> {
    const me = await actingPerson(ctx);
    const day = today(ctx);
    const visitedOn = input.visitedOn ? requireIsoDate(input.visitedOn, 'input.visitedOn') : day;
    if (visitedOn > day)
      throw userError(
        'BAD_USER_INPUT',
        `"input.visitedOn" (${visitedOn}) is in the future; give the day the visit took place, today (${day}) at the latest.`,
        'input.visitedOn',
      );
    input.findings.forEach((f, i) => {
      if (!f.description.trim())
        throw userError(
          'BAD_USER_INPUT',
          `input.findings[${i}].description must not be empty: say what was found.`,
          `input.findings[${i}].description`,
        );
    });
    return ctx.events.transaction(
      ctx.em,
      async (tx) => {
        const { em } = tx;
        const household = await requirePlace(em, input.householdId, 'input.householdId', [PlaceType.HOUSEHOLD], ctx);
        await requireGridWorkerAt(em, household, me, day);
        const met: string[] = [];
        for (const [i, id] of input.metPersonIds.entries()) met.push((await requirePerson(em, id, `input.metPersonIds[${i}]`)).uuid);
        const visit = em.create(GridVisit, {
          household,
          placePath: household.path,
          worker: em.getReference(Person, me.uuid),
          visitedOn,
          metPersonIds: [...new Set(met)],
          checks: input.checks.map((c) => ({ item: c.item, ok: c.ok, note: c.note?.trim() || null })),
          notes: input.notes?.trim() || null,
          createdAt: ctx.now(),
        });
        await em.flush();
        const requests = RequestService.within(tx, ctx.now);
        const findingIds: string[] = [];
        const requestIds: string[] = [];
        for (const [i, f] of input.findings.entries()) {
          const finding = em.create(GridFinding, {
            visit,
            description: f.description.trim(),
            category: f.category?.trim() || null,
            createdAt: ctx.now(),
          });
          if (f.openRequest) {
            const request = await requests.create(
              {
                kind: f.kind,
                channel: RequestChannel.HOUSEHOLD_VISIT,
                title: requestTitle(f, `input.findings[${i}]`),
                description: f.description.trim(),
                place: household,
                category: f.category?.trim() || null,
                priority: f.priority ?? undefined,
                requester: em.getReference(Person, met[0] ?? me.uuid),
              },
              em.getReference(Person, me.uuid),
            );
            finding.request = request;
            requestIds.push(request.uuid);
          }
          await em.flush();
          findingIds.push(finding.uuid);
        }
        await tx.emit('grid.visit-recorded', {
          visitId: visit.uuid,
          householdId: household.uuid,
          placePath: household.path,
          workerId: me.uuid,
          findingIds,
          requestIds,
        });
        return visit;
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => GridFinding, {
    description:
      'Opens a request for a finding recorded earlier (once; CONFLICT if it already has one). The signed-in person must be a worker of the grid covering the household.',
  })
  async openRequestFromFinding(
    @Arg('findingId', () => ID) findingId: string,
    @Arg('title', () => String, { nullable: true }) title: string | undefined,
    @Arg('kind', () => RequestKind, { defaultValue: RequestKind.NEED }) kind: RequestKind,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridFinding> {
    const me = await actingPerson(ctx);
    return ctx.events.transaction(
      ctx.em,
      async (tx) => {
        const finding = await requireVisible(ctx, tx.em, GridFinding, 'GridFinding', findingId, 'findingId');
        // Lock the finding so two calls at once open one request.
        await tx.em.execute(`SELECT id FROM ${t('grid_finding')} WHERE id = ? FOR UPDATE`, [finding.uuid]);
        await tx.em.refresh(finding);
        if (finding.request)
          throw userError('CONFLICT', 'This finding has already opened a request; follow that request instead.', 'findingId');
        const visit = await tx.em.findOneOrFail(GridVisit, { uuid: finding.visit.uuid }, { populate: ['household'] });
        await requireGridWorkerAt(tx.em, visit.household, me, today(ctx), 'findingId');
        const request = await RequestService.within(tx, ctx.now).create(
          {
            kind,
            channel: RequestChannel.HOUSEHOLD_VISIT,
            title: requestTitle({ title, description: finding.description }, 'title'),
            description: finding.description,
            place: visit.household,
            category: finding.category ?? null,
            requester: tx.em.getReference(Person, visit.metPersonIds[0] ?? me.uuid),
          },
          tx.em.getReference(Person, me.uuid),
        );
        finding.request = request;
        await tx.em.flush();
        await tx.emit('grid.finding-opened-request', { findingId: finding.uuid, requestId: request.uuid, placePath: request.placePath });
        return finding;
      },
      ctx.caller?.id,
    );
  }

  @Query(() => GridCoverage, {
    description: 'Households of a grid and which of them were not visited in the last `days` days (民情走访覆盖).',
  })
  async gridCoverage(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('days', () => Int, { defaultValue: 30 }) days: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridCoverage> {
    if (!Number.isInteger(days) || days < 1 || days > 3660)
      throw userError('BAD_USER_INPUT', `"days" must be a whole number from 1 to 3660, got ${days}.`, 'days');
    const grid = await requireVisibleGrid(ctx, gridId, 'gridId');
    const day = today(ctx);
    const since = new Date(Date.parse(`${day}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const covered: { place_path: string }[] = await ctx.em.execute(`SELECT gp.place_path FROM ${t('grid_place')} gp WHERE gp.grid_id = ?`, [
      grid.uuid,
    ]);
    // The grid's households come from core; which of them were visited since, from the plugin's own visits.
    const households = covered.length
      ? await householdIdsUnder(
          ctx,
          covered.map((c) => c.place_path),
        )
      : [];
    const visited: { household_id: string }[] = households.length
      ? await ctx.em.execute(
          `SELECT DISTINCT v.household_id FROM ${t('grid_visit')} v
            WHERE v.household_id = ANY (string_to_array(?, ',')::uuid[]) AND v.visited_on >= ?::date`,
          [households.join(','), since],
        )
      : [];
    const seen = new Set(visited.map((v) => v.household_id));
    const rows = households.map((id) => ({ id, visited: seen.has(id) }));
    const missing = rows.filter((r) => !r.visited).map((r) => r.id);
    const notVisited = missing.length ? await ctx.em.find(Place, { uuid: { $in: missing } }, { orderBy: { path: 'asc' }, limit: 500 }) : [];
    return Object.assign(new GridCoverage(), {
      grid,
      days,
      since,
      householdCount: rows.length,
      visitedCount: rows.length - missing.length,
      notVisited,
    });
  }

  @Query(() => [GridWorkerWeek], {
    description: 'Visits to households of a grid per worker per week (weeks start on Monday), between from and to (YYYY-MM-DD, inclusive).',
  })
  async gridVisitStats(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridWorkerWeek[]> {
    const start = requireIsoDate(from, 'from');
    const end = requireIsoDate(to, 'to');
    if (end < start) throw userError('BAD_USER_INPUT', `"to" (${end}) must be on or after "from" (${start}).`, 'to');
    const grid = await requireVisibleGrid(ctx, gridId, 'gridId');
    const rows: { worker_id: string; week: string; n: number }[] = await ctx.em.execute(
      `SELECT v.worker_id, to_char(date_trunc('week', v.visited_on)::date, 'YYYY-MM-DD') AS week, count(*)::int AS n
         FROM ${t('grid_visit')} v
        WHERE v.visited_on BETWEEN ?::date AND ?::date
          AND EXISTS (SELECT 1 FROM ${t('grid_place')} gp WHERE gp.grid_id = ? AND ${underSql('v.place_path', 'gp.place_path')})
        GROUP BY 1, 2
        ORDER BY 2, 1`,
      [start, end, grid.uuid],
    );
    const people = rows.length ? await ctx.em.find(Person, { uuid: { $in: [...new Set(rows.map((r) => r.worker_id))] } }) : [];
    const byId = new Map(people.map((p) => [p.uuid, p]));
    return rows
      .map((r) => Object.assign(new GridWorkerWeek(), { worker: byId.get(r.worker_id)!, weekStart: r.week, visits: Number(r.n) }))
      .sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.worker.name.localeCompare(b.worker.name, 'zh'));
  }

  @FieldResolver(() => Place)
  async household(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(visit.household)!))!;
  }

  @FieldResolver(() => Person, { description: 'The grid worker who visited.' })
  async worker(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(visit.worker)!))!;
  }

  @FieldResolver(() => [Person], { description: 'The people met.' })
  async met(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Person[]> {
    return (await Promise.all(visit.metPersonIds.map((id) => loadById(ctx, Person, id)))).filter((p): p is Person => p !== null);
  }

  @FieldResolver(() => [GridFinding])
  findings(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<GridFinding[]> {
    return loadByForeignKey(ctx, GridFinding, 'visit', visit.uuid, { createdAt: 'asc' });
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid covering the household now.' })
  async grid(@Root() visit: GridVisit, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, visit.placePath)).grid;
  }
}

@Resolver(() => GridFinding)
export class GridFindingResolver {
  @FieldResolver(() => GridVisit)
  async visit(@Root() finding: GridFinding, @Ctx() ctx: GongzhiContext): Promise<GridVisit> {
    return (await loadById(ctx, GridVisit, refId(finding.visit)!))!;
  }

  @FieldResolver(() => Request, { nullable: true, description: 'The request this finding opened, if any.' })
  request(@Root() finding: GridFinding, @Ctx() ctx: GongzhiContext): Promise<Request | null> {
    const id = refId(finding.request);
    return id ? loadById(ctx, Request, id) : Promise.resolve(null);
  }
}

export { GridVisitCheck };
