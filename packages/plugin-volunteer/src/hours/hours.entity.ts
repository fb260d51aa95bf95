import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { VolunteerShiftSignup } from '../shift/shift.entity.js';
import { VolunteerTask } from '../task/task.entity.js';
import { VolunteerTeam } from '../team/team.entity.js';

/** Where service hours came from (the event contract's `source`, lower-cased in the database). */
export enum VolunteerServiceSource {
  SHIFT = 'shift',
  TASK = 'task',
  MANUAL = 'manual',
  CORRECTION = 'correction',
}
registerEnumType(VolunteerServiceSource, {
  name: 'VolunteerServiceSource',
  description: 'SHIFT (check-in/out), TASK (reported done), MANUAL (reported by hand), CORRECTION (of an approved entry).',
});

/** Verification state of a service-hour entry. */
export enum VolunteerServiceStatus {
  PENDING = 'pending',
  APPROVED = 'approved',
  DECLINED = 'declined',
}
registerEnumType(VolunteerServiceStatus, {
  name: 'VolunteerServiceStatus',
  description: 'PENDING until community staff approve or decline it (once).',
});

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
  @RelationField(() => Person)
  person!: Person;

  @ManyToOne(() => VolunteerTeam, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => VolunteerTeam, { nullable: true })
  team?: VolunteerTeam | null;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
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
  @RelationField(() => VolunteerServiceEntry, { nullable: true, description: 'For a correction: the entry it corrects.' })
  correctsEntry?: VolunteerServiceEntry | null;

  @Property({ type: 'text' })
  @Field(() => VolunteerServiceStatus)
  status: VolunteerServiceStatus = VolunteerServiceStatus.PENDING;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Person, { nullable: true })
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
