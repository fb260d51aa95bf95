import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Person, RelationField } from '@gongzhi/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { CouncilMember, VoteCounting, VotingRule } from '../council/council.entity.js';
import { CouncilAgendaItem } from '../meeting/meeting.entity.js';

/** Whether votes (or a residents' poll's answers) are still taken. */
export enum ProposalStatus {
  OPEN = 'open',
  CLOSED = 'closed',
}

export enum ProposalOutcome {
  PASSED = 'passed',
  REJECTED = 'rejected',
  NO_QUORUM = 'no_quorum',
}

export enum VoteChoice {
  FOR = 'for',
  AGAINST = 'against',
  ABSTAIN = 'abstain',
}

registerEnumType(ProposalStatus, { name: 'CouncilProposalStatus' });
registerEnumType(ProposalOutcome, {
  name: 'CouncilProposalOutcome',
  description: 'Passed, rejected, or no quorum (too few ballots to decide).',
});
registerEnumType(VoteChoice, { name: 'CouncilVoteChoice' });

/**
 * A proposal on an agenda item. Open, members vote; closing records the outcome with the
 * tally and the rule, counting, and quorum it was decided by (the council's may change later).
 */
@Entity({ schema: 'council', tableName: 'proposal' })
@ObjectType({ implements: Node, description: 'A proposal members vote on; closing records the outcome and the tally.' })
export class CouncilProposal extends NodeEntity<'status'> {
  @ManyToOne(() => CouncilAgendaItem, { deleteRule: 'cascade' })
  @RelationField(() => CouncilAgendaItem)
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
  @RelationField(() => Person, { nullable: true })
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
  @RelationField(() => CouncilMember, { description: 'The seat that voted.' })
  member!: CouncilMember;

  @Enum({ items: () => VoteChoice, nativeEnumName: 'council.vote_choice' })
  @Field(() => VoteChoice)
  choice!: VoteChoice;

  @ManyToOne(() => Person, { deleteRule: 'restrict' })
  @RelationField(() => Person, { description: 'Who cast it (for an organisation seat, the member who voted for it).' })
  castBy!: Person;

  @Field(() => Date)
  override createdAt!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
