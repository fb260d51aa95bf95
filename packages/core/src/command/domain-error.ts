import { GraphQLError } from 'graphql';
import { ISSUED_BY_CATALOG } from '../i18n/issue.js';

/**
 * An outcome a client handles: bad input, a row not found, an illegal transition, a lost race,
 * too little balance, a refusal on a row the caller may see. Thrown inside a command, it rolls
 * the unit of work back and reaches the client as `errors { code message field }` in the
 * mutation's payload; thrown by a query resolver, it is a GraphQL error with
 * `extensions.code` (and `extensions.field`).
 *
 * Codes are UPPER_SNAKE_CASE: core's are `BAD_USER_INPUT`, `NOT_FOUND`, `FORBIDDEN`,
 * `CONFLICT`, `ILLEGAL_TRANSITION`, `ALREADY_CLAIMED`; plugins add their own (`SLOT_FULL`).
 *
 * Only message catalogs make them (`messages.slotFull.error({ shift }, 'shiftId')`, see
 * `defineMessages`), so each has its text in every locale: the constructor refuses other callers.
 */
export class DomainError extends GraphQLError {
  constructor(
    issuer: typeof ISSUED_BY_CATALOG,
    /** What kind of outcome it is; clients switch on it. */
    readonly code: string,
    message: string,
    /** The input at fault (`teamId`, `input.placeId`), when one is. */
    readonly field: string | null = null,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...(field ? { field, argument: field } : {}), ...extra } });
    if (issuer !== ISSUED_BY_CATALOG)
      throw new TypeError('Make a DomainError from a message catalog (defineMessages): messages.someOutcome.error(...).');
    this.name = 'DomainError';
  }
}
