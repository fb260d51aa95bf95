import {
  belongsUnder,
  canSee,
  actingPerson,
  authorize,
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  localId,
  Organization,
  organizationIdsOfPerson,
  Person,
  Place,
  placeSummary,
  PlaceType,
  readContext,
  refId,
  Request,
  requestIdsUnder,
  RequestPayload,
  RequestService,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GridAdoption } from './grid-adoption.entity.js';
import { GridKind } from './grid-enums.js';
import { gridServices, isUniqueViolation, requestPayload } from './grid-errors.js';
import { GridPlace } from './grid-place.entity.js';
import { coveringGrids, isActiveWorker, isAdoptingMember, loadOpenRequestCount, OPEN_STATUSES, underSql } from './grid-queries.js';
import { GridWorker } from './grid-worker.entity.js';
import { Grid } from './grid.entity.js';
import { localDate } from './grid.options.js';
import { t } from './db.js';

/** The plugin's permission for managing grids (granted to social workers at their community). */
export const GRID_MANAGE = 'grid.manage';

/** Which places each kind of grid may cover. */
const COVERABLE: Record<GridKind, readonly PlaceType[]> = {
  [GridKind.GRID]: [PlaceType.COMPOUND, PlaceType.BUNGALOW_AREA, PlaceType.BUILDING],
  [GridKind.MICRO_GRID]: [PlaceType.BUILDING, PlaceType.UNIT, PlaceType.HOUSEHOLD],
};

/** "Today" in the district's time zone. */
export function today(ctx: GongzhiContext): string {
  return localDate(ctx.now(), gridServices(ctx).options.timeZone);
}

/**
 * Adds places to a grid's coverage inside the caller's transaction. Refuses, naming the
 * place and the grid already there: a place outside the grid's community, of a type the
 * grid's kind cannot cover, outside a micro-grid's parent grid, or overlapping (the place,
 * one of its ancestors or descendants) a grid of the same kind. Coverage changes of one
 * community are serialized by an advisory lock, so two concurrent additions cannot both
 * pass the overlap check.
 */
async function addPlaces(em: EntityManager, grid: Grid, community: Place, places: Place[], argument: string): Promise<void> {
  await em.execute('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', ['grid.coverage', community.uuid]);
  const parentPlaces = grid.parent ? await em.find(GridPlace, { grid: grid.parent.uuid }) : [];
  for (const place of places) {
    if (!COVERABLE[grid.kind].includes(place.type)) {
      throw userError(
        'BAD_USER_INPUT',
        `A ${grid.kind === GridKind.GRID ? 'grid' : 'micro-grid'} covers places of type ${COVERABLE[grid.kind].join(', ')}; ${place.name} is a ${place.type}.`,
        argument,
      );
    }
    if (!place.path.startsWith(community.path) || place.uuid === community.uuid) {
      throw userError(
        'BAD_USER_INPUT',
        `${place.name} is not inside ${community.name}, the grid's community; a grid covers places of its own community only.`,
        argument,
      );
    }
    if (grid.kind === GridKind.MICRO_GRID && !parentPlaces.some((p) => place.path.startsWith(p.placePath))) {
      throw userError(
        'BAD_USER_INPUT',
        `${place.name} is outside the parent grid of micro-grid ${grid.name}; a micro-grid covers only places its parent grid covers.`,
        argument,
      );
    }
    const [covered]: { grid_name: string; place_id: string }[] = await em.execute(
      `SELECT g.name AS grid_name, gp.place_id
         FROM ${t('grid_place')} gp JOIN ${t('grid')} g ON g.id = gp.grid_id
        WHERE gp.grid_kind = ? AND (gp.place_id IN (?) OR ${underSql('gp.place_path', '?')})
        LIMIT 1`,
      [grid.kind, place.path.split('/').filter(Boolean), place.path, place.path],
    );
    const clash = covered
      ? [{ grid_name: covered.grid_name, place_name: (await placeSummary(readContext(em), covered.place_id))!.name }]
      : [];
    if (clash[0]) {
      throw userError(
        'GRID_OVERLAP',
        `${place.name} overlaps ${clash[0].place_name}, already covered by ${grid.kind === GridKind.GRID ? 'grid' : 'micro-grid'} ${clash[0].grid_name}; a place belongs to at most one grid of each kind. Remove it there first, or choose a place outside it.`,
        argument,
        { grid: clash[0].grid_name, place: clash[0].place_name },
      );
    }
    em.create(GridPlace, { grid, gridKind: grid.kind, place, placePath: place.path });
    await em.flush();
  }
}

async function requirePlaces(ctx: GongzhiContext, em: EntityManager, ids: readonly string[], argument: string): Promise<Place[]> {
  const places: Place[] = [];
  for (const [i, id] of ids.entries()) places.push(await requirePlace(em, id, `${argument}[${i}]`, undefined, ctx));
  return places;
}

@Resolver(() => Grid)
export class GridResolver {
  @Query(() => Grid, { nullable: true, description: 'One grid or micro-grid by its global id.' })
  grid(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return loadById(ctx, Grid, localId(id, 'Grid', 'id'));
  }

  @Mutation(() => Grid, {
    description: 'Creates a grid in a community, or a micro-grid in a grid (give parentId), covering the places given.',
  })
  async createGrid(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('name', () => String) name: string,
    @Arg('kind', () => GridKind, { defaultValue: GridKind.GRID }) kind: GridKind,
    @Arg('parentId', () => ID, { nullable: true, description: 'For a micro-grid: the grid it nests in.' }) parentId: string | undefined,
    @Arg('placeIds', () => [ID], {
      defaultValue: [],
      description: 'Places it covers: compounds or buildings for a grid; buildings, units or households for a micro-grid.',
    })
    placeIds: string[],
    @Ctx() ctx: GongzhiContext,
  ): Promise<Grid> {
    const trimmed = name.trim();
    if (!trimmed) throw userError('BAD_USER_INPUT', '"name" must not be empty: give the grid a name such as "第一网格".', 'name');
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const community = await requirePlace(em, communityId, 'communityId', [PlaceType.COMMUNITY], ctx);
        await authorize(ctx, GRID_MANAGE, community.path);
        let parent: Grid | null = null;
        if (kind === GridKind.MICRO_GRID) {
          if (!parentId)
            throw userError(
              'BAD_USER_INPUT',
              'A micro-grid nests in a grid: give "parentId", the id of a grid of the same community.',
              'parentId',
            );
          parent = await requireVisible(ctx, em, Grid, 'Grid', parentId, 'parentId');
          if (parent.kind !== GridKind.GRID || parent.community.uuid !== community.uuid) {
            throw userError(
              'BAD_USER_INPUT',
              `"parentId" must be a grid (not a micro-grid) of ${community.name}; ${parent.name} is not.`,
              'parentId',
            );
          }
        } else if (parentId) {
          throw userError('BAD_USER_INPUT', 'Only a micro-grid has a parent: leave out "parentId", or set kind: MICRO_GRID.', 'parentId');
        }
        if (await em.count(Grid, { community, name: trimmed })) {
          throw userError(
            'CONFLICT',
            `${community.name} already has a grid named "${trimmed}"; grid names are unique in a community.`,
            'name',
          );
        }
        const grid = em.create(Grid, { name: trimmed, community, kind, parent });
        try {
          await em.flush();
        } catch (err) {
          if (isUniqueViolation(err))
            throw userError(
              'CONFLICT',
              `${community.name} already has a grid named "${trimmed}"; grid names are unique in a community.`,
              'name',
            );
          throw err;
        }
        const places = await requirePlaces(ctx, em, placeIds, 'placeIds');
        await addPlaces(em, grid, community, places, 'placeIds');
        await emit('grid.created', { gridId: grid.uuid, communityId: community.uuid, kind, parentId: parent?.uuid ?? null });
        if (places.length) await emit('grid.places-added', { gridId: grid.uuid, placeIds: places.map((p) => p.uuid) });
        return grid;
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => Grid, {
    description: "Adds places to a grid's coverage; refuses overlaps with another grid of the same kind (GRID_OVERLAP).",
  })
  async addGridPlaces(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('placeIds', () => [ID]) placeIds: string[],
    @Ctx() ctx: GongzhiContext,
  ): Promise<Grid> {
    if (!placeIds.length) throw userError('BAD_USER_INPUT', '"placeIds" is empty: give at least one place to add.', 'placeIds');
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const grid = await requireVisible(ctx, em, Grid, 'Grid', gridId, 'gridId');
        const community = await em.findOneOrFail(Place, { uuid: grid.community.uuid });
        await authorize(ctx, GRID_MANAGE, community.path);
        const places = await requirePlaces(ctx, em, placeIds, 'placeIds');
        await addPlaces(em, grid, community, places, 'placeIds');
        await emit('grid.places-added', { gridId: grid.uuid, placeIds: places.map((p) => p.uuid) });
        return grid;
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => GridWorker, {
    description:
      "Assigns a grid worker (网格员) to a grid from startsOn (to endsOn, inclusive, if given). The person must belong to the grid's community (live there or hold a role there).",
  })
  async assignGridWorker(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('personId', () => ID) personId: string,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('endsOn', () => String, { nullable: true, description: 'YYYY-MM-DD; omit while open.' }) endsOn: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridWorker> {
    const from = requireIsoDate(startsOn, 'startsOn');
    const to = endsOn ? requireIsoDate(endsOn, 'endsOn') : null;
    if (to && to < from) throw userError('BAD_USER_INPUT', `"endsOn" (${to}) must be on or after "startsOn" (${from}).`, 'endsOn');
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const grid = await requireVisible(ctx, em, Grid, 'Grid', gridId, 'gridId');
        const person = await requirePerson(em, personId, 'personId');
        const community = await em.findOneOrFail(Place, { uuid: grid.community.uuid });
        await authorize(ctx, GRID_MANAGE, community.path);
        const belongs = await belongsUnder(readContext(em), person.uuid, community.path, from);
        if (!belongs) {
          throw userError(
            'WORKER_OUTSIDE_COMMUNITY',
            `${person.name} neither lives in nor holds a role in ${community.name}, the community of grid ${grid.name}; assign a person of that community, or give them a role there first (assignRole).`,
            'personId',
          );
        }
        const overlapping = await em.execute(
          `SELECT 1 FROM ${t('grid_worker')} w WHERE w.grid_id = ? AND w.person_id = ?
            AND w.starts_on <= COALESCE(?::date, 'infinity'::date) AND COALESCE(w.ends_on, 'infinity'::date) >= ?::date`,
          [grid.uuid, person.uuid, to, from],
        );
        if (overlapping.length) {
          throw userError(
            'CONFLICT',
            `${person.name} is already a worker of grid ${grid.name} for part of ${from}–${to ?? 'open end'}; end that assignment first or choose other dates.`,
            'startsOn',
          );
        }
        const assignment = em.create(GridWorker, { grid, person, startsOn: from, endsOn: to });
        try {
          await em.flush();
        } catch (err) {
          if (isUniqueViolation(err))
            throw userError('CONFLICT', `${person.name} already has an open assignment to grid ${grid.name}.`, 'personId');
          throw err;
        }
        await emit('grid.worker-assigned', { gridId: grid.uuid, personId: person.uuid, assignmentId: assignment.uuid, startsOn: from });
        return assignment;
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => GridAdoption, {
    description:
      "Records that a partner unit adopts a grid (共建单位认领网格): its members then see (gridWork) and take (claimGridRequest) the grid's requests.",
  })
  async adoptGrid(
    @Arg('gridId', () => ID) gridId: string,
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridAdoption> {
    const from = requireIsoDate(startsOn, 'startsOn');
    return ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const grid = await requireVisible(ctx, em, Grid, 'Grid', gridId, 'gridId');
        const organization = await requireVisible(ctx, em, Organization, 'Organization', organizationId, 'organizationId');
        await authorize(ctx, GRID_MANAGE, (await em.findOneOrFail(Place, { uuid: grid.community.uuid })).path);
        if (await em.count(GridAdoption, { grid, organization, endsOn: null })) {
          throw userError('CONFLICT', `${organization.name} has already adopted grid ${grid.name}.`, 'organizationId');
        }
        const adoption = em.create(GridAdoption, { grid, organization, startsOn: from, note: note?.trim() || null });
        try {
          await em.flush();
        } catch (err) {
          if (isUniqueViolation(err))
            throw userError('CONFLICT', `${organization.name} has already adopted grid ${grid.name}.`, 'organizationId');
          throw err;
        }
        await emit('grid.adopted', { gridId: grid.uuid, organizationId: organization.uuid, adoptionId: adoption.uuid });
        return adoption;
      },
      ctx.caller?.id,
    );
  }

  @Mutation(() => RequestPayload, {
    description:
      'Claims a request of a grid for the signed-in person, who must be an active worker of the grid covering it or a member of a partner unit that adopted that grid (NOT_GRID_MEMBER otherwise). Of two claims at once one wins.',
  })
  async claimGridRequest(@Arg('requestId', () => ID) requestId: string, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    const me = await actingPerson(ctx);
    // Partner-unit members take work of places they may not otherwise see: not scoped here.
    const request = await requireEntity(ctx.em, Request, 'Request', requestId, 'requestId');
    const covering = (await coveringGrids(ctx.em, [request.placePath])).get(request.placePath)!;
    const grids = [covering.grid, covering.microGrid].filter((g) => g !== null);
    // A refusal to someone who may not see the request must not tell it exists (issue #9).
    const hidden = async () => !(await canSee(ctx, request));
    if (!grids.length && (await hidden()))
      throw userError('NOT_FOUND', `No Request has the id given in "requestId" (${requestId}).`, 'requestId');
    if (!grids.length)
      throw userError(
        'NOT_IN_GRID',
        `"${request.title}" is not on a place inside any grid; claim it with claimRequest instead.`,
        'requestId',
      );
    const ids = grids.map((g) => g.uuid);
    const day = today(ctx);
    if (!(await isActiveWorker(ctx.em, ids, me.uuid, day)) && !(await isAdoptingMember(ctx, ids, me.uuid, day))) {
      if (await hidden()) throw userError('NOT_FOUND', `No Request has the id given in "requestId" (${requestId}).`, 'requestId');
      throw userError(
        'NOT_GRID_MEMBER',
        `${me.name} is neither a worker of grid ${grids.map((g) => g.name).join(' / ')} nor a member of a partner unit that adopted it; only they take its work.`,
        'requestId',
      );
    }
    return requestPayload(() => new RequestService(ctx).claim(request.uuid, me));
  }

  @Query(() => [Request], {
    description:
      'The open requests of the grids the signed-in person works in or whose adopting partner unit they belong to, newest first (at most 200).',
  })
  async gridWork(@Ctx() ctx: GongzhiContext): Promise<Request[]> {
    const me = await actingPerson(ctx);
    const day = today(ctx);
    const organizationIds = await organizationIdsOfPerson(ctx, me.uuid);
    const places: { place_path: string }[] = await ctx.em.execute(
      `WITH mine AS (
         SELECT w.grid_id FROM ${t('grid_worker')} w
          WHERE w.person_id = ? AND w.starts_on <= ?::date AND (w.ends_on IS NULL OR w.ends_on >= ?::date)
         UNION
         SELECT a.grid_id FROM ${t('grid_adoption')} a
          WHERE a.organization_id = ANY (string_to_array(?, ',')::uuid[]) AND a.starts_on <= ?::date AND (a.ends_on IS NULL OR a.ends_on >= ?::date))
       SELECT DISTINCT gp.place_path FROM mine JOIN ${t('grid_place')} gp ON gp.grid_id = mine.grid_id`,
      [me.uuid, day, day, organizationIds.join(','), day, day],
    );
    if (!places.length) return [];
    const ids = await requestIdsUnder(ctx, { paths: places.map((p) => p.place_path), statuses: OPEN_STATUSES, limit: 200 });
    if (!ids.length) return [];
    return ctx.em.find(Request, { uuid: { $in: ids } }, { orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }] });
  }

  @FieldResolver(() => Place, { description: 'The community the grid belongs to.' })
  async community(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(grid.community)!))!;
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'For a micro-grid: the grid it nests in.' })
  parent(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    const id = refId(grid.parent);
    return id ? loadById(ctx, Grid, id) : Promise.resolve(null);
  }

  @FieldResolver(() => [Grid], { description: 'The micro-grids nested in this grid.' })
  microGrids(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    return loadByForeignKey(ctx, Grid, 'parent', grid.uuid, { name: 'asc' });
  }

  @FieldResolver(() => [Place], { description: 'The places the grid covers (with everything under them).' })
  async places(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    const rows = await loadByForeignKey(ctx, GridPlace, 'grid', grid.uuid, { placePath: 'asc' });
    return (await Promise.all(rows.map((r) => loadById(ctx, Place, refId(r.place)!)))).filter((p): p is Place => p !== null);
  }

  @FieldResolver(() => [GridWorker], { description: 'Worker assignments, earliest first; only those active today unless all: true.' })
  async workers(
    @Root() grid: Grid,
    @Arg('all', () => Boolean, { defaultValue: false }) all: boolean,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridWorker[]> {
    const rows = await loadByForeignKey(ctx, GridWorker, 'grid', grid.uuid, { startsOn: 'asc' });
    const day = today(ctx);
    return all ? rows : rows.filter((w) => w.startsOn <= day && (!w.endsOn || w.endsOn >= day));
  }

  @FieldResolver(() => [GridAdoption], { description: 'Partner units that adopted the grid (共建单位认领).' })
  adoptions(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<GridAdoption[]> {
    return loadByForeignKey(ctx, GridAdoption, 'grid', grid.uuid, { startsOn: 'asc' });
  }

  @FieldResolver(() => Int, { description: 'How many requests under the grid are still open.' })
  async openRequestCount(@Root() grid: Grid, @Ctx() ctx: GongzhiContext): Promise<number> {
    return loadOpenRequestCount(ctx, grid.uuid);
  }
}

@Resolver(() => GridWorker)
export class GridWorkerResolver {
  @FieldResolver(() => Grid)
  async grid(@Root() w: GridWorker, @Ctx() ctx: GongzhiContext): Promise<Grid> {
    return (await loadById(ctx, Grid, refId(w.grid)!))!;
  }

  @FieldResolver(() => Person)
  async person(@Root() w: GridWorker, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(w.person)!))!;
  }
}

@Resolver(() => GridAdoption)
export class GridAdoptionResolver {
  @FieldResolver(() => Grid)
  async grid(@Root() a: GridAdoption, @Ctx() ctx: GongzhiContext): Promise<Grid> {
    return (await loadById(ctx, Grid, refId(a.grid)!))!;
  }

  @FieldResolver(() => Organization)
  async organization(@Root() a: GridAdoption, @Ctx() ctx: GongzhiContext): Promise<Organization> {
    return (await loadById(ctx, Organization, refId(a.organization)!))!;
  }
}
