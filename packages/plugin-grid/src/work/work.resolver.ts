import {
  actingPerson,
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  perform,
  type Ref,
  RefArg,
  Request,
  RequestPayload,
} from '@gongzhi/core';
import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { today } from '../options.js';
import { claimGridRequest } from './work.commands.js';
import { gridWork } from './work.queries.js';

const RequestConnection = connectionType(Request);

/** A grid's work: the requests under its places, as its workers and partner units see and take them. */
@Resolver(() => Request)
export class GridWorkResolver {
  @Query(() => RequestConnection, {
    description:
      'The open requests of the grids the signed-in person works in or whose adopting partner unit they belong to, newest first, a page at a time.',
  })
  async gridWork(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext): Promise<ConnectionPage<Request>> {
    return gridWork(ctx, (await actingPerson(ctx)).uuid, today(ctx), page);
  }

  @Mutation(() => RequestPayload, {
    description:
      'Claims a request of a grid for the signed-in person, who must be an active worker of the grid covering it or a member of a partner unit that adopted that grid (NOT_GRID_MEMBER otherwise), and may claim requests there (request.claim). Of two claims at once one wins.',
  })
  claimGridRequest(@RefArg('requestId', () => Request) request: Ref<Request>, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, claimGridRequest, { request });
  }
}
