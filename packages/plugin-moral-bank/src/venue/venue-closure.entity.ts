import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Place } from '@gongzhi/core';
import { Field, Int, ObjectType } from 'type-graphql';

/** A time a venue takes no bookings (装修, 疫情封控); inserted with the venue's lock held (venue-closure.commands.ts). */
@Entity({ schema: 'moral_bank', tableName: 'venue_closure' })
@ObjectType({
  implements: Node,
  description: 'A time a venue is closed: no booking is made in it, and those made before were called off and refunded.',
})
export class MoralBankVenueClosure extends NodeEntity<'calledOff'> {
  @Property({ type: 'uuid', fieldName: 'venue_id' })
  venueUuid!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  community!: Place;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  startsAt!: Date;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  endsAt!: Date;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'Why, as the bookers were told.' })
  reason!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How many bookings it called off (confirmed ones refunded in full).' })
  calledOff: number = 0;

  @Field(() => Date)
  override createdAt!: Date;
}
