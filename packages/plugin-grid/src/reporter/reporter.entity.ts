import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place, RelationField, Request } from '@gongzhi/core';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

/** What a little bee does for a living, out on the streets. */
export enum GridReporterKind {
  COURIER = 'courier',
  RIDER = 'rider',
  STREET_CLEANER = 'street_cleaner',
  OTHER = 'other',
}
registerEnumType(GridReporterKind, {
  name: 'GridReporterKind',
  description: 'A little bee (小蜜蜂): courier (快递员), delivery rider (外卖骑手), street cleaner (环卫工人), other.',
});

/**
 * A little bee (小蜜蜂, a "mobile probe" 移动探头): a courier, rider or street cleaner registered as a
 * mobile reporter for an area (a subdistrict), who reports what they see anywhere in it.
 */
@Entity({ schema: 'grid', tableName: 'reporter' })
@ObjectType({
  implements: Node,
  description: 'A little bee (小蜜蜂): a courier, rider or street cleaner registered to report what they see anywhere in an area.',
})
export class GridReporter extends NodeEntity<'employer' | 'endsOn' | 'registeredBy'> {
  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  @RelationField(() => Person)
  person!: Person;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { description: 'The area reported on (a subdistrict).' })
  area!: Place;

  @Property({ type: 'text' })
  areaPath!: string;

  @Property({ type: 'text' })
  @Field(() => GridReporterKind)
  kind!: GridReporterKind;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Who they work for (a courier company, a platform, the sanitation team).' })
  employer?: string | null;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  startsOn!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; null while registered.' })
  endsOn?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  registeredBy?: Person | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** One report of a little bee: a core request (channel MOBILE_REPORT) and where the bee stood. */
@Entity({ schema: 'grid', tableName: 'reporter_report' })
@ObjectType({ implements: Node, description: "A little bee's report: the request it opened and where they were." })
export class GridReport extends NodeEntity<'locationNote'> {
  @ManyToOne(() => GridReporter, { deleteRule: 'cascade' })
  @RelationField(() => GridReporter)
  reporter!: GridReporter;

  /** The reporting person (the reporter's), kept on the row for the place rule. */
  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  person!: Person;

  @ManyToOne(() => Request, { deleteRule: 'cascade' })
  @RelationField(() => Request, { description: 'The request the report opened; follow its status here.' })
  request!: Request;

  @Property({ type: 'text' })
  placePath!: string;

  @Property({ type: 'double' })
  @Field(() => Float)
  latitude!: number;

  @Property({ type: 'double' })
  @Field(() => Float)
  longitude!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Where, in words (e.g. 芳星园三区北门外).' })
  locationNote?: string | null;

  @Field(() => Date, { description: 'When it was reported.' })
  override createdAt!: Date;
}
