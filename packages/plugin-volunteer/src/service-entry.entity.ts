import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place } from '@gongzhi/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { VolunteerShiftSignup } from './shift.entity.js';
import { VolunteerTask } from './task.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerServiceSource, VolunteerServiceStatus } from './volunteer.enums.js';

/**
 * Service hours (服务时长), append-only: verified or declined once by community staff (never
 * by the volunteer); a mistake is fixed by a CORRECTION entry, never by an edit. The
 * database refuses edits, deletes and self-verification.
 */
@Entity({ schema: 'volunteer', tableName: 'service_entry' })
@ObjectType({
  implements: Node,
  description: 'Service hours (服务时长): logged from a shift, a task or by hand; verified once by community staff.',
})
export class VolunteerServiceEntry extends NodeEntity<
  'status' | 'team' | 'shiftSignup' | 'task' | 'correctsEntry' | 'verifiedBy' | 'verifiedAt' | 'declineReason' | 'reportedBy'
> {
  @ManyToOne(() => Person, { deleteRule: 'restrict' })
  person!: Person;

  @ManyToOne(() => VolunteerTeam, { nullable: true, deleteRule: 'restrict' })
  team?: VolunteerTeam | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  community!: Place;

  @Property({ type: 'text' })
  communityPath!: string;

  @Property({ type: 'text' })
  @Field(() => VolunteerServiceSource)
  source!: VolunteerServiceSource;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Whole minutes; negative only for a correction.' })
  minutes!: number;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'Day of service, YYYY-MM-DD.' })
  servedOn!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  description!: string;

  @ManyToOne(() => VolunteerShiftSignup, { nullable: true, deleteRule: 'restrict', unique: true })
  shiftSignup?: VolunteerShiftSignup | null;

  @ManyToOne(() => VolunteerTask, { nullable: true, deleteRule: 'restrict', unique: true })
  task?: VolunteerTask | null;

  @ManyToOne(() => VolunteerServiceEntry, { nullable: true, deleteRule: 'restrict' })
  correctsEntry?: VolunteerServiceEntry | null;

  @Property({ type: 'text' })
  @Field(() => VolunteerServiceStatus)
  status: VolunteerServiceStatus = VolunteerServiceStatus.PENDING;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  verifiedBy?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  verifiedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  declineReason?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  reportedBy?: Person | null;

  @Field(() => Date)
  override createdAt!: Date;
}
