import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Person } from '../person/person.entity.js';
import { Node } from '../relay/node.js';
import { Organization } from './organization.entity.js';
import { NodeEntity } from '../relay/node-entity.js';

/** A person's membership of an organisation; a person is a member at most once. */
@Entity({ tableName: 'organization_member' })
@Unique({ name: 'organization_member_organization_id_person_id_unique', properties: ['organization', 'person'] })
@ObjectType({ implements: Node, description: 'A person in an organisation, with their role there.' })
export class OrganizationMember extends NodeEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  @RelationField(() => Organization)
  organization!: Organization;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'Role in the organisation (secretary, member, director…).' })
  role!: string;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'YYYY-MM-DD.' })
  joinedOn!: string;
}
