import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Organization, Person, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CouncilKind, SeatType, VoteCounting, VotingRule } from './council-enums.js';

/** A deliberation body (议事会) of a community: its members, rule and quorum. */
@Entity({ schema: 'council', tableName: 'council' })
@ObjectType({ implements: Node, description: 'A deliberation council (议事会) of a community.' })
export class Council implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'votingRule' | 'voteCounting' | 'quorumPercent' | 'kind' | 'description';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Council', this.uuid);
  }

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

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt: Date = new Date();
}

/**
 * A seat on a council, held by a person or by an organisation. An organisation's seat is
 * voted by any person who is a member of that organisation (core OrganizationMember).
 */
@Entity({ schema: 'council', tableName: 'member' })
@ObjectType({ implements: Node, description: 'A seat on a council, held by a person or an organisation.' })
export class CouncilMember implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'person' | 'organization';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('CouncilMember', this.uuid);
  }

  @ManyToOne(() => Council, { deleteRule: 'cascade' })
  council!: Council;

  @Enum({ items: () => SeatType, nativeEnumName: 'council.seat_type' })
  @Field(() => SeatType)
  seatType!: SeatType;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'cascade' })
  person?: Person | null;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'cascade' })
  organization?: Organization | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
