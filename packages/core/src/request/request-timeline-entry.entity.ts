import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Person } from '../person/person.entity.js';
import { RequestStatus } from './request.entity.js';
import { Request } from './request.entity.js';
import { GlobalIdEntity } from '../relay/node-entity.js';

/** One change in a request's life. Append-only: the database refuses updates and deletes. */
@Entity({ tableName: 'request_timeline' })
@ObjectType({ description: 'One change in the life of a request: who, when, from, to, and a note.' })
export class RequestTimelineEntry extends GlobalIdEntity<'at'> {
  @ManyToOne(() => Request, { deleteRule: 'cascade' })
  request!: Request;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'created, imported, status, claimed, assigned, escalated, progress, deadline, rated…' })
  action!: string;

  @Enum({ items: () => RequestStatus, nativeEnumName: 'request_status', nullable: true })
  @Field(() => RequestStatus, { nullable: true })
  fromStatus?: RequestStatus | null;

  @Enum({ items: () => RequestStatus, nativeEnumName: 'request_status', nullable: true })
  @Field(() => RequestStatus, { nullable: true })
  toStatus?: RequestStatus | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, description: 'Who made the change, when known.' })
  actor?: Person | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Who made the change when it was not a signed-in person: "API key", or "system: grid.escalation" for a job.',
  })
  actorLabel?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  note?: string | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'For a deadline change: the due time before (null when there was none).' })
  fromDueAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'For a deadline change: the new due time (null when it was removed).' })
  toDueAt?: Date | null;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  at!: Date;

  /** Insertion order, numbered by the database: entries of one unit of work share `at`. */
  @Property({ type: 'bigint', nullable: true })
  seq?: string;
}
