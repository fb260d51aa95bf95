import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isObjectType,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { ClassType } from '../plugin/plugin.js';
import { convertInputRefs, referenceArg, referenceField, type ReferenceDeclaration, toRefs } from './reference.js';

/** What the composed schema says about a reference, in `extensions.reference` of the argument or input field. */
export interface ReferenceExtension {
  /** The GraphQL type the id must name; `Node` for any. */
  type: string;
  list: boolean;
}

/** The reference declaration of an argument or input field, as the composed schema carries it. */
export function referenceOf(argOrField: { extensions?: Readonly<Record<string, unknown>> | null }): ReferenceExtension | undefined {
  return argOrField.extensions?.reference as ReferenceExtension | undefined;
}

function setReference(target: { extensions: unknown }, declaration: ReferenceDeclaration, typeNameOf: (c: ClassType) => string): void {
  const entity = declaration.target();
  (target as { extensions: Record<string, unknown> }).extensions = {
    ...(target.extensions as Record<string, unknown>),
    reference: { type: typeNameOf(entity), list: declaration.list } satisfies ReferenceExtension,
  };
}

/** Reference arguments of the schema: subscriptions' `subscribe` gets raw arguments, so it converts them itself. */
const argDeclarations = new WeakMap<GraphQLArgument, ReferenceDeclaration>();

/** How to turn the raw values of one argument into Refs: the reference fields of each input type it reaches. */
type InputPlan = Map<string, { refs: Map<string, ReferenceDeclaration>; nested: Map<string, string> }>;

/**
 * Binds the declared references to the composed schema: records each in the schema
 * (`extensions.reference` on the argument or input field, so tests and tools can read them),
 * makes resolvers receive Refs for reference fields inside input objects (reference arguments
 * convert themselves), and returns every `ID` argument or input field that is not declared, each
 * as a sentence naming its owner and the fix. The host refuses to start when there is any.
 */
export function bindReferences(
  schema: GraphQLSchema,
  resolvers: readonly ClassType[],
  typeNameOf: (c: ClassType) => string,
  ownerOf: (resolverClass: ClassType) => string,
): string[] {
  const storage = getMetadataStorage();
  const included = new Set(resolvers);
  const problems: string[] = [];

  // Input types: their classes' declared reference fields.
  const inputClasses = new Map(storage.inputTypes.map((t) => [t.name, t.target]));
  const plan: InputPlan = new Map();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    const cls = inputClasses.get(type.name);
    const refs = new Map<string, ReferenceDeclaration>();
    const nested = new Map<string, string>();
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const declaration = cls ? referenceField(cls as ClassType, field.name) : undefined;
      if (declaration) {
        refs.set(field.name, declaration);
        setReference(field, declaration, typeNameOf);
      } else if (named.name === 'ID') {
        problems.push(`input ${type.name}.${field.name} is an ID but not declared as a reference (used by ${usedBy(schema, type.name)}).`);
      } else if (isInputObjectType(named)) {
        nested.set(field.name, named.name);
      }
    }
    plan.set(type.name, { refs, nested });
  }

  // Handlers (queries, mutations, subscriptions, field resolvers) of the included resolvers.
  const handlers = [
    ...storage.queries.map((h) => ({ h, type: schema.getQueryType()?.name })),
    ...storage.mutations.map((h) => ({ h, type: schema.getMutationType()?.name })),
    ...storage.subscriptions.map((h) => ({ h, type: schema.getSubscriptionType()?.name })),
    ...storage.fieldResolvers.map((h) => ({
      h,
      type: storage.objectTypes.find((o) => o.target === (h.getObjectType?.() ?? h.resolverClassMetadata?.getObjectType?.()))?.name,
    })),
  ];
  const handlerOf = new Map<string, (typeof handlers)[number]['h']>();
  for (const entry of handlers)
    if (entry.type && included.has(entry.h.target as ClassType)) handlerOf.set(`${entry.type}.${entry.h.schemaName}`, entry.h);

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const handler = handlerOf.get(`${type.name}.${field.name}`);
      for (const arg of field.args) {
        const declaration = handler ? referenceArg(handler.target as ClassType, handler.methodName, arg.name) : undefined;
        if (declaration) {
          setReference(arg, declaration, typeNameOf);
          argDeclarations.set(arg, declaration);
        } else if (getNamedType(arg.type).name === 'ID') {
          const owner = handler ? ownerOf(handler.target as ClassType) : 'an unknown contributor';
          problems.push(
            `${type.name}.${field.name}(${arg.name}: ${String(arg.type)}) of ${owner} names a row by id without declaring it: use @RefArg('${arg.name}', () => TheEntity) instead of @Arg, so core loads it and applies the caller's places.`,
          );
        }
      }
      wrapInputConversion(field, plan);
    }
  }
  return problems;
}

function usedBy(schema: GraphQLSchema, inputName: string): string {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => getNamedType(a.type).name === inputName)) return `${type.name}.${field.name}`;
    }
  }
  return 'no field';
}

/** Whether values of the input type `typeName` may hold references (directly or in nested input objects). */
function holdsRefs(typeName: string, plan: InputPlan, seen = new Set<string>()): boolean {
  const entry = plan.get(typeName);
  if (!entry || seen.has(typeName)) return false;
  seen.add(typeName);
  if (entry.refs.size) return true;
  for (const nested of entry.nested.values()) if (holdsRefs(nested, plan, seen)) return true;
  return false;
}

function convertValue(value: unknown, typeName: string, plan: InputPlan, path: string): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => convertValue(item, typeName, plan, `${path}.${i}`));
    return;
  }
  const entry = plan.get(typeName);
  if (!entry || typeof value !== 'object') return;
  convertInputRefs(value as Record<string, unknown>, entry.refs, path);
  for (const [field, nestedType] of entry.nested)
    convertValue((value as Record<string, unknown>)[field], nestedType, plan, `${path}.${field}`);
}

function wrapInputConversion(field: GraphQLField<unknown, unknown>, plan: InputPlan): void {
  const carrying = field.args.filter((arg: GraphQLArgument) => holdsRefs(getNamedType(arg.type).name, plan));
  const convert = (args: Record<string, unknown>) => {
    for (const arg of carrying) convertValue(args[arg.name], getNamedType(arg.type).name, plan, arg.name);
  };
  const resolve: GraphQLFieldResolver<unknown, unknown> | undefined = field.resolve;
  if (resolve && carrying.length) {
    field.resolve = (source, args: Record<string, unknown>, ctx, info) => {
      convert(args);
      return resolve(source, args, ctx, info);
    };
  }
  // A subscription's source stream is not a type-graphql resolver: its reference arguments are converted here too.
  const subscribe = field.subscribe;
  const refArgs = field.args.filter((arg) => argDeclarations.has(arg));
  if (subscribe && (carrying.length || refArgs.length)) {
    field.subscribe = (source, args: Record<string, unknown>, ctx, info) => {
      convert(args);
      for (const arg of refArgs) if (arg.name in args) args[arg.name] = toRefs(argDeclarations.get(arg)!, args[arg.name], arg.name);
      return subscribe(source, args, ctx, info);
    };
  }
}
