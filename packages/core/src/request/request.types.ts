import { createHash } from 'node:crypto';
import { Field, InputType, ObjectType } from 'type-graphql';
import { type Ref, RefField } from '../command/reference.js';
import { Organization } from '../organization/organization.entity.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { RequestKind, RequestLevel, RequestStatus } from './request.entity.js';
import { Request } from './request.entity.js';
import { payloadType } from '../command/payload.js';
import { coreMessages } from '../i18n/core-messages.js';

@InputType({ description: 'Filters for requests; all given filters must match.' })
export class RequestFilter {
  @RefField(() => Place, { nullable: true, description: 'Only requests at this place or anywhere under it.' })
  under?: Ref<Place>;

  @Field(() => [RequestStatus], { nullable: true })
  status?: RequestStatus[];

  @Field(() => [RequestKind], { nullable: true })
  kind?: RequestKind[];

  @Field(() => [RequestLevel], { nullable: true })
  level?: RequestLevel[];

  @RefField(() => Person, { nullable: true, description: 'Only requests assigned to or claimed by this person.' })
  assigneeId?: Ref<Person>;

  @RefField(() => Organization, { nullable: true, description: 'Only requests dispatched to this partner unit (下单).' })
  dispatchedToId?: Ref<Organization>;

  @Field(() => Date, { nullable: true, description: 'Created at or after.' })
  createdFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Created before.' })
  createdTo?: Date;

  @Field(() => String, { nullable: true, description: 'Words in the title or description (Chinese works: substring match).' })
  text?: string;
}

@ObjectType()
export class RequestEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Request)
  node!: Request;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

@ObjectType({ description: 'A page of requests, newest first.' })
export class RequestConnection {
  @Field(() => [RequestEdge])
  edges!: RequestEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

export const MAX_PAGE_SIZE = 100;

/** A fingerprint of the filter, so a cursor cannot be replayed against another query. */
export function filterSignature(filter: RequestFilter | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify(filter ?? {}))
    .digest('base64url')
    .slice(0, 10);
}

export function encodeCursor(request: Request, signature: string): string {
  return Buffer.from(`${signature}|${request.createdAt.toISOString()}|${request.uuid}`).toString('base64url');
}

export function decodeCursor(cursor: string, signature: string): { createdAt: Date; uuid: string } {
  const [sig, at, uuid] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!uuid || Number.isNaN(createdAt.getTime())) {
    throw coreMessages.afterNotCursor.error('after', { argument: 'after' });
  }
  if (sig !== signature) {
    throw coreMessages.afterOtherFilters.error('after', { argument: 'after' });
  }
  return { createdAt, uuid };
}

export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw coreMessages.firstPageSize.error({ max: MAX_PAGE_SIZE, first }, 'first', { argument: 'first', max: MAX_PAGE_SIZE });
  }
}

/** The changed request, or the errors that stopped the change. */
export const RequestPayload = payloadType<{ request: Request | null; created: boolean }>('RequestPayload', 'request', () => Request, {
  description: 'The changed request, or the errors that stopped the change (nothing was written).',
  extra: {
    created: { type: () => Boolean, description: 'False when an idempotent call found the request already there.', whenFailed: false },
  },
});
export type RequestPayload = InstanceType<typeof RequestPayload>;
