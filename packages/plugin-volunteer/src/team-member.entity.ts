import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType } from '@mikro-orm/core';
import { Node, NodeEntity, Person } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerMemberRole } from './volunteer.enums.js';

/** A person's membership of a team, from `joinedOn` until `leftOn` (open while null). */
@Entity({ schema: 'volunteer', tableName: 'team_member' })
@ObjectType({ implements: Node, description: "A person's membership of a volunteer team, with role, join date and skills." })
export class VolunteerTeamMember extends NodeEntity<'role' | 'skills' | 'leftOn'> {
  @ManyToOne(() => VolunteerTeam, { deleteRule: 'cascade' })
  team!: VolunteerTeam;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
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
