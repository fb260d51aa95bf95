import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { ClassType } from '../plugin/plugin.js';

/** A parameter of a field resolver method as type-graphql records it (the part read here). */
interface ParamMetadata {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: () => unknown;
}

/** How a directly bound field resolver reads one of its parameters from the resolver's arguments. */
type ParamReader = (root: unknown, context: unknown, info: unknown) => unknown;

const readNothing: ParamReader = () => undefined;

/**
 * The reader of a parameter that needs nothing of type-graphql: `@Root()`, `@Ctx()`, `@Info()`.
 * Null for the rest (arguments, which type-graphql converts to class instances; a named property
 * of the root or the context; custom decorators): such a resolver keeps type-graphql's handler.
 */
function readerOf(param: ParamMetadata): ParamReader | null {
  if (param.propertyName) return null;
  if (param.kind === 'root') return (root) => root;
  if (param.kind === 'context') return (_root, context) => context;
  if (param.kind === 'info') return (_root, _context, info) => info;
  return null;
}

/**
 * Makes the `@FieldResolver()` methods of `resolvers` whose parameters are only `@Root()`,
 * `@Ctx()` and `@Info()`, with no `@Authorized` or `@UseMiddleware`, resolve by calling the
 * method directly. type-graphql's handler allocates, for every row of a page, its resolver data,
 * a sort of the parameter list and the mapped parameters (a board's 100 such calls were ~5 % of
 * what it allocates); with no middleware it then calls the method with the same arguments,
 * as this does. A root that is not an instance of the parameter's declared class (type-graphql
 * would convert it) goes through type-graphql's handler, as do all other resolvers. Run once on
 * the built schema, before the scope guard wraps it; `resolvers` are those the schema was built
 * from (type-graphql's metadata is global: other compositions' resolvers are in it too).
 */
export function bindFieldResolvers(schema: GraphQLSchema, resolvers: readonly ClassType[]): void {
  const storage = getMetadataStorage();
  const built = new Set<unknown>(resolvers);
  const instances = new Map<unknown, Record<string, (...params: unknown[]) => unknown>>();
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || !built.has(meta.target) || meta.roles?.length || meta.middlewares?.length) continue;
    const objectClass = meta.getObjectType?.();
    const typeName = storage.objectTypes.find((t) => t.target === objectClass)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = isObjectType(type) ? type.getFields()[meta.schemaName] : undefined;
    if (!field?.resolve) continue;
    const params = [...((meta.params ?? []) as ParamMetadata[])].sort((a, b) => a.index - b.index);
    const readers = params.map(readerOf);
    if (readers.some((reader) => reader === null)) continue;
    const read = readers as ParamReader[];
    // The class a `@Root()` parameter declares: a root of another shape is type-graphql's to convert.
    const rootParam = params.find((p) => p.kind === 'root');
    const declared = rootParam?.getType?.();
    const rootClass = typeof declared === 'function' && declared !== Object ? (declared as ClassType) : null;
    // Resolver classes take no constructor arguments (type-graphql's default container makes them so too).
    const resolverClass = meta.target as new () => Record<string, (...params: unknown[]) => unknown>;
    let instance = instances.get(resolverClass);
    if (!instance) instances.set(resolverClass, (instance = new resolverClass()));
    const method = instance[meta.methodName];
    if (typeof method !== 'function') continue;
    const target = instance;
    const handler: GraphQLFieldResolver<unknown, unknown> = field.resolve;
    // The first two readers by name: most such resolvers take (root, ctx), and no list is made per call for them.
    const [first = readNothing, second = readNothing] = read;
    field.resolve = (root, args, context, info) => {
      if (rootClass && root != null && !(root instanceof rootClass)) return handler(root, args, context, info);
      switch (read.length) {
        case 0:
          return method.call(target);
        case 1:
          return method.call(target, first(root, context, info));
        case 2:
          return method.call(target, first(root, context, info), second(root, context, info));
        default:
          return method.apply(
            target,
            read.map((reader) => reader(root, context, info)),
          );
      }
    };
  }
}
