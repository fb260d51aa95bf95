import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { RelationField } from '../graphql/relation-field.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { Person } from './person.entity.js';
import { NodeEntity } from '../relay/node-entity.js';

/** What a person does at a place (see DOMAIN.md "Who"). */
export enum PersonRoleKind {
  RESIDENT = 'resident',
  SOCIAL_WORKER = 'social_worker',
  AUXILIARY_SOCIAL_WORKER = 'auxiliary_social_worker',
  GRID_WORKER = 'grid_worker',
  BUILDING_HEAD = 'building_head',
  COURTYARD_HEAD = 'courtyard_head',
  PARTY_MEMBER = 'party_member',
  VOLUNTEER = 'volunteer',
  PROPERTY_STAFF = 'property_staff',
  COURIER_REPORTER = 'courier_reporter',
}

registerEnumType(PersonRoleKind, {
  name: 'PersonRoleKind',
  description:
    'Resident, social worker (社工), auxiliary social worker (编外社工), grid worker (网格员), building head (楼门长), courtyard head (院长), party member, volunteer, property staff, courier reporter (小蜜蜂).',
});

/** A role a person holds at a place for a period; `endsOn` null means it still holds. */
@Entity({ tableName: 'person_role' })
@ObjectType({
  implements: Node,
  description: 'A role a person holds at a place, from startsOn to endsOn (inclusive; open when null).',
})
export class PersonRole extends NodeEntity {
  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person, { rows: true })
  person!: Person;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { rows: true, description: 'Where the role is held.' })
  place!: Place;

  @Enum({ items: () => PersonRoleKind, nativeEnumName: 'person_role_kind' })
  @Field(() => PersonRoleKind)
  role!: PersonRoleKind;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; null while the role lasts.' })
  endsOn?: string | null;
}
