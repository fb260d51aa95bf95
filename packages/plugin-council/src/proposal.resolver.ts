import { batchLoader, type GongzhiContext, loadById, loadByForeignKey, Person, Place, refId } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { PollAnswer, ProposalStatus, VoteChoice, VoteCounting, VotingRule } from './council-enums.js';
import { CouncilMember } from './council.entity.js';
import { CouncilService } from './council.service.js';
import { CouncilDecision } from './decision.entity.js';
import { CouncilAgendaItem } from './meeting.entity.js';
import { CouncilBallot, CouncilProposal, CouncilResidentPoll, CouncilResidentPollPlace } from './proposal.entity.js';
import { quorumMet } from './voting.js';
import { t } from './db.js';

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

@Resolver(() => CouncilProposal)
export class CouncilProposalResolver {
  @Mutation(() => CouncilProposal, { description: 'Puts a proposal on an agenda item; a member of the council proposes it.' })
  createCouncilProposal(
    @Arg('agendaItemId', () => ID) agendaItemId: string,
    @Arg('text', () => String) text: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilProposal> {
    return new CouncilService(ctx).createProposal(agendaItemId, text);
  }

  @Mutation(() => CouncilBallot, {
    description:
      "Casts the signed-in person's vote for their seat (or, with memberId, for the organisation seat they act for). One vote per seat: a second is ALREADY_VOTED.",
  })
  castCouncilVote(
    @Arg('proposalId', () => ID) proposalId: string,
    @Arg('choice', () => VoteChoice) choice: VoteChoice,
    @Arg('memberId', () => ID, { nullable: true, description: 'The seat, when the person may act for several.' })
    memberId: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilBallot> {
    return new CouncilService(ctx).vote(proposalId, choice, memberId, false);
  }

  @Mutation(() => CouncilBallot, { description: "Changes a seat's vote while the proposal is open." })
  changeCouncilVote(
    @Arg('proposalId', () => ID) proposalId: string,
    @Arg('choice', () => VoteChoice) choice: VoteChoice,
    @Arg('memberId', () => ID, { nullable: true }) memberId: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilBallot> {
    return new CouncilService(ctx).vote(proposalId, choice, memberId, true);
  }

  @Mutation(() => CouncilProposal, {
    description: "Closes the vote and records the outcome by the council's rule and quorum (NO_QUORUM when too few voted).",
  })
  closeCouncilProposal(@Arg('proposalId', () => ID) proposalId: string, @Ctx() ctx: GongzhiContext): Promise<CouncilProposal> {
    return new CouncilService(ctx).closeProposal(proposalId);
  }

  @Mutation(() => CouncilResidentPoll, {
    description: "Opens a residents' consultation (征得居民同意) on a proposal among the residents of the affected places.",
  })
  openCouncilResidentPoll(
    @Arg('proposalId', () => ID) proposalId: string,
    @Arg('question', () => String) question: string,
    @Arg('placeIds', () => [ID], { description: 'Affected places; their residents (households under them) answer.' }) placeIds: string[],
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilResidentPoll> {
    return new CouncilService(ctx).openResidentPoll(proposalId, question, placeIds);
  }

  @Mutation(() => CouncilResidentPoll, { description: "The signed-in resident's answer; one per resident." })
  answerCouncilResidentPoll(
    @Arg('pollId', () => ID) pollId: string,
    @Arg('answer', () => PollAnswer) answer: PollAnswer,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilResidentPoll> {
    return new CouncilService(ctx).answerResidentPoll(pollId, answer);
  }

  @Mutation(() => CouncilResidentPoll, { description: 'Closes the poll and records the counts.' })
  closeCouncilResidentPoll(@Arg('pollId', () => ID) pollId: string, @Ctx() ctx: GongzhiContext): Promise<CouncilResidentPoll> {
    return new CouncilService(ctx).closeResidentPoll(pollId);
  }

  @FieldResolver(() => CouncilAgendaItem)
  async agendaItem(@Root() proposal: CouncilProposal, @Ctx() ctx: GongzhiContext): Promise<CouncilAgendaItem> {
    return (await loadById(ctx, CouncilAgendaItem, refId(proposal.agendaItem)!))!;
  }

  @FieldResolver(() => [CouncilBallot], { description: 'Ballots cast so far, earliest first.' })
  ballots(@Root() proposal: CouncilProposal, @Ctx() ctx: GongzhiContext): Promise<CouncilBallot[]> {
    return loadByForeignKey(ctx, CouncilBallot, 'proposal', proposal.uuid, { createdAt: 'asc' });
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

  @FieldResolver(() => Person, { nullable: true })
  closedBy(@Root() p: CouncilProposal, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(p.closedBy);
    return id ? loadById(ctx, Person, id) : null;
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

@Resolver(() => CouncilBallot)
export class CouncilBallotResolver {
  @FieldResolver(() => CouncilMember, { description: 'The seat that voted.' })
  async member(@Root() ballot: CouncilBallot, @Ctx() ctx: GongzhiContext): Promise<CouncilMember> {
    return (await loadById(ctx, CouncilMember, refId(ballot.member)!))!;
  }

  @FieldResolver(() => Person, { description: 'Who cast it (for an organisation seat, the member who voted for it).' })
  async castBy(@Root() ballot: CouncilBallot, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(ballot.castBy)!))!;
  }
}

@Resolver(() => CouncilResidentPoll)
export class CouncilResidentPollResolver {
  @FieldResolver(() => CouncilProposal)
  async proposal(@Root() poll: CouncilResidentPoll, @Ctx() ctx: GongzhiContext): Promise<CouncilProposal> {
    return (await loadById(ctx, CouncilProposal, refId(poll.proposal)!))!;
  }

  @FieldResolver(() => [Place], { description: 'The affected places; their residents answer.' })
  places(@Root() poll: CouncilResidentPoll, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    return batchLoader<string, Place[]>(ctx, 'CouncilResidentPoll.places', async (ids) => {
      const rows = await ctx.em.find(CouncilResidentPollPlace, { poll: { $in: [...ids] } }, { populate: ['place'] });
      const groups = new Map<string, Place[]>(ids.map((id) => [id, []]));
      for (const row of rows) groups.get(row.poll.uuid)?.push(row.place);
      return ids.map((id) => groups.get(id)!);
    }).load(poll.uuid);
  }

  @FieldResolver(() => Int, { description: 'Answers so far (counts by answer are recorded at close).' })
  answerCount(@Root() poll: CouncilResidentPoll, @Ctx() ctx: GongzhiContext): Promise<number> {
    return batchLoader<string, number>(ctx, 'CouncilResidentPoll.answerCount', async (ids) => {
      const rows = await ctx.em.execute<{ poll_id: string; n: string }[]>(
        `SELECT poll_id, count(*) AS n FROM ${t('resident_poll_answer')} WHERE poll_id IN (?) GROUP BY poll_id`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.poll_id, Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }).load(poll.uuid);
  }
}
