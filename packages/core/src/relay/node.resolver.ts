import { Ctx, Query, Resolver } from 'type-graphql';
import { loadRef } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { Node } from './node.js';

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
}
