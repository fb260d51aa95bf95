import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';

/**
 * A person's care attributes (living alone, elderly, illness, disability): sensitive data,
 * one row per person. Kept as its own GraphQL type, reached only through `Person.careProfile`,
 * so that access control (security issue) can guard the type and that one field in one place.
 */
@Entity({ tableName: 'care_profile' })
@ObjectType({ description: 'Sensitive care attributes of one person (独居, elderly, illness, disability).' })
export class CareProfile {
  [OptionalProps]?: 'updatedAt';

  /** The person's uuid: the row is keyed by person, one profile each. */
  @PrimaryKey({ type: 'uuid', fieldName: 'person_id' })
  personUuid!: string;

  @Property({ type: 'boolean' })
  @Field(() => Boolean, { description: 'Lives alone (独居).' })
  livesAlone!: boolean;

  @Property({ type: 'boolean' })
  @Field(() => Boolean)
  elderly!: boolean;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  chronicIllness?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  disability?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
