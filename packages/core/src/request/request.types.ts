import { Field, InputType } from 'type-graphql';
import { type Ref, RefField } from '../command/reference.js';
import { Organization } from '../organization/organization.entity.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { RequestKind, RequestLevel, RequestStatus } from './request.entity.js';
import { Request } from './request.entity.js';
import { payloadType } from '../command/payload.js';
import { type ConnectionPage, connectionType } from '../relay/connection.js';

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

  @RefField(() => Person, { nullable: true, description: 'Only requests this person submitted (or was recorded as asking for).' })
  requesterId?: Ref<Person>;

  @RefField(() => Organization, { nullable: true, description: 'Only requests dispatched to this partner unit (下单).' })
  dispatchedToId?: Ref<Organization>;

  @Field(() => Date, { nullable: true, description: 'Created at or after.' })
  createdFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Created before.' })
  createdTo?: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'Due at or before this time (with a deadline): with the open statuses, the work that runs out by then (即将超期), or is overdue (now).',
  })
  dueBefore?: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Words in the title, description or hotline order number, as typed (no spaces needed between Chinese words; case ignored). Two characters or more are found through an index of every two-character piece; one character reads every request.',
  })
  text?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only duplicates merged into another request (重复件); false: none of them (each problem once).',
  })
  duplicate?: boolean;
}

/** A page of requests, newest first. */
export const RequestConnection = connectionType(Request);
export type RequestConnection = ConnectionPage<Request>;

/** The changed request, or the errors that stopped the change. */
export const RequestPayload = payloadType<{ request: Request | null; created: boolean }>('RequestPayload', 'request', () => Request, {
  description: 'The changed request, or the errors that stopped the change (nothing was written).',
  extra: {
    created: { type: () => Boolean, description: 'False when an idempotent call found the request already there.', whenFailed: false },
  },
});
export type RequestPayload = InstanceType<typeof RequestPayload>;
