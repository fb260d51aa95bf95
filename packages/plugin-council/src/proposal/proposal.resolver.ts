import { type GongzhiContext, hasMany, loadByForeignKey, payloadType, perform, type Ref, RefArg } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { CouncilMember, VoteCounting, VotingRule } from '../council/council.entity.js';
import { EARLIEST_FIRST } from '../db.js';
import { CouncilDecision } from '../decision/decision.entity.js';
import { CouncilAgendaItem } from '../meeting/meeting.entity.js';
import { CouncilResidentPoll } from '../poll/poll.entity.js';
import { castCouncilVote, changeCouncilVote, closeCouncilProposal, createCouncilProposal } from './proposal.commands.js';
import { CouncilBallot, CouncilProposal, ProposalStatus, VoteChoice } from './proposal.entity.js';
import { quorumMet } from './voting.js';

/** The recorded count of a closed proposal. */
@ObjectType({ description: 'The tally recorded when a proposal closed, with the rule, counting and quorum it was decided by.' })
export class CouncilTally {
  @Field(() => Int) forWeight!: number;
  @Field(() => Int) againstWeight!: number;
  @Field(() => Int) abstainWeight!: number;
  @Field(() => Int, { description: 'Total weight of all seats.' }) eligibleWeight!: number;
  @Field(() => Int, { description: 'Weight that cast a ballot (for, against or abstain).' }) castWeight!: number;
  @Field(() => VotingRule) votingRule!: VotingRule;
  @Field(() => VoteCounting) voteCounting!: VoteCounting;
  @Field(() => Int) quorumPercent!: number;
  @Field(() => Boolean) quorumMet!: boolean;
}

export const CouncilProposalPayload = payloadType('CouncilProposalPayload', 'proposal', () => CouncilProposal);
export const CouncilBallotPayload = payloadType('CouncilBallotPayload', 'ballot', () => CouncilBallot);

@Resolver(() => CouncilProposal)
export class CouncilProposalResolver {
  @Mutation(() => CouncilProposalPayload, { description: 'Puts a proposal on an agenda item; a member of the council proposes it.' })
  createCouncilProposal(
    @RefArg('agendaItemId', () => CouncilAgendaItem) agendaItem: Ref<CouncilAgendaItem>,
    @Arg('text', () => String) text: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilProposalPayload, createCouncilProposal, { agendaItem, text });
  }

  @Mutation(() => CouncilBallotPayload, {
    description:
      "Casts the signed-in person's vote for their seat (or, with memberId, for the organisation seat they act for). One vote per seat: a second is ALREADY_VOTED.",
  })
  castCouncilVote(
    @RefArg('proposalId', () => CouncilProposal) proposal: Ref<CouncilProposal>,
    @Arg('choice', () => VoteChoice) choice: VoteChoice,
    @RefArg('memberId', () => CouncilMember, { nullable: true, description: 'The seat, when the person may act for several.' })
    seat: Ref<CouncilMember> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilBallotPayload, castCouncilVote, { proposal, choice, seat });
  }

  @Mutation(() => CouncilBallotPayload, { description: "Changes a seat's vote while the proposal is open." })
  changeCouncilVote(
    @RefArg('proposalId', () => CouncilProposal) proposal: Ref<CouncilProposal>,
    @Arg('choice', () => VoteChoice) choice: VoteChoice,
    @RefArg('memberId', () => CouncilMember, { nullable: true }) seat: Ref<CouncilMember> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilBallotPayload, changeCouncilVote, { proposal, choice, seat });
  }

  @Mutation(() => CouncilProposalPayload, {
    description: "Closes the vote and records the outcome by the council's rule and quorum (NO_QUORUM when too few voted).",
  })
  closeCouncilProposal(@RefArg('proposalId', () => CouncilProposal) proposal: Ref<CouncilProposal>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, CouncilProposalPayload, closeCouncilProposal, { proposal });
  }

  @FieldResolver(() => CouncilTally, { nullable: true, description: 'Recorded when the proposal closed.' })
  tally(@Root() p: CouncilProposal): CouncilTally | null {
    if (p.status !== ProposalStatus.CLOSED) return null;
    const t = {
      forWeight: p.forWeight!,
      againstWeight: p.againstWeight!,
      abstainWeight: p.abstainWeight!,
      eligibleWeight: p.eligibleWeight!,
    };
    return Object.assign(new CouncilTally(), t, {
      castWeight: t.forWeight + t.againstWeight + t.abstainWeight,
      votingRule: p.votingRule!,
      voteCounting: p.voteCounting!,
      quorumPercent: p.quorumPercent!,
      quorumMet: quorumMet(t, p.quorumPercent!),
    });
  }

  @FieldResolver(() => CouncilResidentPoll, { nullable: true, description: "The residents' consultation, if one was opened." })
  async residentPoll(@Root() p: CouncilProposal, @Ctx() ctx: GongzhiContext): Promise<CouncilResidentPoll | null> {
    return (await loadByForeignKey(ctx, CouncilResidentPoll, 'proposal', p.uuid))[0] ?? null;
  }

  @FieldResolver(() => CouncilDecision, { nullable: true })
  async decision(@Root() p: CouncilProposal, @Ctx() ctx: GongzhiContext): Promise<CouncilDecision | null> {
    return (await loadByForeignKey(ctx, CouncilDecision, 'proposal', p.uuid))[0] ?? null;
  }
}

/** Adds `CouncilProposal.ballots`. */
export const CouncilProposalBallotsResolver = hasMany(
  () => CouncilProposal,
  'ballots',
  () => CouncilBallot,
  'proposal',
  {
    order: EARLIEST_FIRST,
    description: 'Ballots cast so far, earliest first, a page at a time.',
  },
);
