import { Ctx, Query, Resolver } from 'type-graphql';
import { loadRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { MAX_PAGE_SIZE, pageCapError } from './connection.js';
import { Node } from './node.js';
import { BoundedList } from '../graphql/bounded-list.js';

@Resolver()
export class NodeResolver {
  /**
   * Any object with a global id, core's or a plugin's: the id names its type, and the type is
   * the entity of that name. Unknown, malformed and unseen ids are simply not found (null).
   */
  @Query(() => Node, { nullable: true, description: 'Fetches any object by its global id.' })
  async node(@RefArg('id', () => Node) id: Ref<Node>, @Ctx() ctx: GongzhiContext): Promise<Node | null> {
    return id.problem ? null : loadRef(ctx, id);
  }

  /**
   * Relay's plural identifying root field: one entry per id, in the order given, null where
   * `node(id:)` would answer null. Batched: the rows of one type are one query.
   */
  @BoundedList('the ids given, at most the page cap')
  @Query(() => [Node], {
    nullable: 'items',
    description: `Fetches objects by their global ids (at most ${MAX_PAGE_SIZE}), in the order given; null for each id not found.`,
  })
  async nodes(@RefArg('ids', () => [Node]) ids: Ref<Node>[], @Ctx() ctx: GongzhiContext): Promise<(Node | null)[]> {
    if (ids.length > MAX_PAGE_SIZE) throw pageCapError('ids', ids.length);
    return Promise.all(ids.map(async (id) => (id.problem ? null : loadRef(ctx, id))));
  }
}
