import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Request } from './request.entity.js';

/** Why a request mutation did not happen; clients switch on the code. */
export enum RequestErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  ALREADY_CLAIMED = 'ALREADY_CLAIMED',
  TOP_LEVEL = 'TOP_LEVEL',
  INVALID_INPUT = 'INVALID_INPUT',
}
registerEnumType(RequestErrorCode, { name: 'RequestErrorCode' });

@ObjectType({ description: 'A problem that stopped a request mutation; nothing was written.' })
export class RequestError {
  @Field(() => RequestErrorCode)
  code!: RequestErrorCode;

  @Field(() => String, { description: 'What was wrong and what would be right.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault, if one is.' })
  field?: string | null;
}

@ObjectType({ description: 'The changed request, or the errors that stopped the change.' })
export class RequestPayload {
  @Field(() => Request, { nullable: true })
  request?: Request | null;

  @Field(() => [RequestError])
  errors!: RequestError[];

  @Field(() => Boolean, { description: 'False when an idempotent call found the request already there.' })
  created: boolean = false;
}

/** Thrown inside a request operation; the resolver turns it into a RequestError, after rollback. */
export class RequestRuleError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}
