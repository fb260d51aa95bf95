import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Organization } from '../organization/organization.entity.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';
import { registerEnumType } from 'type-graphql';

export enum RequestKind {
  NEED = 'need',
  COMPLAINT = 'complaint',
  REPORT = 'report',
  PRAISE = 'praise',
  WISH = 'wish',
}

export enum RequestChannel {
  HOTLINE_12345 = 'hotline_12345',
  PHONE = 'phone',
  CHAT_GROUP = 'chat_group',
  HOUSEHOLD_VISIT = 'household_visit',
  MOBILE_REPORT = 'mobile_report',
  WISH_WALL = 'wish_wall',
}

export enum RequestStatus {
  SUBMITTED = 'submitted',
  ACCEPTED = 'accepted',
  ASSIGNED = 'assigned',
  CLAIMED = 'claimed',
  IN_PROGRESS = 'in_progress',
  RESOLVED = 'resolved',
  CLOSED = 'closed',
  REJECTED = 'rejected',
  ESCALATED = 'escalated',
}

/** Who handles it: small matters stay in the grid, big ones in the community, hard ones go up. */
export enum RequestLevel {
  GRID = 'grid',
  COMMUNITY = 'community',
  SUBDISTRICT = 'subdistrict',
}

export enum RequestPriority {
  LOW = 'low',
  NORMAL = 'normal',
  HIGH = 'high',
  URGENT = 'urgent',
}

registerEnumType(RequestKind, { name: 'RequestKind', description: 'Need, complaint, report, praise (表扬) or wish (微心愿).' });
registerEnumType(RequestChannel, { name: 'RequestChannel', description: 'How the request reached the community.' });
registerEnumType(RequestStatus, { name: 'RequestStatus', description: 'Where the request is in its life.' });
registerEnumType(RequestLevel, { name: 'RequestLevel', description: 'Grid, community or subdistrict (小事不出网格、大事不出社区).' });
registerEnumType(RequestPriority, { name: 'RequestPriority' });

const S = RequestStatus;

/**
 * The legal moves of the state machine, for moves made with `changeRequestStatus`.
 * Assigning, claiming and escalating have their own mutations, because they carry more
 * than a status (an assignee, a level); they follow the same table.
 */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  [S.SUBMITTED]: [S.ACCEPTED, S.REJECTED, S.ESCALATED],
  [S.ACCEPTED]: [S.ASSIGNED, S.CLAIMED, S.IN_PROGRESS, S.REJECTED, S.ESCALATED],
  [S.ASSIGNED]: [S.IN_PROGRESS, S.ESCALATED],
  [S.CLAIMED]: [S.IN_PROGRESS, S.ESCALATED],
  [S.IN_PROGRESS]: [S.RESOLVED, S.ESCALATED],
  [S.RESOLVED]: [S.CLOSED, S.IN_PROGRESS],
  [S.ESCALATED]: [S.ACCEPTED, S.REJECTED],
  [S.CLOSED]: [],
  [S.REJECTED]: [],
};

/** Statuses still being worked on (not resolved, closed or rejected): what boards show as open. */
export const OPEN_STATUSES: readonly RequestStatus[] = [S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.CLAIMED, S.IN_PROGRESS, S.ESCALATED];

/** The next level up, or null at the top. */
export function levelAbove(level: RequestLevel): RequestLevel | null {
  if (level === RequestLevel.GRID) return RequestLevel.COMMUNITY;
  if (level === RequestLevel.COMMUNITY) return RequestLevel.SUBDISTRICT;
  return null;
}

/**
 * A request (诉求 / 工单): anything a resident or worker needs done, reports or praises.
 * `placePath` copies the place's materialized path so "all requests under X" is one
 * indexed prefix query without a join.
 */
@Entity({ tableName: 'request' })
@Index({ name: 'request_place_path_idx', expression: 'create index "request_place_path_idx" on "request" ("place_path" text_pattern_ops)' })
@ObjectType({ implements: Node, description: 'A request (诉求 / 工单): need, complaint, report, praise or wish.' })
export class Request extends NodeEntity<'updatedAt' | 'status' | 'level' | 'priority' | 'version'> {
  @Enum({ items: () => RequestKind, nativeEnumName: 'request_kind' })
  @Field(() => RequestKind)
  kind!: RequestKind;

  @Enum({ items: () => RequestChannel, nativeEnumName: 'request_channel' })
  @Field(() => RequestChannel)
  channel!: RequestChannel;

  @Property({ type: 'text', nullable: true, unique: true })
  @Field(() => String, { nullable: true, description: 'The 12345 hotline work-order number, for hotline orders.' })
  externalOrderNo?: string | null;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  category?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, rows: true })
  requester?: Person | null;

  /** Sensitive: exposed only through RequestResolver.callbackPhone, which checks and logs each read. */
  @Property({ type: 'text', nullable: true })
  callbackPhone?: string | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { rows: true })
  place!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @Enum({ items: () => RequestPriority, nativeEnumName: 'request_priority' })
  @Field(() => RequestPriority)
  priority: RequestPriority = RequestPriority.NORMAL;

  @Enum({ items: () => RequestLevel, nativeEnumName: 'request_level' })
  @Field(() => RequestLevel)
  level: RequestLevel = RequestLevel.GRID;

  @Enum({ items: () => RequestStatus, nativeEnumName: 'request_status' })
  @Field(() => RequestStatus)
  status: RequestStatus = RequestStatus.SUBMITTED;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, rows: true, description: 'Who claimed it or was assigned it.' })
  assignee?: Person | null;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'set null', fieldName: 'dispatched_to_id' })
  @RelationField(() => Organization, {
    nullable: true,
    rows: true,
    description: 'The partner unit (共建单位) the community dispatched it to (下单); its members may see and claim it (接单).',
  })
  dispatchedTo?: Organization | null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null', fieldName: 'duplicate_of_id' })
  @RelationField(() => Request, {
    nullable: true,
    rows: true,
    description:
      'For a duplicate (重复件: the same problem reported again), the request it was merged into, which is handled for both; null if you may not see that one.',
  })
  duplicateOf?: Request | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, rows: true, description: 'For praise: the person praised.' })
  praisedPerson?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  dueAt?: Date | null;

  /** When `request.due-soon` reminded of `dueAt` (once per deadline; moving it clears this). */
  @Property({ type: 'datetime', nullable: true })
  dueRemindedAt?: Date | null;

  @Property({ type: 'smallint', nullable: true })
  @Field(() => Int, { nullable: true, description: "The requester's rating, 1 to 5." })
  rating?: number | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: "The requester's thanks." })
  thanks?: string | null;

  /** Bumped by every change; conditional updates compare it. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
