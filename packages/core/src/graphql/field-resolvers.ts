import { type GraphQLField, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { ClassType } from '../plugin/plugin.js';

/** An argument as type-graphql records it (the part read here). */
interface ArgMetadata {
  name: string;
  getType: () => unknown;
  validateSettings?: unknown;
  validateFn?: unknown;
}

/** A parameter of a resolver method as type-graphql records it (the part read here). */
interface ParamMetadata extends Partial<ArgMetadata> {
  kind: string;
  index: number;
  propertyName?: string;
  /** A custom parameter decorator's function, and the argument it declares. */
  resolver?: (data: { root: unknown; args: Record<string, unknown>; context: unknown; info: unknown }) => unknown;
  options?: { arg?: ArgMetadata };
}

/** A query, mutation or field resolver as type-graphql records it once the schema is built. */
interface HandlerMetadata {
  target: unknown;
  methodName: string;
  schemaName: string;
  kind?: string;
  roles?: unknown[];
  middlewares?: unknown[];
  params?: ParamMetadata[];
  getObjectType?: () => unknown;
}

/** How a directly bound resolver reads one of its parameters from the resolver's arguments. */
type ParamReader = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

const readNothing: ParamReader = () => undefined;

/** What decides how arguments are read: which classes are input types and which are `@ArgsType`s (with their fields). */
interface ArgumentTypes {
  inputs: ReadonlySet<unknown>;
  argsFields: (argsClass: unknown) => ArgMetadata[] | null;
}

/**
 * Whether type-graphql hands an argument of this declared type to the method as it came from
 * graphql-js: it is not an input type (which it turns into class instances, field by field), and
 * it is not validated (validation is off for the platform's schema; an argument that asks for it
 * keeps type-graphql's handler). A scalar, an enum or a list of them comes through as it is.
 */
function passesThrough(arg: ArgMetadata, types: ArgumentTypes): boolean {
  return !arg.validateFn && !arg.validateSettings && !types.inputs.has(arg.getType());
}

/**
 * `new ArgsClass()` with the given arguments assigned, as type-graphql's `convertToType` makes an
 * `@Args()` parameter: a class field the client did not send is left out, not `undefined`.
 */
function argsInstance(argsClass: new () => Record<string, unknown>, names: readonly string[], args: Record<string, unknown>): object {
  const instance = new argsClass();
  for (const key of Object.keys(instance)) {
    if (instance[key] === undefined && !(names.includes(key) && args[key] !== undefined)) delete instance[key];
  }
  for (const name of names) if (args[name] !== undefined) instance[name] = args[name];
  return instance;
}

/**
 * The reader of a parameter whose value type-graphql would hand over unchanged: `@Root()`,
 * `@Ctx()` (or one of its properties), `@Info()`, an `@Arg()` or `@Args()` class of scalars and
 * enums, a custom parameter decorator (its function is called as type-graphql calls it). Null for
 * the rest (input types, which type-graphql converts to class instances; validated arguments; a
 * named property of the root, which it converts): such a resolver keeps type-graphql's handler.
 */
function readerOf(param: ParamMetadata, types: ArgumentTypes): ParamReader | null {
  switch (param.kind) {
    case 'root':
      return param.propertyName ? null : (root) => root;
    case 'context': {
      const property = param.propertyName;
      return property ? (_root, _args, context) => (context as Record<string, unknown>)[property] : (_root, _args, context) => context;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'arg': {
      const name = param.name;
      return name !== undefined && passesThrough(param as ArgMetadata, types) ? (_root, args) => args[name] : null;
    }
    case 'args': {
      if (param.validateFn || param.validateSettings) return null;
      const argsClass = param.getType?.() as (new () => Record<string, unknown>) | undefined;
      const fields = argsClass ? types.argsFields(argsClass) : null;
      if (!argsClass || !fields?.every((field) => passesThrough(field, types))) return null;
      const names = fields.map((field) => field.name);
      return (_root, args) => argsInstance(argsClass, names, args);
    }
    case 'custom': {
      const resolve = param.resolver;
      const arg = param.options?.arg;
      if (!resolve || (arg && !passesThrough(arg, types))) return null;
      return (root, args, context, info) => resolve({ root, args, context, info });
    }
    default:
      return null;
  }
}

/** Which type's field a resolver method answers. */
type Owner = 'query' | 'mutation' | 'field';

/** The schema field a resolver method answers, or null when it cannot be told. */
function fieldOf(schema: GraphQLSchema, meta: HandlerMetadata, owner: Owner): GraphQLField<unknown, unknown> | null {
  let type: GraphQLObjectType | null | undefined;
  if (owner === 'query') type = schema.getQueryType();
  else if (owner === 'mutation') type = schema.getMutationType();
  else {
    const objectClass = meta.getObjectType?.();
    const typeName = getMetadataStorage().objectTypes.find((t) => t.target === objectClass)?.name;
    const named = typeName ? schema.getType(typeName) : undefined;
    type = isObjectType(named) ? named : null;
  }
  return type?.getFields()[meta.schemaName] ?? null;
}

/**
 * Makes the queries, mutations and `@FieldResolver()` methods of `resolvers` resolve by calling
 * the method directly when type-graphql would hand it its parameters unchanged (see
 * {@link readerOf}) and no `@Authorized` or `@UseMiddleware` applies. type-graphql's handler
 * allocates, for every call, its resolver data, a sort of the parameter list and the mapped
 * parameters, looks up an `@Args()` class among all argument types, and validates each argument
 * asynchronously even with validation off, so a connection field (`first`, `after`) waited two
 * more turns of the event loop for values it already had (a person card's three connections and
 * its query were ~12 % of its CPU). A root that is not an instance of the parameter's declared
 * class (type-graphql would convert it) goes through type-graphql's handler, as do all other
 * resolvers. The schema must have been built with validation off and no global middleware, as
 * the platform builds it. Run once on the built schema, before the scope guard wraps it;
 * `resolvers` are those the schema was built from (type-graphql's metadata is global: other
 * compositions' resolvers are in it too). A field bound here is called without what wrapped it
 * before: the reference binding wraps only fields taking input types, which are never bound.
 */
export function bindFieldResolvers(schema: GraphQLSchema, resolvers: readonly ClassType[]): void {
  const storage = getMetadataStorage();
  const argsTypes = new Map(storage.argumentTypes.map((t) => [t.target as unknown, t.fields as unknown as ArgMetadata[]]));
  const types: ArgumentTypes = {
    inputs: new Set(storage.inputTypes.map((t) => t.target)),
    argsFields: (argsClass) => {
      // Its own fields and those of `@ArgsType` classes it extends, as type-graphql reads them.
      const fields: ArgMetadata[] = [];
      for (let cls = argsClass as { prototype?: unknown } | null; cls?.prototype !== undefined; cls = Object.getPrototypeOf(cls) as never) {
        fields.push(...(argsTypes.get(cls) ?? []));
      }
      return argsTypes.has(argsClass) ? fields : null;
    },
  };
  const built = new Set<unknown>(resolvers);
  const handlers: [HandlerMetadata, Owner][] = [
    ...storage.queries.map((m): [HandlerMetadata, Owner] => [m as HandlerMetadata, 'query']),
    ...storage.mutations.map((m): [HandlerMetadata, Owner] => [m as HandlerMetadata, 'mutation']),
    ...storage.fieldResolvers.filter((m) => m.kind === 'external').map((m): [HandlerMetadata, Owner] => [m as HandlerMetadata, 'field']),
  ];
  // A field two built methods claim (one overriding the other) is left to type-graphql.
  const claims = new Map<GraphQLField<unknown, unknown>, number>();
  const candidates: [HandlerMetadata, GraphQLField<unknown, unknown>][] = [];
  for (const [meta, owner] of handlers) {
    if (!built.has(meta.target)) continue;
    const field = fieldOf(schema, meta, owner);
    if (!field?.resolve) continue;
    claims.set(field, (claims.get(field) ?? 0) + 1);
    candidates.push([meta, field]);
  }
  const instances = new Map<unknown, Record<string, (...params: unknown[]) => unknown>>();
  for (const [meta, field] of candidates) {
    // `@Authorized()` without permissions still runs the auth checker: any roles list counts.
    if (claims.get(field) !== 1 || meta.roles !== undefined || meta.middlewares?.length) continue;
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    const readers = params.map((param) => readerOf(param, types));
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
    const handler: GraphQLFieldResolver<unknown, unknown> = field.resolve!;
    // A custom decorator's function may answer a promise: the method then waits for every value, as type-graphql's does.
    const mayWait = params.some((p) => p.kind === 'custom');
    // The first two readers by name: most such resolvers take (root, ctx), and no list is made per call for them.
    const [first = readNothing, second = readNothing] = read;
    field.resolve = (root, args: Record<string, unknown>, context, info) => {
      if (rootClass && root != null && !(root instanceof rootClass)) return handler(root, args, context, info);
      if (mayWait) {
        const values = read.map((reader) => reader(root, args, context, info));
        return values.some(isPromiseLike)
          ? Promise.all(values).then((resolved) => method.apply(target, resolved))
          : method.apply(target, values);
      }
      switch (read.length) {
        case 0:
          return method.call(target);
        case 1:
          return method.call(target, first(root, args, context, info));
        case 2:
          return method.call(target, first(root, args, context, info), second(root, args, context, info));
        default:
          return method.apply(
            target,
            read.map((reader) => reader(root, args, context, info)),
          );
      }
    };
  }
}

/** Whether a resolver's answer is still on its way (a promise or any thenable). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** A field of an object or interface type as type-graphql records it (the part read here). */
interface FieldMetadata {
  target: unknown;
  name: string;
  schemaName: string;
  roles?: unknown[];
  middlewares?: unknown[];
}

/**
 * The object type type-graphql declared under the GraphQL name `typeName`, when exactly one class
 * did: its metadata is global, so another composition's (or a test's) type of the same name may be
 * there too, and the name alone cannot tell which class a schema's type came from.
 */
export function objectTypeNamed(typeName: string): ReturnType<typeof getMetadataStorage>['objectTypes'][number] | null {
  const [objectType, other] = getMetadataStorage().objectTypes.filter((t) => t.name === typeName);
  return objectType && !other ? objectType : null;
}

/**
 * The fields type-graphql declared on the object type named `typeName`, by schema name, as its
 * schema generator merges them (the interfaces' first, then its superclasses', then its own); null
 * when no class or more than one has that name ({@link objectTypeNamed}).
 */
function declaredFields(typeName: string): Map<string, FieldMetadata> | null {
  const objectType = objectTypeNamed(typeName);
  return objectType ? fieldsOf(objectType) : null;
}

/** The fields type-graphql declared on `objectType`, by schema name: see {@link declaredFields}. */
function fieldsOf(objectType: NonNullable<ReturnType<typeof objectTypeNamed>>): Map<string, FieldMetadata> {
  const storage = getMetadataStorage();
  const fields = new Map<string, FieldMetadata>();
  const add = (list: readonly FieldMetadata[] | undefined) => list?.forEach((field) => fields.set(field.schemaName, field));
  const interfaces = (objectType.interfaceClasses ?? []) as unknown[];
  for (const it of storage.interfaceTypes) if (interfaces.includes(it.target)) add(it.fields);
  const lineage: unknown[] = [];
  for (
    let cls = Object.getPrototypeOf(objectType.target) as { prototype?: unknown };
    cls?.prototype;
    cls = Object.getPrototypeOf(cls) as never
  ) {
    lineage.unshift(cls);
  }
  for (const cls of lineage) add(storage.objectTypes.find((t) => t.target === cls)?.fields);
  add(objectType.fields);
  return fields;
}

/**
 * Leaves the plain fields of every object type without a resolver: a field that type-graphql
 * declared on a class property, with no field resolver, `@Authorized` or `@UseMiddleware`, reads
 * the row's property. type-graphql gives each such field a resolver unless its type says
 * `simpleResolvers`, and graphql-jit calls a resolver through its deferred machinery (the call,
 * its checks, its promise handling) where it reads a field that has none in place, in the
 * compiled code; a connection's `nodes`, a plugin type's columns all paid that. A field whose
 * schema name differs from its property keeps a resolver that reads the property. Run once on the
 * built schema, before anything else sets resolvers; `resolvers` are those the schema was built
 * from (a field resolver of another composition does not count).
 */
export function readPlainFieldsInPlace(schema: GraphQLSchema, resolvers: readonly ClassType[]): void {
  const storage = getMetadataStorage();
  const built = new Set<unknown>(resolvers);
  // The methods that resolve fields, by the class whose fields they resolve, as the schema generator matches them.
  const methodsOf = new Map<unknown, Set<string>>();
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'internal' && !built.has(meta.target)) continue;
    const objectClass = meta.getObjectType?.();
    (methodsOf.get(objectClass) ?? methodsOf.set(objectClass, new Set()).get(objectClass)!).add(meta.methodName);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const declared = declaredFields(type.name);
    for (const field of Object.values(type.getFields())) {
      // No resolver at all (a type that says `simpleResolvers`, an interface's field as Node's `id`): GraphQL reads the property of the field's name.
      if (!field.resolve) {
        readsProperty(field, field.name);
        continue;
      }
      const meta = declared?.get(field.name);
      if (!meta || meta.roles !== undefined || meta.middlewares?.length) continue;
      if (methodsOf.get(meta.target)?.has(meta.name)) continue;
      const property = meta.name;
      field.resolve = property === field.name ? undefined : (root: Record<string, unknown>) => root[property];
      readsProperty(field, property);
    }
  }
}

/** Where a plain field keeps the property it reads: in its extensions, which a schema rebuilt from this one keeps. */
const PROPERTY_READ = 'gongzhiPropertyRead';

function readsProperty(field: GraphQLField<unknown, unknown>, property: string): void {
  (field as { extensions: Record<string, unknown> }).extensions = { ...field.extensions, [PROPERTY_READ]: property };
}

/**
 * The class property a plain field of `target`'s object type (a `@Field` on a class property, no
 * field resolver, `@Authorized` or `@UseMiddleware`; or a field that never had a resolver) answers,
 * or undefined for any other field. Where {@link readPlainFieldsInPlace} could not tell the type's
 * class by its name (two classes of that name), the class's own metadata decides, as strictly.
 *
 * @internal The host's; not part of the plugin contract.
 */
export function plainFieldProperty(field: GraphQLField<unknown, unknown>, target: unknown): string | undefined {
  const property = field.extensions?.[PROPERTY_READ];
  if (typeof property === 'string') return property;
  const objectType = getMetadataStorage().objectTypes.find((t) => t.target === target);
  const meta = objectType && fieldsOf(objectType).get(field.name);
  if (!meta || meta.roles !== undefined || meta.middlewares?.length) return undefined;
  const resolved = getMetadataStorage().fieldResolvers.some((r) => r.methodName === meta.name && r.getObjectType?.() === target);
  return resolved ? undefined : meta.name;
}
