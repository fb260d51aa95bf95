import { type GraphQLSchema, getNamedType, getNullableType, isListType, isNonNullType, isObjectType } from 'graphql';
import { Field, ObjectType } from 'type-graphql';
import { PluginCompositionError } from '../errors.js';
import type { ClassType } from '../plugin/plugin.js';

/** One outcome that stopped a mutation (nothing was written): what was wrong and what would be right. */
@ObjectType('UserError', { description: 'Why a mutation did not happen; nothing was written. Clients switch on `code`.' })
export class UserError {
  @Field(() => String, {
    description:
      'What kind of outcome: BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, CONFLICT, ILLEGAL_TRANSITION, ALREADY_CLAIMED, or a plugin code such as SLOT_FULL.',
  })
  code!: string;

  @Field(() => String, { description: 'What was wrong and what would be right.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input at fault (e.g. "teamId", "input.placeId"), if one is.' })
  field?: string | null;
}

/** Where a payload class keeps the name of its result field. */
const RESULT_FIELD = Symbol('gongzhi.payload.resultField');

/** A payload class made by {@link payloadType}: the result field (null when `errors` is not empty) and `errors`. */
export interface PayloadClass<P = object> {
  new (): P;
  readonly [RESULT_FIELD]: string;
}

/** What every payload carries. */
export interface Payload {
  errors: UserError[];
}

/** What a payload declared with {@link payloadType} carries: its result field `F` holding `R` (null when `errors` is not empty), and `errors`. */
export type PayloadOf<F extends string, R> = { [K in F]: R | null } & Payload;

/** Options of {@link payloadType}. */
export interface PayloadTypeOptions {
  description?: string;
  extra?: Record<string, { type: () => unknown; description: string; whenFailed: unknown }>;
}

/**
 * Declares the payload type of mutations returning `type`: `{ <field>: T, errors: [UserError!]! }`.
 * Domain outcomes travel in `errors` (the result is then null); only credentials, operation-wide
 * permissions, limits and faults are top-level errors. One payload type may serve several
 * mutations returning the same thing.
 *
 * ```ts
 * export const VolunteerTeamPayload = payloadType('VolunteerTeamPayload', 'team', () => VolunteerTeam);
 * ```
 *
 * Its TypeScript type follows from `field` and `type` (`PayloadOf<'team', VolunteerTeam>`), so
 * a resolver returning `perform(ctx, VolunteerTeamPayload, …)` needs no type of its own.
 *
 * `extra` adds non-null fields of the payload's own (e.g. `created: Boolean!` of an idempotent
 * import), each with the value it has when errors stopped the mutation; name the whole shape
 * then: `payloadType<{ request: Request | null; created: boolean }>(…)`.
 */
export function payloadType<F extends string, T>(
  name: string,
  field: F,
  type: () => [abstract new (...args: never[]) => T],
  options?: PayloadTypeOptions,
): PayloadClass<PayloadOf<F, T[]>>;
export function payloadType<F extends string, T>(
  name: string,
  field: F,
  type: () => abstract new (...args: never[]) => T,
  options?: PayloadTypeOptions,
): PayloadClass<PayloadOf<F, T>>;
export function payloadType<P extends object>(
  name: string,
  field: string,
  type: () => ClassType | [ClassType],
  options?: PayloadTypeOptions,
): PayloadClass<P & Payload>;
export function payloadType(
  name: string,
  field: string,
  type: () => ClassType | [ClassType],
  options: PayloadTypeOptions = {},
): PayloadClass<Payload> {
  const extra = Object.entries(options.extra ?? {});
  class GeneratedPayload {
    errors: UserError[] = [];
    constructor() {
      for (const [extraName, spec] of extra) (this as Record<string, unknown>)[extraName] = spec.whenFailed;
    }
  }
  Object.defineProperty(GeneratedPayload, 'name', { value: name });
  Object.defineProperty(GeneratedPayload, RESULT_FIELD, { value: field });
  ObjectType(name, { description: options.description ?? `What ${field} a mutation produced, or the errors that stopped it.` })(
    GeneratedPayload,
  );
  Field(() => [UserError], { description: 'Why the mutation did not happen (empty when it did); nothing was written.' })(
    GeneratedPayload.prototype,
    'errors',
  );
  Field(type as () => ClassType, { nullable: true, description: 'The result; null when errors is not empty.' })(
    GeneratedPayload.prototype,
    field,
  );
  for (const [extraName, spec] of extra)
    Field(spec.type as () => ClassType, { description: spec.description })(GeneratedPayload.prototype, extraName);
  return GeneratedPayload as unknown as PayloadClass<Payload>;
}

/** The name of a payload class's result field. */
export function resultFieldOf(payload: PayloadClass): string {
  return payload[RESULT_FIELD];
}

/**
 * Checks at start-up that every mutation answers with a payload carrying `errors: [UserError!]!`,
 * so domain outcomes reach clients the same way everywhere (a plugin cannot forget).
 */
export function checkMutationPayloads(schema: GraphQLSchema, ownerOf: (mutation: string) => string): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  const problems: string[] = [];
  for (const field of Object.values(mutation.getFields())) {
    const type = getNullableType(field.type);
    const errors = isObjectType(type) ? type.getFields().errors : undefined;
    const ok =
      !!errors &&
      isNonNullType(errors.type) &&
      isListType(getNullableType(errors.type)) &&
      getNamedType(errors.type).name === 'UserError' &&
      isNonNullType((getNullableType(errors.type) as { ofType: unknown }).ofType as never);
    if (!ok) {
      problems.push(
        `mutation ${field.name} of ${ownerOf(field.name)} returns ${String(field.type)}, not a payload with errors: [UserError!]!. Fix: return payloadType('…Payload', '…', () => ${getNamedType(field.type).name}) and run the work as a command (perform(ctx, Payload, command, input)).`,
      );
    }
  }
  if (problems.length)
    throw new PluginCompositionError(`Every mutation answers with a payload (see the README's error model): ${problems.join(' ')}`);
}
