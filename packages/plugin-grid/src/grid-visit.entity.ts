import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, Place } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';
import { GridCheckItem } from './grid-enums.js';

/** One check made during a visit, and how it went. */
@ObjectType({ description: 'A check made during a household visit (e.g. heating) and its result.' })
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
  household!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @ManyToOne(() => Person, { deleteRule: 'restrict' })
  worker!: Person;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'Day of the visit, YYYY-MM-DD.' })
  visitedOn!: string;

  /** Uuids of the people met. */
  @Property({ type: 'json' })
  metPersonIds: string[] = [];

  @Property({ type: 'json' })
  @Field(() => [GridVisitCheck])
  checks: GridVisitCheck[] = [];

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => Date)
  override createdAt!: Date;
}
