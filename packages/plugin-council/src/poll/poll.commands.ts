import { defineCommand, isResidentUnder, type Named, type Place, residentCountUnder } from '@gongzhi/core';
import { requireMember, requireText } from '../council/council.commands.js';
import { councilEventBase } from '../council/council.events.js';
import { type CouncilProposal, ProposalStatus } from '../proposal/proposal.entity.js';
import { councilOfProposal } from '../proposal/proposal.queries.js';
import { CouncilResidentPoll, CouncilResidentPollPlace, type PollAnswer } from './poll.entity.js';
import { answerCounts, councilOfPoll, insertAnswer, pollPaths, statusForAnswering } from './poll.queries.js';
import { councilMessages } from '../messages.js';

/**
 * A member puts a proposal to the residents of the affected places (征得居民同意). The places
 * must lie inside the council's community: a council asks its own residents, not a
 * neighbouring community's nor the whole subdistrict's.
 */
export const openCouncilResidentPoll = defineCommand<
  { proposal: Named<CouncilProposal>; question: string; places: Named<Place>[] },
  CouncilResidentPoll
>({
  name: 'council.openResidentPoll',
  links: { places: { to: 'proposal' } },
  async run(uow, { proposal, question, places }) {
    const council = await councilOfProposal(uow, proposal);
    await requireMember(uow, council);
    const text = requireText(question, 'question');
    if (!places.length) {
      throw councilMessages.placeidsNameLeastOne.error('placeIds');
    }
    // The linking rule lets a place above the community through (it is on the same line); a poll asks inside it only.
    const above = places.find((place) => !place.path.startsWith(council.community.path));
    if (above) {
      throw councilMessages.placeidsLieCouncilS.error({ communityName: council.community.name, aboveName: above.name }, 'placeIds');
    }
    if (await uow.em.count(CouncilResidentPoll, { proposal })) throw councilMessages.onePollPerProposal.error('proposalId');
    const poll = uow.em.create(CouncilResidentPoll, { proposal, question: text });
    for (const place of new Set(places)) uow.em.create(CouncilResidentPollPlace, { poll, place });
    await uow.em.flush();
    return poll;
  },
});

/**
 * The signed-in resident's answer: one per resident of the affected places (a person whose
 * household lies under one of them). The poll is locked FOR SHARE, as for votes, so closing
 * never loses one.
 */
export const answerCouncilResidentPoll = defineCommand<{ poll: Named<CouncilResidentPoll>; answer: PollAnswer }, CouncilResidentPoll>({
  name: 'council.answerResidentPoll',
  async run(uow, { poll, answer }) {
    const resident = await uow.actingPerson();
    if ((await statusForAnswering(uow, poll)) !== ProposalStatus.OPEN) {
      throw councilMessages.residentsPollClosedAnswers.error('pollId');
    }
    if (!(await isResidentUnder(uow, resident.uuid, await pollPaths(uow, poll)))) {
      throw councilMessages.doesLivePlacesPoll.error({ residentName: resident.name }, 'pollId');
    }
    if (!(await insertAnswer(uow, poll, resident, answer))) {
      throw councilMessages.alreadyAnsweredPollEach.error({ residentName: resident.name }, 'pollId');
    }
    return poll;
  },
});

/** A member closes the poll and records the counts; loaded FOR UPDATE, it waits for answers in flight. */
export const closeCouncilResidentPoll = defineCommand<{ poll: Named<CouncilResidentPoll> }, CouncilResidentPoll>({
  name: 'council.closeResidentPoll',
  lock: ['poll'],
  async run(uow, { poll }) {
    if (poll.status !== ProposalStatus.OPEN) throw councilMessages.residentsPollAlreadyClosed.error('pollId');
    const council = await councilOfPoll(uow, poll);
    await requireMember(uow, council);
    const { agree, disagree } = await answerCounts(uow, poll);
    const eligible = await residentCountUnder(uow, await pollPaths(uow, poll));
    Object.assign(poll, {
      status: ProposalStatus.CLOSED,
      agreeCount: agree,
      disagreeCount: disagree,
      eligibleCount: eligible,
      closedAt: uow.now(),
    });
    await uow.em.flush();
    await uow.emit('council.resident-poll-closed', {
      ...councilEventBase(council),
      pollId: poll.uuid,
      proposalId: poll.proposal.uuid,
      agree,
      disagree,
      eligible,
    });
    return poll;
  },
});
