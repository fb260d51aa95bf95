import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';

/**
 * A person: resident, worker or volunteer. Only the public profile lives here; care
 * attributes (health, living alone…) are sensitive and kept apart in CareProfile.
 */
@Entity({ tableName: 'person' })
@ObjectType({ implements: Node, description: 'A person: resident, social worker, grid worker, volunteer…' })
export class Person extends NodeEntity {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  /** Sensitive: exposed only through PersonResolver.phone, which checks and logs each read. */
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @ManyToOne(() => Place, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Place, { nullable: true, rows: true, description: 'The household the person lives in.' })
  household?: Place | null;

  /** Set when the person's personal data was erased (`erasePersonalData`); the row stays, pseudonymised. */
  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When the personal data of this person was erased (their name then reads "（已删除）"); null while it was not.',
  })
  erasedAt?: Date | null;
}
