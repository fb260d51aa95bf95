import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Person } from '../person/person.entity.js';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';
import { Organization } from './organization.entity.js';

/**
 * A membership that ended (`removeOrganizationMember`): who was in a partner unit, a committee or
 * a company, in what role, from when to when. Members see what was dispatched to their unit, so
 * who was a member when is part of the record; the membership itself is gone, and with it what
 * it let them see.
 */
@Entity({ tableName: 'organization_former_member' })
@ObjectType({ implements: Node, description: 'A membership of an organisation that ended: who, in what role, from when to when.' })
export class OrganizationFormerMember extends NodeEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  @RelationField(() => Organization, {
    nullable: true,
    description: 'The organisation; null to whoever may not see it now (the former member, once it is theirs no longer).',
  })
  organization!: Organization;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'The role they had (secretary, member, director…).' })
  role!: string;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'The day they joined, YYYY-MM-DD.' })
  joinedOn!: string;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'The day they left, YYYY-MM-DD (on the district calendar).' })
  leftOn!: string;
}
