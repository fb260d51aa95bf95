import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { GlobalIdEntity, Node, NodeEntity, Person, Place } from '@gongzhi/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { PollAnswer, ProposalOutcome, ProposalStatus, VoteChoice, VoteCounting, VotingRule } from './council-enums.js';
import { CouncilMember } from './council.entity.js';
import { CouncilAgendaItem } from './meeting.entity.js';

/**
 * A proposal on an agenda item. Open, members vote; closing records the outcome with the
 * tally and the rule, counting, and quorum it was decided by (the council's may change later).
 */
@Entity({ schema: 'council', tableName: 'proposal' })
@ObjectType({ implements: Node, description: 'A proposal members vote on; closing records the outcome and the tally.' })
export class CouncilProposal extends NodeEntity<'status'> {
  @ManyToOne(() => CouncilAgendaItem, { deleteRule: 'cascade' })
  agendaItem!: CouncilAgendaItem;

  @Property({ type: 'text' })
  @Field(() => String)
  text!: string;

  @Enum({ items: () => ProposalStatus, nativeEnumName: 'council.proposal_status' })
  @Field(() => ProposalStatus)
  status: ProposalStatus = ProposalStatus.OPEN;

  @Enum({ items: () => ProposalOutcome, nativeEnumName: 'council.proposal_outcome', nullable: true })
  @Field(() => ProposalOutcome, { nullable: true, description: 'Set when closed.' })
  outcome?: ProposalOutcome | null;

  @Enum({ items: () => VotingRule, nativeEnumName: 'council.voting_rule', nullable: true })
  votingRule?: VotingRule | null;

  @Enum({ items: () => VoteCounting, nativeEnumName: 'council.vote_counting', nullable: true })
  voteCounting?: VoteCounting | null;

  @Property({ type: 'smallint', nullable: true })
  quorumPercent?: number | null;

  @Property({ type: 'integer', nullable: true })
  forWeight?: number | null;

  @Property({ type: 'integer', nullable: true })
  againstWeight?: number | null;

  @Property({ type: 'integer', nullable: true })
  abstainWeight?: number | null;

  @Property({ type: 'integer', nullable: true })
  eligibleWeight?: number | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  closedAt?: Date | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  closedBy?: Person | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** One seat's vote on one proposal (unique per seat and proposal), changeable while open. */
@Entity({ schema: 'council', tableName: 'ballot' })
@ObjectType({ implements: Node, description: "One seat's vote on a proposal; it records who cast it." })
export class CouncilBallot extends NodeEntity<'updatedAt'> {
  @ManyToOne(() => CouncilProposal, { deleteRule: 'cascade' })
  proposal!: CouncilProposal;

  @ManyToOne(() => CouncilMember, { deleteRule: 'cascade' })
  member!: CouncilMember;

  @Enum({ items: () => VoteChoice, nativeEnumName: 'council.vote_choice' })
  @Field(() => VoteChoice)
  choice!: VoteChoice;

  @ManyToOne(() => Person, { deleteRule: 'restrict' })
  castBy!: Person;

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();
}

/**
 * Residents' consultation (征得居民同意): an open poll among the residents of the affected
 * places, i.e. people whose household lies under one of them. One answer per resident.
 */
@Entity({ schema: 'council', tableName: 'resident_poll' })
@ObjectType({ implements: Node, description: "Residents' consultation (征得居民同意): one answer per resident of the affected places." })
export class CouncilResidentPoll extends NodeEntity<'status'> {
  @ManyToOne(() => CouncilProposal, { deleteRule: 'cascade', unique: true })
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
