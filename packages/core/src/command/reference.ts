import { createParameterDecorator, Field, ID } from 'type-graphql';
import type { ClassType } from '../plugin/plugin.js';
import { fromGlobalId, isUuid, toGlobalId } from '../relay/global-id.js';
import { Node } from '../relay/node.js';
import { type DomainError } from './domain-error.js';
import { coreMessages } from '../i18n/core-messages.js';

/** The entity a reference names; `Node` accepts a row of any type (as `node(id:)` does). */
export type RefTarget<T extends object = object> = () => ClassType & { prototype: T };

/** Reads a reference's local id; only core's resolution does (see {@link refUuid}). */
let uuidOf: (ref: Ref<object>) => string;

/**
 * A row an operation names by its global id, not yet loaded. Resolvers receive these for every
 * declared reference ({@link RefArg}, {@link RefField}) and pass them to a command; core loads
 * each inside the command's unit of work, applies the caller's place rules, and hands the
 * command the row. A row the caller may not see answers exactly like a made-up id (`NOT_FOUND`).
 * There is deliberately no public way to read the id and load the row around these checks.
 */
export class Ref<T extends object = object> {
  // A private field, not a module's WeakMap: an operation's references die young (the Attached class explains why that matters).
  readonly #uuid: string;

  static {
    uuidOf = (ref) => (#uuid in ref ? ref.#uuid : '');
  }

  /** @internal */
  constructor(
    /** The GraphQL type named by the id (for `Node` references, whatever the id says). */
    readonly typeName: string,
    uuid: string,
    /** The input that named the row (`teamId`, `input.placeId`, `input.memberIds.2`), for error messages. */
    readonly field: string,
    /** The entity declared for the input; `Node` for any type. */
    readonly target: RefTarget<T>,
    /** Why the id is unusable (not an id of the declared type), reported when the reference is resolved. */
    readonly problem: DomainError | null = null,
  ) {
    this.#uuid = uuid;
  }

  /** The global id as the client gave it (cursors sign the filters they came from). */
  toJSON(): string {
    return toGlobalId(this.typeName, this.#uuid);
  }
}

/** The local id of a reference: for core's resolution only. */
export function refUuid(ref: Ref<object>): string {
  return uuidOf(ref);
}

/** The GraphQL type name of an entity class (type-graphql's name when it differs from the class). */
export type TypeNameOf = (target: ClassType) => string;

/** Parses a global id given for a declared reference into a {@link Ref}; never throws. */
export function toRef<T extends object>(globalId: string, target: RefTarget<T>, field: string, typeNameOf: TypeNameOf): Ref<T> {
  const expected = target() === (Node as unknown) ? null : typeNameOf(target());
  const parsed = typeof globalId === 'string' ? fromGlobalId(globalId) : null;
  if (!parsed || !isUuid(parsed.id) || (expected && parsed.type !== expected)) {
    return new Ref<T>(
      expected ?? 'Node',
      '00000000-0000-0000-0000-000000000000',
      field,
      target,
      expected ? coreMessages.badIdOfType.error({ field, expected }, field) : coreMessages.badGlobalId.error({ field }, field),
    );
  }
  return new Ref<T>(parsed.type, parsed.id, field, target);
}

/** How an argument or input field names rows. */
export interface ReferenceDeclaration {
  target: RefTarget;
  list: boolean;
}

/** Reference arguments by resolver class, method and argument name; input fields by class and property. */
const argDeclarations = new Map<ClassType, Map<string, Map<string, ReferenceDeclaration>>>();
const fieldDeclarations = new Map<ClassType, Map<string, ReferenceDeclaration>>();

/** The declaration of a reference argument, if `name` of `target.method` is one. */
export function referenceArg(target: ClassType, method: string, name: string): ReferenceDeclaration | undefined {
  return argDeclarations.get(target)?.get(method)?.get(name);
}

/** The declaration of a reference input field of `inputClass` (or a class it extends). */
export function referenceField(inputClass: ClassType, property: string): ReferenceDeclaration | undefined {
  for (let c: ClassType | null = inputClass; c && c !== Function.prototype; c = Object.getPrototypeOf(c) as ClassType | null) {
    const found = fieldDeclarations.get(c)?.get(property);
    if (found) return found;
  }
  return undefined;
}

/** Options of a reference argument or input field. */
export interface RefOptions {
  nullable?: boolean;
  description?: string;
  deprecationReason?: string;
  /** For lists: the default when the client gives none (only `[]` makes sense). */
  defaultValue?: [];
}

/** Where the resolver finds the function that names types (set once by the platform). */
let typeNames: TypeNameOf = (target) => target.name;
/** @internal The platform tells references how to name entity types. */
export function useTypeNames(names: TypeNameOf): void {
  typeNames = names;
}

function converter(target: RefTarget, list: boolean, name: string) {
  return (value: unknown): unknown => {
    if (value === null || value === undefined || value instanceof Ref) return value;
    if (list) return (value as unknown[]).map((id, i) => (id instanceof Ref ? id : toRef(id as string, target, `${name}.${i}`, typeNames)));
    return toRef(value as string, target, name, typeNames);
  };
}

/**
 * Declares an argument that names a row by its global id (`ID` in the schema) and passes the
 * resolver a {@link Ref} (or `Ref[]` for `[() => Entity]`): the host refuses to start when a
 * query or mutation takes an `ID` argument declared any other way.
 *
 * ```ts
 * addVolunteerTeamMember(@RefArg('teamId', () => VolunteerTeam) team: Ref<VolunteerTeam>, …)
 * ```
 */
export function RefArg(name: string, target: () => [ClassType] | ClassType, options: RefOptions = {}): ParameterDecorator {
  return (prototype, propertyKey, parameterIndex) => {
    if (propertyKey === undefined) throw new Error(`@RefArg('${name}') belongs on a resolver method's parameter, not a constructor's.`);
    const { entity, list } = unwrap(target);
    const convert = converter(entity, list, name);
    const byMethod =
      argDeclarations.get(prototype.constructor as ClassType) ??
      argDeclarations.set(prototype.constructor as ClassType, new Map()).get(prototype.constructor as ClassType)!;
    const method = String(propertyKey);
    (byMethod.get(method) ?? byMethod.set(method, new Map()).get(method)!).set(name, { target: entity, list });
    createParameterDecorator(({ args }) => convert((args as Record<string, unknown>)[name]), {
      arg: {
        name,
        typeFunc: list ? () => [ID] : () => ID,
        options: {
          nullable: options.nullable,
          description: options.description,
          deprecationReason: options.deprecationReason,
          defaultValue: options.defaultValue,
        },
      },
    })(prototype, propertyKey, parameterIndex);
  };
}

/**
 * Declares an input field that names a row by its global id. The resolver finds a {@link Ref}
 * (or `Ref[]`) in the field; see {@link RefArg}.
 *
 * ```ts
 * @RefField(() => Organization, { nullable: true }) organizationId?: Ref<Organization> | null;
 * ```
 */
export function RefField(target: () => [ClassType] | ClassType, options: RefOptions = {}): PropertyDecorator {
  return (prototype, propertyKey) => {
    const { entity, list } = unwrap(target);
    const byField =
      fieldDeclarations.get(prototype.constructor as ClassType) ??
      fieldDeclarations.set(prototype.constructor as ClassType, new Map()).get(prototype.constructor as ClassType)!;
    byField.set(String(propertyKey), { target: entity, list });
    Field(list ? () => [ID] : () => ID, {
      nullable: options.nullable,
      description: options.description,
      deprecationReason: options.deprecationReason,
      defaultValue: options.defaultValue,
    })(prototype, propertyKey);
  };
}

/** Converts the raw value of a declared reference (a global id, or a list of them) into Refs. */
export function toRefs(declaration: ReferenceDeclaration, value: unknown, path: string): unknown {
  return converter(declaration.target, declaration.list, path)(value);
}

/** Converts the declared reference fields of a raw input object (as graphql-js hands it over) into Refs. */
export function convertInputRefs(value: Record<string, unknown>, refs: ReadonlyMap<string, ReferenceDeclaration>, path: string): void {
  for (const [property, declaration] of refs) {
    if (property in value) value[property] = converter(declaration.target, declaration.list, `${path}.${property}`)(value[property]);
  }
}

function unwrap(target: () => [ClassType] | ClassType): { entity: RefTarget; list: boolean } {
  return {
    entity: () => {
      const t = target();
      return Array.isArray(t) ? t[0] : t;
    },
    list: (() => {
      try {
        return Array.isArray(target());
      } catch {
        return false;
      }
    })(),
  };
}
