import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';

/** Kinds of organisation taking part in co-governance (共建单位 and the community's own bodies). */
export enum OrganizationKind {
  PARTY_BRANCH = 'party_branch',
  RESIDENTS_COMMITTEE = 'residents_committee',
  OWNERS_COMMITTEE = 'owners_committee',
  PROPERTY_COMPANY = 'property_company',
  RESIDENT_UNIT = 'resident_unit',
  SOCIAL_ORGANIZATION = 'social_organization',
  COMPANY = 'company',
  CHAMBER_OF_COMMERCE = 'chamber_of_commerce',
  GOVERNMENT_OFFICE = 'government_office',
}

registerEnumType(OrganizationKind, {
  name: 'OrganizationKind',
  description:
    'Party branch, residents committee (居委会), owners committee (业委会), property company, resident unit (驻区单位), social organisation, company, chamber of commerce, government office.',
});

/** An organisation attached to the place it belongs to. */
@Entity({ tableName: 'organization' })
@ObjectType({ implements: Node, description: 'An organisation: party branch, residents committee, property company, resident unit…' })
export class Organization extends NodeEntity {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Enum({ items: () => OrganizationKind, nativeEnumName: 'organization_kind' })
  @Field(() => OrganizationKind)
  kind!: OrganizationKind;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { description: 'The place the organisation belongs to.' })
  place!: Place;
}
