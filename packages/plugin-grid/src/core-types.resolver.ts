import { batchLoader, type GongzhiContext, loadByForeignKey, loadById, Organization, Person, Place, refId, Request } from '@gongzhi/core';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { GridAttentionMark } from './attention-mark.entity.js';
import { GridAdoption } from './grid-adoption.entity.js';
import { loadCovering } from './grid-queries.js';
import { GridVisit } from './grid-visit.entity.js';
import { GridWorker } from './grid-worker.entity.js';
import { Grid } from './grid.entity.js';
import { today } from './grid.resolver.js';
import { t } from './db.js';

/** Adds the grid plugin's fields to core's Place type. */
@Resolver(() => Place)
export class PlaceGridsResolver {
  @FieldResolver(() => [Grid], { description: 'Grids and micro-grids of this community (plugin grid).' })
  async grids(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    return loadByForeignKey(ctx, Grid, 'community', place.uuid, { name: 'asc' });
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid covering this place (it or an ancestor), if any (plugin grid).' })
  async grid(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, place.path)).grid;
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The micro-grid covering this place, if any (plugin grid).' })
  async microGrid(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, place.path)).microGrid;
  }

  @FieldResolver(() => GridAttentionMark, {
    nullable: true,
    description: "The place's current colour on the people's-conditions map (民情图), if set (plugin grid).",
  })
  async attention(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<GridAttentionMark | null> {
    return batchLoader<string, GridAttentionMark | null>(ctx, 'grid.currentAttention', async (ids) => {
      // One statement: the current marks joined through attention_current, mapped to entities.
      const rows: Record<string, unknown>[] = await ctx.em.execute(
        `SELECT m.* FROM ${t('attention_mark')} m JOIN ${t('attention_current')} c ON c.mark_id = m.id WHERE c.place_id IN (?)`,
        [ids],
      );
      const marks = rows.map((row) => ctx.em.map(GridAttentionMark, row));
      const byPlace = new Map(marks.map((m) => [m.place.uuid, m]));
      return ids.map((id) => byPlace.get(id) ?? null);
    }).load(place.uuid);
  }

  @FieldResolver(() => [GridAttentionMark], { description: 'Every colour this place has had, newest first (plugin grid).' })
  attentionHistory(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<GridAttentionMark[]> {
    return loadByForeignKey(ctx, GridAttentionMark, 'place', place.uuid, { setAt: 'desc' });
  }

  @FieldResolver(() => [GridVisit], {
    description: "A household's people's-conditions ledger (民情账): its visits, newest first (plugin grid).",
  })
  gridVisits(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<GridVisit[]> {
    return loadByForeignKey(ctx, GridVisit, 'household', place.uuid, { visitedOn: 'desc', createdAt: 'desc' });
  }
}

/** Adds `Person.grids` to core's Person type. */
@Resolver(() => Person)
export class PersonGridsResolver {
  @FieldResolver(() => [Grid], { description: 'The grids this person works in today as a grid worker (plugin grid).' })
  async grids(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    const day = today(ctx);
    const assignments = (await loadByForeignKey(ctx, GridWorker, 'person', person.uuid, { startsOn: 'asc' })).filter(
      (w) => w.startsOn <= day && (!w.endsOn || w.endsOn >= day),
    );
    const grids = await Promise.all([...new Set(assignments.map((w) => refId(w.grid)!))].map((id) => loadById(ctx, Grid, id)));
    return grids.filter((g): g is Grid => g !== null);
  }
}

/** Adds `Request.grid` to core's Request type. */
@Resolver(() => Request)
export class RequestGridResolver {
  @FieldResolver(() => Grid, { nullable: true, description: "The grid covering the request's place, if any (plugin grid)." })
  async grid(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<Grid | null> {
    return (await loadCovering(ctx, request.placePath)).grid;
  }
}

/** Adds `Organization.gridAdoptions` to core's Organization type. */
@Resolver(() => Organization)
export class OrganizationGridsResolver {
  @FieldResolver(() => [GridAdoption], { description: 'Grids this partner unit adopted (共建单位认领网格) (plugin grid).' })
  gridAdoptions(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<GridAdoption[]> {
    return loadByForeignKey(ctx, GridAdoption, 'organization', organization.uuid, { startsOn: 'asc' });
  }
}
