import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { execute, graphql, parse } from 'graphql';
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

  /** As a loader answers: a promise. */
  @ByParentKey()
  @FieldResolver(() => String)
  async later(@Root() widget: Widget): Promise<string> {
    roots.push(widget);
    await new Promise((resolve) => setImmediate(resolve));
    return `${widget.uuid}:later`;
  }
}

/** The widget schema with its early reads bound, and a widget's uuid and global id. */
async function widgetSchema() {
  const schema = await buildSchema({ resolvers: [WidgetResolver], validate: false });
  bindFieldResolvers(schema, [WidgetResolver]);
  bindEarlyReads(schema);
  const uuid = randomUUID();
  return { schema, uuid, id: toGlobalId('Widget', uuid) };
}

test("an early field is called on an object of its parent class holding only the key, with no constructor run, and its answer is the row's", async () => {
  const { schema, uuid, id } = await widgetSchema();
  roots.length = 0;
  const answer = await graphql({ schema, source: `{ widget(id: "${id}") { name key } }`, contextValue: {} });

  expect(answer).toEqual({ data: { widget: { name: '小部件', key: uuid } } });
  // Called once, early on the key: the row's field answers what that call answered.
  expect(roots).toHaveLength(1);
  const [early] = roots as [object];
  expect(early).toBeInstanceOf(Widget);
  expect(Object.keys(early)).toEqual(['uuid']);
  expect((early as Widget).uuid).toBe(uuid);
  expect(constructed).toBe(0);
});

test("an early field that answers a promise is called once, and the row's field answers what it settled to", async () => {
  const { schema, uuid, id } = await widgetSchema();
  roots.length = 0;
  const answer = await graphql({ schema, source: `{ widget(id: "${id}") { name later } }`, contextValue: {} });
  expect(answer).toEqual({ data: { widget: { name: '小部件', later: `${uuid}:later` } } });
  expect(roots).toHaveLength(1);
  expect(Object.keys(roots[0] as object)).toEqual(['uuid']);
  // Another operation (another context) starts afresh: nothing is kept across operations.
  roots.length = 0;
  await graphql({ schema, source: `{ widget(id: "${id}") { later } }`, contextValue: {} });
  expect(roots).toHaveLength(1);
});

test('the early fields follow @include and @skip on every run of one parsed document, and one without them starts them on every run', async () => {
  const { schema, id } = await widgetSchema();
  /** How `key` was called in one run: `early` on the key (its answer then the row's), `row` on the row when not started early. */
  const calls = async (document: ReturnType<typeof parse>, variableValues: Record<string, unknown> = {}) => {
    roots.length = 0;
    const answer = await execute({ schema, document, variableValues: { id, ...variableValues }, contextValue: {} });
    expect(answer.errors).toBeUndefined();
    return roots.map((root) => ('name' in (root as object) ? 'row' : 'early')).join();
  };
  const directed = parse('query ($id: ID!, $k: Boolean!) { widget(id: $id) { name key @include(if: $k) } }');
  expect(await calls(directed, { k: false })).toBe('');
  const skipped = parse('query ($id: ID!, $k: Boolean!) { widget(id: $id) { name key @skip(if: $k) } }');
  expect(await calls(skipped, { k: true })).toBe('');
  expect(await calls(skipped, { k: false })).toBe('early');
  expect(await calls(directed, { k: true })).toBe('early');
  expect(await calls(directed, { k: false })).toBe('');
  const plain = parse('query ($id: ID!) { widget(id: $id) { name ... on Widget { key } } }');
  expect(await calls(plain)).toBe('early');
  expect(await calls(plain)).toBe('early');
});
