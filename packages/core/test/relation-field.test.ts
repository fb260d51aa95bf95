import 'reflect-metadata';
import { Authorized, Field, ObjectType, Query, Resolver, UseMiddleware, buildSchema } from 'type-graphql';
import { bindRelationFields, RelationField } from '../src/graphql/relation-field.js';

/**
 * A `@RelationField` resolves through its loader, never through type-graphql's handler, so the
 * host refuses at start one that asks for an auth check or a middleware: they would not run.
 * `@Authorized()` without permissions counts (type-graphql runs the auth checker for it too).
 */
@ObjectType()
class Target {
  @Field(() => String)
  name!: string;
}

@ObjectType()
class Guarded {
  @Authorized()
  @RelationField(() => Target, { nullable: true })
  target?: Target | null;
}

@ObjectType()
class Wrapped {
  @UseMiddleware((_data, next) => next())
  @RelationField(() => Target, { nullable: true })
  target?: Target | null;
}

@ObjectType()
class Plain {
  @RelationField(() => Target, { nullable: true })
  target?: Target | null;
}

@Resolver()
class GuardedResolver {
  @Query(() => Guarded, { nullable: true })
  guarded(): Guarded | null {
    return null;
  }
}

@Resolver()
class WrappedResolver {
  @Query(() => Wrapped, { nullable: true })
  wrapped(): Wrapped | null {
    return null;
  }
}

@Resolver()
class PlainResolver {
  @Query(() => Plain, { nullable: true })
  plain(): Plain | null {
    return null;
  }
}

const schemaOf = (resolver: new () => object) => buildSchema({ resolvers: [resolver], validate: false, authChecker: () => true });

test('a @RelationField with @Authorized (with or without permissions) or @UseMiddleware is refused at start', async () => {
  const refusal = /(Guarded|Wrapped)\.target is a @RelationField: it takes no @Authorized or @UseMiddleware/;
  expect(bindRelationFields.bind(null, await schemaOf(GuardedResolver))).toThrow(refusal);
  expect(bindRelationFields.bind(null, await schemaOf(WrappedResolver))).toThrow(refusal);
  expect(bindRelationFields.bind(null, await schemaOf(PlainResolver))).not.toThrow();
});
