import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { fromGlobalId } from './global-id.js';
import { Node } from './node.js';
import { type EntityClass, graphQLTypeName } from './node-entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Resolver()
export class NodeResolver {
  /**
   * Any object with a global id, core's or a plugin's: the id names its GraphQL type, and the
   * type is the entity class of that name. Unknown or malformed ids are simply not found.
   */
  @Query(() => Node, { nullable: true, description: 'Fetches any object by its global id.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed || !UUID.test(parsed.id)) return null;
    const meta = [...ctx.em.getMetadata().getAll().values()].find(
      (m) => !m.abstract && m.class && graphQLTypeName(m.class as EntityClass) === parsed.type,
    );
    if (!meta) return null;
    return ctx.em.findOne<Node>(meta.class as never, { uuid: parsed.id } as never);
  }
}
