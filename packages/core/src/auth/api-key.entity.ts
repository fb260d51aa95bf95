import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';

/**
 * An API key of a district app: scoped to place subtrees and a set of permissions. Only a
 * SHA-256 hash of the secret is stored; the key itself is shown once, when it is created.
 */
@Entity({ tableName: 'api_key' })
@ObjectType({ implements: Node, description: 'An API key of a district app (the secret is never shown again after creation).' })
export class ApiKey extends NodeEntity<'revokedAt' | 'lastUsedAt' | 'previousPrefix' | 'previousSecretHash' | 'previousSecretExpiresAt'> {
  @Property({ type: 'text' })
  @Field(() => String, { description: 'What the key is for, e.g. the app that uses it.' })
  name!: string;

  @Property({ type: 'text', unique: true })
  @Field(() => String, { description: 'The public start of the key (gz_xxxxxxxx), to recognise it in lists and logs.' })
  prefix!: string;

  @Property({ type: 'text' })
  secretHash!: string;

  /** The public start of the secret before the last rotation, which still works until `previousSecretExpiresAt`. */
  @Property({ type: 'text', nullable: true, unique: true })
  previousPrefix?: string | null = null;

  @Property({ type: 'text', nullable: true })
  previousSecretHash?: string | null = null;

  @Property({ type: 'datetime', nullable: true, fieldName: 'previous_expires_at' })
  @Field(() => Date, {
    nullable: true,
    description: 'Until when the secret before the last rotation also works (rotateApiKey with graceSeconds); null or past: it does not.',
  })
  previousSecretExpiresAt?: Date | null = null;

  /** Places whose subtrees the key sees; empty means everywhere. */
  @Property({ type: 'uuid[]' })
  placeIds!: string[];

  @Property({ type: 'text[]' })
  @Field(() => [String])
  permissions!: string[];

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  revokedAt?: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt?: Date | null = null;
}
