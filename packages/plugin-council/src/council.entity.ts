import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Organization, Person, Place } from '@gongzhi/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { CouncilKind, SeatType, VoteCounting, VotingRule } from './council-enums.js';

/** A deliberation body (议事会) of a community: its members, rule and quorum. */
@Entity({ schema: 'council', tableName: 'council' })
@ObjectType({ implements: Node, description: 'A deliberation council (议事会) of a community.' })
export class Council extends NodeEntity<'votingRule' | 'voteCounting' | 'quorumPercent' | 'kind' | 'description'> {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Enum({ items: () => CouncilKind, nativeEnumName: 'council.council_kind' })
  @Field(() => CouncilKind)
  kind: CouncilKind = CouncilKind.NAMED;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Enum({ items: () => VotingRule, nativeEnumName: 'council.voting_rule' })
  @Field(() => VotingRule)
  votingRule: VotingRule = VotingRule.SIMPLE_MAJORITY;

  @Enum({ items: () => VoteCounting, nativeEnumName: 'council.vote_counting' })
  @Field(() => VoteCounting)
  voteCounting: VoteCounting = VoteCounting.PER_SEAT;

  @Property({ type: 'smallint' })
  @Field(() => Int, {
    description: 'Share (0–100) of the total voting weight that must cast a ballot (for, against or abstain) for a vote to count.',
  })
  quorumPercent: number = 50;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  community!: Place;

  @Field(() => Date)
  override createdAt!: Date;
}

/**
 * A seat on a council, held by a person or by an organisation. An organisation's seat is
 * voted by any person who is a member of that organisation (core OrganizationMember).
 */
@Entity({ schema: 'council', tableName: 'member' })
@ObjectType({ implements: Node, description: 'A seat on a council, held by a person or an organisation.' })
export class CouncilMember extends NodeEntity<'person' | 'organization'> {
  @ManyToOne(() => Council, { deleteRule: 'cascade' })
  council!: Council;

  @Enum({ items: () => SeatType, nativeEnumName: 'council.seat_type' })
  @Field(() => SeatType)
  seatType!: SeatType;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'cascade' })
  person?: Person | null;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'cascade' })
  organization?: Organization | null;
}
