import { BoundedList, type GongzhiContext, payloadType, perform, Place, type Ref, RefArg } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { CouncilProposal } from '../proposal/proposal.entity.js';
import { answerCouncilResidentPoll, closeCouncilResidentPoll, openCouncilResidentPoll } from './poll.commands.js';
import { CouncilResidentPoll, PollAnswer } from './poll.entity.js';
import { answerCountOf, placesOf } from './poll.queries.js';

export const CouncilResidentPollPayload = payloadType('CouncilResidentPollPayload', 'poll', () => CouncilResidentPoll);

@Resolver(() => CouncilResidentPoll)
export class CouncilResidentPollResolver {
  @Mutation(() => CouncilResidentPollPayload, {
    description: "Opens a residents' consultation (征得居民同意) on a proposal among the residents of the affected places.",
  })
  openCouncilResidentPoll(
    @RefArg('proposalId', () => CouncilProposal) proposal: Ref<CouncilProposal>,
    @Arg('question', () => String) question: string,
    @RefArg('placeIds', () => [Place], {
      description: "Affected places inside the council's community; their residents (households under them) answer.",
    })
    places: Ref<Place>[],
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilResidentPollPayload, openCouncilResidentPoll, { proposal, question, places });
  }

  @Mutation(() => CouncilResidentPollPayload, { description: "The signed-in resident's answer; one per resident." })
  answerCouncilResidentPoll(
    @RefArg('pollId', () => CouncilResidentPoll) poll: Ref<CouncilResidentPoll>,
    @Arg('answer', () => PollAnswer) answer: PollAnswer,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilResidentPollPayload, answerCouncilResidentPoll, { poll, answer });
  }

  @Mutation(() => CouncilResidentPollPayload, { description: 'Closes the poll and records the counts.' })
  closeCouncilResidentPoll(@RefArg('pollId', () => CouncilResidentPoll) poll: Ref<CouncilResidentPoll>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, CouncilResidentPollPayload, closeCouncilResidentPoll, { poll });
  }

  @BoundedList('the places one poll was opened for')
  @FieldResolver(() => [Place], { description: 'The affected places; their residents answer.' })
  places(@Root() poll: CouncilResidentPoll, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    return placesOf(ctx, poll.uuid);
  }

  @FieldResolver(() => Int, { description: 'Answers so far (counts by answer are recorded at close).' })
  answerCount(@Root() poll: CouncilResidentPoll, @Ctx() ctx: GongzhiContext): Promise<number> {
    return answerCountOf(ctx, poll.uuid);
  }
}
