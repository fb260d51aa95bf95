import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { GlobalIdEntity, Node, NodeEntity, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CouncilProposal, ProposalStatus } from '../proposal/proposal.entity.js';

export enum PollAnswer {
  AGREE = 'agree',
  DISAGREE = 'disagree',
}

registerEnumType(PollAnswer, { name: 'CouncilPollAnswer' });

/**
 * Residents' consultation (征得居民同意): an open poll among the residents of the affected
 * places, i.e. people whose household lies under one of them. One answer per resident.
 */
@Entity({ schema: 'council', tableName: 'resident_poll' })
@ObjectType({ implements: Node, description: "Residents' consultation (征得居民同意): one answer per resident of the affected places." })
export class CouncilResidentPoll extends NodeEntity<'status'> {
  @ManyToOne(() => CouncilProposal, { deleteRule: 'cascade', unique: true })
  @RelationField(() => CouncilProposal)
  proposal!: CouncilProposal;

  @Property({ type: 'text' })
  @Field(() => String)
  question!: string;

  @Enum({ items: () => ProposalStatus, nativeEnumName: 'council.proposal_status' })
  @Field(() => ProposalStatus)
  status: ProposalStatus = ProposalStatus.OPEN;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Recorded when closed.' })
  agreeCount?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Recorded when closed.' })
  disagreeCount?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Residents of the affected places when the poll closed.' })
  eligibleCount?: number | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  closedAt?: Date | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** A place a poll consults (its residents may answer). */
@Entity({ schema: 'council', tableName: 'resident_poll_place' })
export class CouncilResidentPollPlace extends GlobalIdEntity {
  @ManyToOne(() => CouncilResidentPoll, { deleteRule: 'cascade' })
  poll!: CouncilResidentPoll;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  place!: Place;
}

/** One resident's answer to a poll. */
@Entity({ schema: 'council', tableName: 'resident_poll_answer' })
export class CouncilResidentPollAnswer extends NodeEntity {
  @ManyToOne(() => CouncilResidentPoll, { deleteRule: 'cascade' })
  poll!: CouncilResidentPoll;

  @ManyToOne(() => Person, { deleteRule: 'cascade' })
  person!: Person;

  @Enum({ items: () => PollAnswer, nativeEnumName: 'council.poll_answer' })
  answer!: PollAnswer;
}
