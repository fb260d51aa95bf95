import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place, RelationField, Request, toGlobalId } from '@gongzhi/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Council, CouncilMember } from '../council/council.entity.js';

/** What an agenda item is about. */
export enum AgendaItemKind {
  REQUEST = 'request',
  GRID_FINDING = 'grid_finding',
  TOPIC = 'topic',
}

registerEnumType(AgendaItemKind, { name: 'CouncilAgendaItemKind', description: 'A request, a finding of a grid, or a free topic.' });

/** The GraphQL type of the grid plugin's findings: agenda items name them by global id, without importing the grid plugin. */
export const GRID_FINDING_TYPE = 'GridFinding';

/** A meeting of a council, at a place and time; `urgent` when convened within hours. */
@Entity({ schema: 'council', tableName: 'meeting' })
@ObjectType({ implements: Node, description: 'A council meeting, with attendance and an agenda.' })
export class CouncilMeeting extends NodeEntity<'urgent' | 'place' | 'convenedBy' | 'remindedAt' | 'cancelledAt' | 'cancelReason'> {
  @ManyToOne(() => Council, { deleteRule: 'cascade' })
  @RelationField(() => Council)
  council!: Council;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @ManyToOne(() => Place, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Place, { nullable: true, description: 'Where it meets.' })
  place?: Place | null;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  scheduledAt!: Date;

  @Property({ type: 'boolean' })
  @Field(() => Boolean, { description: 'Convened at short notice (within hours), like the sewer collapse.' })
  urgent: boolean = false;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true })
  convenedBy?: Person | null;

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      'When the members were reminded that it starts soon (council.meeting-reminder); null before, and for a meeting convened inside the reminder time.',
  })
  remindedAt?: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was called off (cancelCouncilMeeting); null while it stands.' })
  cancelledAt?: Date | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was called off.' })
  cancelReason?: string | null = null;
}

/** A seat present at a meeting (`CouncilMeeting.attendance` lists them). */
@Entity({ schema: 'council', tableName: 'attendance' })
@ObjectType({ implements: Node, description: 'A seat recorded present at a meeting.' })
export class CouncilAttendance extends NodeEntity<'recordedBy'> {
  @ManyToOne(() => CouncilMeeting, { deleteRule: 'cascade' })
  @RelationField(() => CouncilMeeting)
  meeting!: CouncilMeeting;

  @ManyToOne(() => CouncilMember, { deleteRule: 'cascade' })
  @RelationField(() => CouncilMember, { description: 'The seat present.' })
  member!: CouncilMember;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, description: 'Who recorded it.' })
  recordedBy?: Person | null;

  @Field(() => Date, { description: 'When it was recorded.' })
  override createdAt!: Date;
}

/** An issue on a meeting's agenda: a core request, a grid finding, or a free topic. */
@Entity({ schema: 'council', tableName: 'agenda_item' })
@ObjectType({ implements: Node, description: 'An agenda item: a request, a grid finding or a free topic, with its minutes.' })
export class CouncilAgendaItem extends NodeEntity<'request' | 'gridFindingUuid' | 'minutes'> {
  @ManyToOne(() => CouncilMeeting, { deleteRule: 'cascade' })
  @RelationField(() => CouncilMeeting)
  meeting!: CouncilMeeting;

  @Property({ type: 'smallint' })
  @Field(() => Int, { description: 'Order on the agenda, from 1.' })
  position!: number;

  @Enum({ items: () => AgendaItemKind, nativeEnumName: 'council.agenda_item_kind' })
  @Field(() => AgendaItemKind)
  kind!: AgendaItemKind;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Request, { nullable: true, description: 'The request discussed (kind REQUEST).' })
  request?: Request | null;

  /** The uuid of a finding of the grid plugin: another plugin's row, so no foreign key and no entity type. */
  @Property({ type: 'uuid', nullable: true, fieldName: 'grid_finding_id' })
  gridFindingUuid?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "The grid finding's global id (kind GRID_FINDING); `node(id:)` fetches it when the grid plugin is installed.",
  })
  get gridFindingId(): string | null {
    return this.gridFindingUuid ? toGlobalId(GRID_FINDING_TYPE, this.gridFindingUuid) : null;
  }

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Minutes of the discussion of this item.' })
  minutes?: string | null;
}
