import { defineCommand, DomainError, isResidentUnder, type Named, type Place, residentCountUnder } from '@gongzhi/core';
import { requireMember, requireText } from '../council/council.commands.js';
import { councilEventBase } from '../council/council.events.js';
import { type CouncilProposal, ProposalStatus } from '../proposal/proposal.entity.js';
import { councilOfProposal } from '../proposal/proposal.queries.js';
import { CouncilResidentPoll, CouncilResidentPollPlace, type PollAnswer } from './poll.entity.js';
import { answerCounts, councilOfPoll, insertAnswer, pollPaths, statusForAnswering } from './poll.queries.js';

const ONE_POLL = "This proposal already has a residents' poll; a proposal is put to residents once.";

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
      throw new DomainError(
        'BAD_USER_INPUT',
        '"placeIds" must name at least one affected place (a building, a compound…) whose residents are asked.',
        'placeIds',
      );
    }
    // The linking rule lets a place above the community through (it is on the same line); a poll asks inside it only.
    const above = places.find((place) => !place.path.startsWith(council.community.path));
    if (above) {
      throw new DomainError(
        'OUT_OF_SCOPE',
        `"placeIds" must lie in ${council.community.name}, the council's community; ${above.name} does not.`,
        'placeIds',
      );
    }
    if (await uow.em.count(CouncilResidentPoll, { proposal })) throw new DomainError('CONFLICT', ONE_POLL, 'proposalId');
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
      throw new DomainError('POLL_CLOSED', "This residents' poll has closed; answers are taken only while it is open.", 'pollId');
    }
    if (!(await isResidentUnder(uow, resident.uuid, await pollPaths(uow, poll)))) {
      throw new DomainError(
        'NOT_A_RESIDENT',
        `${resident.name} does not live in the places this poll asks (their household is not under any of them); only their residents answer.`,
        'pollId',
      );
    }
    if (!(await insertAnswer(uow, poll, resident, answer))) {
      throw new DomainError('ALREADY_ANSWERED', `${resident.name} has already answered this poll; each resident answers once.`, 'pollId');
    }
    return poll;
  },
});

/** A member closes the poll and records the counts; loaded FOR UPDATE, it waits for answers in flight. */
export const closeCouncilResidentPoll = defineCommand<{ poll: Named<CouncilResidentPoll> }, CouncilResidentPoll>({
  name: 'council.closeResidentPoll',
  lock: ['poll'],
  async run(uow, { poll }) {
    if (poll.status !== ProposalStatus.OPEN) throw new DomainError('POLL_CLOSED', "This residents' poll is already closed.", 'pollId');
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
    });
    return poll;
  },
});
