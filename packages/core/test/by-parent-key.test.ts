import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { graphql } from 'graphql';
import { Arg, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root, buildSchema } from 'type-graphql';
import { ByParentKey, bindEarlyReads } from '../src/graphql/by-parent-key.js';
import { bindFieldResolvers } from '../src/graphql/field-resolvers.js';
import { fromGlobalId, toGlobalId } from '../src/relay/global-id.js';

/**
 * A `@ByParentKey` field asked under a query by id starts before its parent's row arrives, on an
 * object of the parent's class holding only the key: its resolver takes that object as it is,
 * and no entity is constructed for it (type-graphql would construct one from a plain `{ uuid }`).
 */
let constructed = 0;

@ObjectType()
class Widget {
  uuid: string;

  @Field(() => String)
  name!: string;

  constructor() {
    constructed++;
    this.uuid = randomUUID();
  }
}

/** The roots the early field was called on, in call order. */
const roots: unknown[] = [];

@Resolver(() => Widget)
class WidgetResolver {
  @Query(() => Widget, { nullable: true })
  widget(@Arg('id', () => ID) id: string): Widget {
    // A row as the plain-row reads make it: the entity's prototype, no constructor run.
    return Object.assign(Object.create(Widget.prototype) as Widget, { uuid: fromGlobalId(id)?.id, name: '小部件' });
  }

  @ByParentKey()
  @FieldResolver(() => String)
  key(@Root() widget: Widget): string {
    roots.push(widget);
    return widget.uuid;
  }
}

test('an early field is called on an object of its parent class holding only the key, with no constructor run', async () => {
  const schema = await buildSchema({ resolvers: [WidgetResolver], validate: false });
  bindFieldResolvers(schema, [WidgetResolver]);
  bindEarlyReads(schema);
  const uuid = randomUUID();
  const id = toGlobalId('Widget', uuid);
  const answer = await graphql({ schema, source: `{ widget(id: "${id}") { name key } }` });

  expect(answer).toEqual({ data: { widget: { name: '小部件', key: uuid } } });
  // Called twice: early on the key, then on the row.
  expect(roots).toHaveLength(2);
  const [early] = roots as [object];
  expect(early).toBeInstanceOf(Widget);
  expect(Object.keys(early)).toEqual(['uuid']);
  expect((early as Widget).uuid).toBe(uuid);
  expect(constructed).toBe(0);
});
