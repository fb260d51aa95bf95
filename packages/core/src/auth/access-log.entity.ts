import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * One read of sensitive personal data: who read whose data, which fields, when, through
 * which client. The table only grows (a trigger refuses updates and deletes).
 */
@Entity({ tableName: 'sensitive_access_log' })
@ObjectType({ description: 'One read of sensitive personal data (care profile, phone number).' })
export class SensitiveAccessLogEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID)
  seq!: string;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  at!: Date;

  /** 'person' or 'api-key'. */
  @Property({ type: 'text' })
  @Field(() => String, { description: 'person or api-key' })
  readerKind!: string;

  /** Uuid of the person or API key that read. */
  @Property({ type: 'uuid' })
  readerId!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: "The reader's name, or the API key's name and prefix." })
  readerName!: string;

  /** Uuid of the person whose data was read. */
  @Property({ type: 'uuid' })
  subjectId!: string;

  @Property({ type: 'text[]' })
  @Field(() => [String])
  fields!: string[];
}
