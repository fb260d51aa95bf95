import { type GongzhiContext, loadByForeignKey, loadById, payloadType, perform, Person, type Ref, RefArg, refId } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Grid } from '../grid/grid.entity.js';
import { today } from '../options.js';
import { assignGridWorker } from './worker.commands.js';
import { GridWorker } from './worker.entity.js';

export const GridWorkerPayload = payloadType('GridWorkerPayload', 'worker', () => GridWorker);

/** Whether an assignment is active on `day` (YYYY-MM-DD). */
const activeOn = (w: GridWorker, day: string) => w.startsOn <= day && (!w.endsOn || w.endsOn >= day);

@Resolver(() => GridWorker)
export class GridWorkerResolver {
  @Mutation(() => GridWorkerPayload, {
    description:
      "Assigns a grid worker (网格员) to a grid from startsOn (to endsOn, inclusive, if given). The person must belong to the grid's community (live there or hold a role there).",
  })
  assignGridWorker(
    @RefArg('gridId', () => Grid) grid: Ref<Grid>,
    @RefArg('personId', () => Person) person: Ref<Person>,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('endsOn', () => String, { nullable: true, description: 'YYYY-MM-DD; omit while open.' }) endsOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridWorkerPayload, assignGridWorker, { grid, person, startsOn, endsOn: endsOn ?? null });
  }
}

/** Adds `Grid.workers`. */
@Resolver(() => Grid)
export class GridWorkersResolver {
  @FieldResolver(() => [GridWorker], { description: 'Worker assignments, earliest first; only those active today unless all: true.' })
  async workers(
    @Root() grid: Grid,
    @Arg('all', () => Boolean, { defaultValue: false }) all: boolean,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridWorker[]> {
    const rows = await loadByForeignKey(ctx, GridWorker, 'grid', grid.uuid, { startsOn: 'asc' });
    const day = today(ctx);
    return all ? rows : rows.filter((w) => activeOn(w, day));
  }
}

/** Adds `Person.grids` to core's Person type. */
@Resolver(() => Person)
export class PersonGridsResolver {
  @FieldResolver(() => [Grid], { description: 'The grids this person works in today as a grid worker (plugin grid).' })
  async grids(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<Grid[]> {
    const day = today(ctx);
    const assignments = (await loadByForeignKey(ctx, GridWorker, 'person', person.uuid, { startsOn: 'asc' })).filter((w) =>
      activeOn(w, day),
    );
    const grids = await Promise.all([...new Set(assignments.map((w) => refId(w.grid)!))].map((id) => loadById(ctx, Grid, id)));
    return grids.filter((g): g is Grid => g !== null);
  }
}
