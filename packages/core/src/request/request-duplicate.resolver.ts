import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { perform } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { keyedRows, refId } from '../graphql/loaders.js';
import { hasMany } from '../graphql/relation-field.js';
import { mergeDuplicateRequest, unmergeDuplicateRequest } from './request-duplicate.commands.js';
import { Request, RequestStatus } from './request.entity.js';
import { NEWEST_FIRST } from './request.resolver.js';
import { RequestPayload } from './request.types.js';

/** Duplicates (重复件): merging a request into another, undoing it, and what each side shows. */
@Resolver(() => Request)
export class RequestDuplicateResolver {
  @Mutation(() => RequestPayload, {
    description:
      'Merges an open request into another as its duplicate (重复件, 合并办理: the same problem reported again), with an optional note: it is closed and points at the other (duplicateOf), which is handled for both; its own duplicates follow. Needs request.manage at both; both in one community.',
  })
  mergeDuplicateRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @RefArg('intoId', () => Request) into: Ref<Request>,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, mergeDuplicateRequest, { into, request, note: note ?? null });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Undoes a merge made by mistake (撤销合并), with the reason: the duplicate is its own request again, in the status it was merged from. Needs request.manage at both.',
  })
  unmergeDuplicateRequest(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, unmergeDuplicateRequest, { request, reason });
  }

  @FieldResolver(() => RequestStatus, {
    nullable: true,
    description:
      'For a duplicate (重复件): the status of the request it was merged into, shown to whoever sees this one (its requester learns when the problem is fixed, not whose report was kept). Null for a request that is no duplicate.',
  })
  async duplicateOfStatus(@Root() request: Request, @Ctx() ctx: GongzhiContext): Promise<RequestStatus | null> {
    const original = refId(request.duplicateOf);
    if (!original) return null;
    // Only the status: the row itself is shown (duplicateOf) to those who may see it.
    const [row] = await keyedRows<{ id: string; status: RequestStatus }>(ctx, 'Request.duplicateOfStatus', original, {
      sql: (match) => `SELECT id, status FROM request WHERE id ${match}`,
      keyColumn: 'id',
      type: 'uuid',
    });
    return row?.status ?? null;
  }
}

/** Adds `Request.duplicates`: the requests merged into this one (重复件), newest first. */
export const RequestDuplicatesResolver = hasMany(
  () => Request,
  'duplicates',
  () => Request,
  'duplicateOf',
  {
    order: NEWEST_FIRST,
    rows: true,
    description: 'The requests merged into this one as its duplicates (重复件), newest first (those you may see).',
  },
);
