import type { GraphQLError } from 'graphql';
import { credentialError, DomainError } from '../command/domain-error.js';
import type { GongzhiContext } from '../context.js';
import { Person } from '../person/person.entity.js';

/**
 * An error a client can act on: `code` says what kind of problem it is (`BAD_USER_INPUT`,
 * `NOT_FOUND`, `CONFLICT`, or a domain code such as `SLOT_FULL`), `argument` names the input
 * at fault, and the message says what would be right. Inside a command it becomes a payload
 * error (after rollback, so nothing is written); `UNAUTHENTICATED` is always a top-level error.
 */
export function userError(code: string, message: string, argument?: string | null, extra: Record<string, unknown> = {}): GraphQLError {
  if (code === 'UNAUTHENTICATED') return credentialError(message);
  return new DomainError(code, message, argument ?? null, extra);
}

/**
 * The person on whose behalf the operation runs (a signed-in person). Mutations that record
 * who did something take the actor from here, never from an argument a caller could forge.
 */
export async function actingPerson(ctx: GongzhiContext): Promise<Person> {
  const caller = ctx.caller;
  if (!caller || caller.kind !== 'person') {
    throw userError(
      'UNAUTHENTICATED',
      'This operation records who did it: sign in as a person (a person token), not anonymously or with an API key.',
    );
  }
  const person = await ctx.em.findOne(Person, { uuid: caller.id });
  if (!person) throw userError('UNAUTHENTICATED', 'The signed-in person no longer exists.');
  return person;
}
