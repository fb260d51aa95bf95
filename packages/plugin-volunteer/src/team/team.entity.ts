import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType } from '@mikro-orm/core';
import { Node, NodeEntity, Organization, Person, Place, RelationField } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** What kind of volunteer team (志愿服务队) it is. */
export enum VolunteerTeamKind {
  MUTUAL_AID = 'mutual_aid',
  YOUTH_COMMANDO = 'youth_commando',
  CANDLE_LIGHT = 'candle_light',
  ARTS = 'arts',
  COMMUNITY_STEWARD = 'community_steward',
  OTHER = 'other',
}
registerEnumType(VolunteerTeamKind, {
  name: 'VolunteerTeamKind',
  description:
    'Neighbourly mutual aid (邻里互助), youth commando from a company (青年突击队), candle-light team of working party members (烛光队), arts team, community steward (社区管家), other.',
});

/** A member's role in a team. */
export enum VolunteerMemberRole {
  LEADER = 'leader',
  MEMBER = 'member',
}
registerEnumType(VolunteerMemberRole, { name: 'VolunteerMemberRole', description: 'Leader (队长) or member of a volunteer team.' });

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
  @RelationField(() => Place, { description: 'Where the team is based.' })
  homePlace!: Place;

  @Property({ type: 'text' })
  homePlacePath!: string;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Organization, { nullable: true, description: 'The organization the team comes from, if any.' })
  organization?: Organization | null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String], { description: 'Skills the team offers (medicine runs, first aid, escorting…).' })
  skills: string[] = [];

  @Field(() => Date)
  override createdAt!: Date;
}

/** A person's membership of a team, from `joinedOn` until `leftOn` (open while null). */
@Entity({ schema: 'volunteer', tableName: 'team_member' })
@ObjectType({ implements: Node, description: "A person's membership of a volunteer team, with role, join date and skills." })
export class VolunteerTeamMember extends NodeEntity<'role' | 'skills' | 'leftOn'> {
  @ManyToOne(() => VolunteerTeam, { deleteRule: 'cascade' })
  @RelationField(() => VolunteerTeam)
  team!: VolunteerTeam;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @Property({ type: 'text' })
  @Field(() => VolunteerMemberRole)
  role: VolunteerMemberRole = VolunteerMemberRole.MEMBER;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'Day joined, YYYY-MM-DD.' })
  joinedOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Day left, YYYY-MM-DD; null while a member.' })
  leftOn?: string | null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String])
  skills: string[] = [];
}
