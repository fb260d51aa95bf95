import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { Place } from '../place/place.entity.js';
import { toGlobalId } from '../relay/global-id.js';
import { Node } from '../relay/node.js';

/**
 * A person: resident, worker or volunteer. Only the public profile lives here; care
 * attributes (health, living alone…) are sensitive and kept apart in CareProfile.
 */
@Entity({ tableName: 'person' })
@ObjectType({ implements: Node, description: 'A person: resident, social worker, grid worker, volunteer…' })
export class Person implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Person', this.uuid);
  }

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  /** Sensitive: exposed only through PersonResolver.phone, which checks and logs each read. */
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @ManyToOne(() => Place, { nullable: true, deleteRule: 'set null' })
  household?: Place | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
