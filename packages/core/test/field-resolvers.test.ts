import 'reflect-metadata';
import { graphql, type GraphQLObjectType } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  createParameterDecorator,
  Ctx,
  Field,
  FieldResolver,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  UseMiddleware,
  buildSchema,
} from 'type-graphql';
import { bindFieldResolvers, readPlainFieldsInPlace } from '../src/graphql/field-resolvers.js';

/**
 * Resolvers that type-graphql would hand their parameters unchanged (root, context, info,
 * scalar and enum arguments, an `@Args()` class of them, custom decorators) are called directly;
 * the others (input types and validated arguments, which type-graphql converts or checks;
 * `@Authorized`; a root of another class, which it converts to the declared one) keep
 * type-graphql's handler, and every one answers as before.
 */
@ObjectType()
class Thing {
  @Field(() => String)
  name!: string;
}

@ArgsType()
class PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@InputType()
class Suffix {
  @Field(() => String)
  text!: string;
}

interface Context {
  suffix: string;
}

/** Like core's `@RefArg`: a custom decorator that declares an argument and converts it, here asynchronously. */
const Shouted = (name: string) =>
  createParameterDecorator(({ args }) => Promise.resolve(String((args as Record<string, unknown>)[name]).toUpperCase()), {
    arg: { name, typeFunc: () => String },
  });

/** The class and own keys of the `@Args()` value a method received. */
function describeArgs(args: PageArgs): string {
  return `${args instanceof PageArgs ? 'PageArgs' : 'plain'}${JSON.stringify(Object.keys(args))}:${args.first ?? '-'}/${args.after ?? '-'}`;
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

  @Query(() => String)
  echo(@Arg('x', () => String) x: string, @Ctx() ctx: Context): string {
    return `${x}${ctx.suffix}`;
  }

  @Query(() => String)
  echoInput(@Arg('s', () => Suffix) s: Suffix): string {
    return `${s instanceof Suffix}:${s.text}`;
  }

  @Query(() => String)
  shout(@Shouted('x') x: string): string {
    return x;
  }

  @Authorized()
  @Query(() => String)
  signedIn(): string {
    return 'in';
  }

  @Mutation(() => String)
  rename(@Arg('to', () => String) to: string, @Ctx('suffix') suffix: string): string {
    return `${to}${suffix}`;
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

  @FieldResolver(() => String)
  page(@Root() thing: Thing, @Args() args: PageArgs): string {
    return `${thing.name}:${describeArgs(args)}`;
  }

  @FieldResolver(() => String)
  validated(@Root() thing: Thing, @Arg('x', () => String, { validate: true }) x: string): string {
    return `${thing.name}${x}`;
  }

  @Authorized('admin')
  @FieldResolver(() => String)
  guarded(@Root() thing: Thing): string {
    return thing.name;
  }
}

test('resolvers that get their parameters unchanged are bound directly; the rest are not; all answer as type-graphql would', async () => {
  const schema = await buildSchema({
    resolvers: [ThingResolver],
    validate: false,
    authChecker: ({ context }) => (context as Context).suffix === '?',
  });
  const resolverOf = (typeName: string) => {
    const fields = (schema.getType(typeName) as GraphQLObjectType).getFields();
    return (name: string) => fields[name]?.resolve;
  };
  const [thing, query, mutation] = ['Thing', 'Query', 'Mutation'].map(resolverOf) as [
    ReturnType<typeof resolverOf>,
    ReturnType<typeof resolverOf>,
    ReturnType<typeof resolverOf>,
  ];
  const before = {
    thing: Object.fromEntries(['direct', 'isThing', 'withArg', 'page', 'validated', 'guarded'].map((f) => [f, thing(f)])),
    query: Object.fromEntries(['echo', 'echoInput', 'shout', 'signedIn'].map((f) => [f, query(f)])),
    rename: mutation('rename'),
  };
  const source = `{
    thing { direct isThing withArg(x: "!") page(first: 2) all: page(first: 3, after: "c") none: page validated(x: "v") guarded }
    plainThing { direct isThing page(after: "p") }
    echo(x: "e") echoInput(s: { text: "t" }) shout(x: "s") signedIn
  }`;
  const rename = 'mutation { rename(to: "r") }';
  const ask = async () => [
    await graphql({ schema, source, contextValue: { suffix: '?' } }),
    await graphql({ schema, source: rename, contextValue: { suffix: '?' } }),
    // The auth checker refuses this context: a bound `@Authorized()` field would answer anyway.
    await graphql({ schema, source: '{ signedIn }', contextValue: { suffix: '!' } }),
  ];
  const answers = await ask();

  // Resolvers of another composition are left alone.
  bindFieldResolvers(schema, []);
  expect(thing('direct')).toBe(before.thing.direct);
  expect(query('echo')).toBe(before.query.echo);

  bindFieldResolvers(schema, [ThingResolver]);
  for (const name of ['direct', 'isThing', 'withArg', 'page']) expect(thing(name)).not.toBe(before.thing[name]);
  for (const name of ['validated', 'guarded']) expect(thing(name)).toBe(before.thing[name]);
  for (const name of ['echo', 'shout']) expect(query(name)).not.toBe(before.query[name]);
  for (const name of ['echoInput', 'signedIn']) expect(query(name)).toBe(before.query[name]);
  expect(mutation('rename')).not.toBe(before.rename);

  const bound = await ask();
  expect(bound).toEqual(answers);
  expect(bound[0]).toEqual({
    data: {
      thing: {
        direct: 'a?',
        isThing: 'true',
        withArg: 'a!',
        page: 'a:PageArgs["first"]:2/-',
        all: 'a:PageArgs["first","after"]:3/c',
        none: 'a:PageArgs[]:-/-',
        validated: 'av',
        guarded: 'a',
      },
      plainThing: { direct: 'b?', isThing: 'true', page: 'b:PageArgs["after"]:-/p' },
      echo: 'e?',
      echoInput: 'true:t',
      shout: 'S',
      signedIn: 'in',
    },
  });
  expect(bound[1]).toEqual({ data: { rename: 'r?' } });
  expect(bound[2]?.errors?.[0]?.message).toMatch(/Access denied/);
});

@ObjectType({ description: 'A type without simpleResolvers: type-graphql gives each of its fields a resolver.' })
class Gadget {
  @Field(() => String)
  label!: string;

  @Field(() => String)
  color!: string;

  @Field(() => String, { name: 'shownAs' })
  internalName!: string;

  @Field(() => String)
  get upper(): string {
    return this.label.toUpperCase();
  }

  @Authorized('admin')
  @Field(() => String)
  secret!: string;

  @UseMiddleware(({ info }, next) => next().then((value) => `${info.fieldName}:${String(value)}`))
  @Field(() => String)
  wrapped!: string;
}

@Resolver(() => Gadget)
class GadgetResolver {
  @Query(() => Gadget)
  gadget(): Gadget {
    return Object.assign(new Gadget(), { label: 'g', color: '红', internalName: 'n', secret: 's', wrapped: 'w' });
  }

  @FieldResolver(() => String)
  label(@Root() gadget: Gadget): string {
    return `resolved ${gadget.label}`;
  }
}

@Resolver(() => Gadget)
class GadgetExtraResolver {
  @FieldResolver(() => String, { nullable: true })
  extra(): string {
    return 'x';
  }
}

test('plain fields are read in place; renamed, guarded, wrapped, resolved and getter fields keep a resolver; all answer as before', async () => {
  const schema = await buildSchema({
    resolvers: [GadgetResolver, GadgetExtraResolver],
    validate: false,
    authChecker: ({ context }) => (context as Context).suffix === '?',
  });
  const fields = (schema.getType('Gadget') as GraphQLObjectType).getFields();
  const source = '{ gadget { label color shownAs upper secret wrapped extra } }';
  const answer = await graphql({ schema, source, contextValue: { suffix: '?' } });
  const refused = await graphql({ schema, source: '{ gadget { secret } }', contextValue: { suffix: '!' } });
  const before = fields.label?.resolve;

  readPlainFieldsInPlace(schema, [GadgetResolver, GadgetExtraResolver]);
  expect(fields.color?.resolve).toBeUndefined();
  expect(fields.label?.resolve).toBe(before);
  // A getter is type-graphql's to read: it converts a root of another class to the declared one first.
  for (const name of ['shownAs', 'upper', 'secret', 'wrapped', 'extra']) expect(fields[name]?.resolve).toBeDefined();

  expect(await graphql({ schema, source, contextValue: { suffix: '?' } })).toEqual(answer);
  expect(answer).toEqual({
    data: { gadget: { label: 'resolved g', color: '红', shownAs: 'n', upper: 'G', secret: 's', wrapped: 'wrapped:w', extra: 'x' } },
  });
  expect(await graphql({ schema, source: '{ gadget { secret } }', contextValue: { suffix: '!' } })).toEqual(refused);
  expect(refused.errors?.[0]?.message).toMatch(/Access denied/);
});
