import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/** One changed field of an audited row: its value before and after, as JSON text (sensitive values redacted). */
@ObjectType({ description: 'One changed field: its value before and after, as JSON text; sensitive values read "[redacted]".' })
export class AuditChange {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true, description: 'JSON of the value before; null when the row was created.' })
  before?: string | null;

  @Field(() => String, { nullable: true, description: 'JSON of the value after; null when the row was deleted.' })
  after?: string | null;
}

/**
 * One change a command made to one row: who (person, API key, system), through which command,
 * to which row, which fields from what to what, when, at which places. Written by the command
 * path for every command (see `audit-trail.ts`); the table only grows (a trigger refuses
 * updates, deletes and truncation).
 */
@Entity({ tableName: 'audit_log' })
@ObjectType({ description: 'One change a command made to one row: who, which command, which fields from what to what, when.' })
export class AuditLogEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID, { description: 'The entry number; later entries have larger numbers.' })
  seq!: string;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  at!: Date;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'person, api-key, system or anonymous' })
  actorKind!: string;

  /** Uuid of the person or API key that acted. */
  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: "The actor's name at the time: a person's name, a key's name and prefix, or system: <job>." })
  actorName!: string;

  /** Uuid of the API key used, when the actor signed in with one. */
  @Property({ type: 'uuid', nullable: true })
  apiKeyId?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'The command the actor ran, e.g. organization.create, grid.assignWorker.' })
  action!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The command inside `action` that made this change (request.assign inside grid.routeRequest), if another.',
  })
  via?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'The GraphQL type of the row (Organization, PersonRole, Grid…), or the table written.' })
  entityType!: string;

  /** Uuid (or key) of the row; null for a summary of rows written outside the ORM. */
  @Property({ type: 'text', nullable: true })
  entityId?: string | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'create, update, delete, or write (rows written by SQL, counted: inserted, updated, deleted).' })
  operation!: string;

  @Property({ type: 'json' })
  changes!: Record<string, { before: unknown; after: unknown }>;

  @Property({ type: 'text[]' })
  placePaths!: string[];
}
