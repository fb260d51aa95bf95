import 'reflect-metadata';
import { graphql, type GraphQLObjectType } from 'graphql';
import { Arg, Authorized, Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root, buildSchema } from 'type-graphql';
import { bindFieldResolvers } from '../src/graphql/field-resolvers.js';

/**
 * Field resolvers that read only their root, context and info are called directly; the others
 * (arguments, which type-graphql converts; `@Authorized`; a root of another class, which it
 * converts to the declared one) keep type-graphql's handler, and every one answers as before.
 */
@ObjectType()
class Thing {
  @Field(() => String)
  name!: string;
}

interface Context {
  suffix: string;
}

@Resolver(() => Thing)
class ThingResolver {
  @Query(() => Thing)
  thing(): Thing {
    return Object.assign(new Thing(), { name: 'a' });
  }

  @Query(() => Thing, { description: 'A plain object, not a Thing: type-graphql converts it for a field resolver.' })
  plainThing(): Thing {
    return { name: 'b' };
  }

  @FieldResolver(() => String)
  direct(@Root() thing: Thing, @Ctx() ctx: Context): string {
    return `${thing.name}${ctx.suffix}`;
  }

  @FieldResolver(() => String)
  isThing(@Root() thing: Thing): string {
    return String(thing instanceof Thing);
  }

  @FieldResolver(() => String)
  withArg(@Root() thing: Thing, @Arg('x', () => String) x: string): string {
    return `${thing.name}${x}`;
  }

  @Authorized('admin')
  @FieldResolver(() => String)
  guarded(@Root() thing: Thing): string {
    return thing.name;
  }
}

test('root/context/info field resolvers are bound directly; those with arguments or roles are not; all answer as type-graphql would', async () => {
  const schema = await buildSchema({
    resolvers: [ThingResolver],
    validate: false,
    authChecker: ({ context }) => (context as Context).suffix === '?',
  });
  const fields = (schema.getType('Thing') as GraphQLObjectType).getFields();
  const before = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.resolve]));
  const query = '{ thing { direct isThing withArg(x: "!") guarded } plainThing { direct isThing } }';
  const answer = await graphql({ schema, source: query, contextValue: { suffix: '?' } });

  // Resolvers of another composition are left alone.
  bindFieldResolvers(schema, []);
  expect(fields.direct?.resolve).toBe(before.direct);

  bindFieldResolvers(schema, [ThingResolver]);
  expect(fields.direct?.resolve).not.toBe(before.direct);
  expect(fields.isThing?.resolve).not.toBe(before.isThing);
  expect(fields.withArg?.resolve).toBe(before.withArg);
  expect(fields.guarded?.resolve).toBe(before.guarded);

  const bound = await graphql({ schema, source: query, contextValue: { suffix: '?' } });
  expect(bound).toEqual(answer);
  expect(bound).toEqual({
    data: { thing: { direct: 'a?', isThing: 'true', withArg: 'a!', guarded: 'a' }, plainThing: { direct: 'b?', isThing: 'true' } },
  });
});
