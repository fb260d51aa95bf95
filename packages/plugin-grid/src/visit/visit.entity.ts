import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BoundedList, Node, NodeEntity, Person, Place, RelationField, Request } from '@gongzhi/core';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

/** What a worker checks during a household visit (入户走访). */
export enum GridCheckItem {
  HEATING = 'heating',
  GAS = 'gas',
  ELECTRICITY = 'electricity',
  WATER = 'water',
  FIRE_SAFETY = 'fire_safety',
  HEALTH = 'health',
  NETWORK = 'network',
  OTHER = 'other',
}

registerEnumType(GridCheckItem, {
  name: 'GridCheckItem',
  description: 'A check made during a household visit: heating, gas, electricity, water, fire safety, health, network, other.',
});

/** One check made during a visit, and how it went: as recorded, and as the worker gives it. */
@ObjectType('GridVisitCheck', { description: 'A check made during a household visit (e.g. heating) and its result.' })
@InputType('GridVisitCheckInput', { description: 'A check made during a visit.' })
export class GridVisitCheck {
  @Field(() => GridCheckItem)
  item!: GridCheckItem;

  @Field(() => Boolean, { description: 'True when everything was in order.' })
  ok!: boolean;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

/**
 * A household visit (入户走访) by a grid worker. A household's visits, newest first, are its
 * people's-conditions ledger (民情账).
 */
@Entity({ schema: 'grid', tableName: 'grid_visit' })
@ObjectType({
  implements: Node,
  description: "A grid worker's household visit (入户走访); a household's visits are its people's-conditions ledger (民情账).",
})
export class GridVisit extends NodeEntity<'notes'> {
  @ManyToOne(() => Place, { deleteRule: 'cascade' })
  @RelationField(() => Place)
  household!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @ManyToOne(() => Person, { deleteRule: 'restrict' })
  @RelationField(() => Person, { description: 'The grid worker who visited.' })
  worker!: Person;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'Day of the visit, YYYY-MM-DD.' })
  visitedOn!: string;

  /** Uuids of the people met. */
  @Property({ type: 'json' })
  metPersonIds: string[] = [];

  @Property({ type: 'json' })
  @BoundedList('the checklist of one household visit')
  @Field(() => [GridVisitCheck])
  checks: GridVisitCheck[] = [];

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** A need or problem found during a visit; it may open a request (at most one). */
@Entity({ schema: 'grid', tableName: 'grid_finding' })
@ObjectType({ implements: Node, description: 'A need or problem found during a household visit; it may have opened a request.' })
export class GridFinding extends NodeEntity<'category' | 'request'> {
  @ManyToOne(() => GridVisit, { deleteRule: 'cascade' })
  @RelationField(() => GridVisit)
  visit!: GridVisit;

  @Property({ type: 'text' })
  @Field(() => String)
  description!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  category?: string | null;

  @ManyToOne(() => Request, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Request, { nullable: true, description: 'The request this finding opened, if any.' })
  request?: Request | null;

  @Field(() => Date)
  override createdAt!: Date;
}
