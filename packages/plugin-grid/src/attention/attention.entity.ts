import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { GlobalIdEntity, Node, Person, Place, RelationField } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** The people's-conditions map colours (民情图): red needs attention now, orange watch, green fine. */
export enum GridAttentionLevel {
  RED = 'red',
  ORANGE = 'orange',
  GREEN = 'green',
}

registerEnumType(GridAttentionLevel, {
  name: 'GridAttentionLevel',
  description: "The people's-conditions map colour (民情图): red, orange or green.",
});

/** One colour set on a household or building (民情图), with the reason: its history is every mark. */
@Entity({ schema: 'grid', tableName: 'attention_mark' })
@ObjectType({
  implements: Node,
  description: "A colour (red / orange / green) set on a household or building for the people's-conditions map, with who, when and why.",
})
export class GridAttentionMark extends GlobalIdEntity<'previousLevel' | 'setBy'> {
  @ManyToOne(() => Place, { deleteRule: 'cascade' })
  @RelationField(() => Place)
  place!: Place;

  @Property({ type: 'text' })
  placePath!: string;

  @Property({ type: 'text' })
  @Field(() => GridAttentionLevel)
  level!: GridAttentionLevel;

  @Property({ type: 'text', nullable: true })
  @Field(() => GridAttentionLevel, { nullable: true, description: 'The colour before this mark; null for the first.' })
  previousLevel?: GridAttentionLevel | null;

  @Property({ type: 'text' })
  @Field(() => String)
  reason!: string;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, description: 'The worker who set it.' })
  setBy?: Person | null;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  setAt!: Date;
}
