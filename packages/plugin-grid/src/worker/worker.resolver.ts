import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  loadById,
  payloadType,
  perform,
  Person,
  type Ref,
  RefArg,
  refId,
} from '@gongzhi/core';
import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { GridConnection } from '../grid/grid.resolver.js';
import { Grid } from '../grid/grid.entity.js';
import { today } from '../options.js';
import { assignGridWorker, endGridWorkerAssignment } from './worker.commands.js';
import { GridWorker } from './worker.entity.js';
import { loadWorkerPage } from './worker.queries.js';

export const GridWorkerPayload = payloadType('GridWorkerPayload', 'worker', () => GridWorker);
const GridWorkerConnection = connectionType(GridWorker);

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

  @Mutation(() => GridWorkerPayload, {
    description:
      "Ends a grid worker's assignment on endsOn (its last day): an open one, or one whose end comes later. From the next day the grid routes them no new request. To work the grid again, assign anew.",
  })
  endGridWorkerAssignment(
    @RefArg('id', () => GridWorker) assignment: Ref<GridWorker>,
    @Arg('endsOn', () => String, {
      nullable: true,
      description: "YYYY-MM-DD, on or after startsOn; today (the grid's calendar) when omitted.",
    })
    endsOn: string | null | undefined,
    @RefArg('handOverToId', () => Person, {
      nullable: true,
      description:
        'A worker of the grid today: the open requests the leaving worker holds under the grid go to them now (needs request.manage there too).',
    })
    handOverTo: Ref<Person> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, GridWorkerPayload, endGridWorkerAssignment, { assignment, endsOn: endsOn ?? null, handOverTo: handOverTo ?? null });
  }
}

/** Adds `Grid.workers`. */
@Resolver(() => Grid)
export class GridWorkersResolver {
  @FieldResolver(() => GridWorkerConnection, {
    description: 'Worker assignments, earliest first, a page at a time; only those active today unless all: true.',
  })
  workers(
    @Root() grid: Grid,
    @Arg('all', () => Boolean, { defaultValue: false }) all: boolean,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridWorker>> {
    return loadWorkerPage(ctx, 'grid', grid.uuid, all ? null : today(ctx), page, { connection: 'Grid.workers', filter: { all } });
  }
}

/** Adds `Person.grids` to core's Person type. */
@Resolver(() => Person)
export class PersonGridsResolver {
  @FieldResolver(() => GridConnection, {
    description: 'The grids this person works in today as a grid worker, earliest assigned first, a page at a time (plugin grid).',
  })
  async grids(
    @Root() person: Person,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Grid>> {
    // Assignments of one person to one grid never overlap (assignGridWorker refuses it), so
    // today's assignments name each grid once.
    const assignments = await loadWorkerPage(ctx, 'person', person.uuid, today(ctx), page, { connection: 'Person.grids' });
    return assignments.mapNodes((w) => loadById(ctx, Grid, refId(w.grid)!));
  }
}
