import { GraphQLError } from 'graphql';

/**
 * An outcome a client handles: bad input, a row not found, an illegal transition, a lost race,
 * too little balance, a refusal on a row the caller may see. Thrown inside a command, it rolls
 * the unit of work back and reaches the client as `errors { code message field }` in the
 * mutation's payload; thrown by a query resolver, it is a GraphQL error with
 * `extensions.code` (and `extensions.field`).
 *
 * Codes are UPPER_SNAKE_CASE: core's are `BAD_USER_INPUT`, `NOT_FOUND`, `FORBIDDEN`,
 * `CONFLICT`, `ILLEGAL_TRANSITION`, `ALREADY_CLAIMED`; plugins add their own (`SLOT_FULL`).
 */
export class DomainError extends GraphQLError {
  constructor(
    /** What kind of outcome it is; clients switch on it. */
    readonly code: string,
    message: string,
    /** The input at fault (`teamId`, `input.placeId`), when one is. */
    readonly field: string | null = null,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...(field ? { field, argument: field } : {}), ...extra } });
    this.name = 'DomainError';
  }
}

/**
 * A problem with the caller's credentials (none, bad, or the wrong kind): always a top-level
 * GraphQL error with `extensions.code` `UNAUTHENTICATED`, never a payload error.
 */
export function credentialError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** The answer for a row that does not exist or that the caller may not see: the two are indistinguishable. */
export function notFound(typeName: string, field: string): DomainError {
  return new DomainError('NOT_FOUND', `No ${typeName} has the id given in "${field}".`, field);
}
