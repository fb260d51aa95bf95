import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType } from '@mikro-orm/core';
import { Node, NodeEntity, Organization, Place } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { VolunteerTeamKind } from './volunteer.enums.js';

/** A volunteer team (志愿服务队) based at a place; `homePlacePath` copies the place's path for subtree counts. */
@Entity({ schema: 'volunteer', tableName: 'team' })
@ObjectType({ implements: Node, description: 'A volunteer team (志愿服务队).' })
export class VolunteerTeam extends NodeEntity<'kind' | 'skills' | 'description' | 'organization'> {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Property({ type: 'text' })
  @Field(() => VolunteerTeamKind)
  kind: VolunteerTeamKind = VolunteerTeamKind.MUTUAL_AID;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description?: string | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  homePlace!: Place;

  @Property({ type: 'text' })
  homePlacePath!: string;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'set null' })
  organization?: Organization | null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String], { description: 'Skills the team offers (medicine runs, first aid, escorting…).' })
  skills: string[] = [];

  @Field(() => Date)
  override createdAt!: Date;
}
