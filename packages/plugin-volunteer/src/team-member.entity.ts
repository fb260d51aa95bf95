import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { ArrayType, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Person, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerMemberRole } from './volunteer.enums.js';

/** A person's membership of a team, from `joinedOn` until `leftOn` (open while null). */
@Entity({ schema: 'volunteer', tableName: 'team_member' })
@ObjectType({ implements: Node, description: "A person's membership of a volunteer team, with role, join date and skills." })
export class VolunteerTeamMember implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'role' | 'skills' | 'leftOn';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('VolunteerTeamMember', this.uuid);
  }

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

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
