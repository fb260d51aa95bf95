import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType } from '@mikro-orm/core';
import { Node, NodeEntity, Person, Place, RelationField } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';

/** What a pairing's care plan covers. */
export enum VolunteerCareItem {
  ESCORT_TO_HOSPITAL = 'escort_to_hospital',
  MEDICINE = 'medicine',
  HOUSEWORK = 'housework',
  GROCERIES = 'groceries',
  COMPANY = 'company',
  OTHER = 'other',
}
registerEnumType(VolunteerCareItem, {
  name: 'VolunteerCareItem',
  description: 'Items of a care plan: escort to hospital, medicine, housework, groceries, company, other.',
});

/** A pairing (结对): a team or one volunteer looks after a resident in need from a date. */
@Entity({ schema: 'volunteer', tableName: 'pairing' })
@ObjectType({ implements: Node, description: 'A pairing (结对) of a team or a volunteer with a resident in need, with a care plan.' })
export class VolunteerPairing extends NodeEntity<'team' | 'volunteer' | 'endsOn' | 'notes' | 'carePlan'> {
  @ManyToOne(() => VolunteerTeam, { nullable: true, deleteRule: 'cascade' })
  @RelationField(() => VolunteerTeam, { nullable: true })
  team?: VolunteerTeam | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'cascade' })
  @RelationField(() => Person, { nullable: true })
  volunteer?: Person | null;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  resident!: Person;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
  community!: Place;

  @Property({ type: 'date' })
  @Field(() => String)
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true })
  endsOn?: string | null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [VolunteerCareItem])
  carePlan: VolunteerCareItem[] = [];

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;
}

/** One visit of a pairing's visit log. */
@Entity({ schema: 'volunteer', tableName: 'pairing_visit' })
@ObjectType({ implements: Node, description: 'A visit to a paired resident: who, when, what was done.' })
export class VolunteerPairingVisit extends NodeEntity<'careItems' | 'note'> {
  @ManyToOne(() => VolunteerPairing, { deleteRule: 'cascade' })
  pairing!: VolunteerPairing;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  visitor!: Person;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  visitedAt!: Date;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [VolunteerCareItem])
  careItems: VolunteerCareItem[] = [];

  @Property({ type: 'text' })
  @Field(() => String)
  note: string = '';
}
