import { defineCommand, type Named, organizationMemberCount, type UnitOfWork } from '@gongzhi/core';
import { requireMember, requireSeat, requireText } from '../council/council.commands.js';
import { type Council, type CouncilMember, seatName, VoteCounting } from '../council/council.entity.js';
import { councilEventBase } from '../council/council.events.js';
import type { CouncilAgendaItem } from '../meeting/meeting.entity.js';
import { councilOfAgendaItem } from '../meeting/meeting.queries.js';
import { CouncilBallot, CouncilProposal, ProposalStatus, VoteChoice } from './proposal.entity.js';
import { councilOfProposal, insertBallot, seatChoices, statusForVoting, updateBallot } from './proposal.queries.js';
import { outcome, type Tally } from './voting.js';
import { councilMessages } from '../messages.js';
import { t } from '../db.js';

/**
 * A member puts a proposal on an agenda item. The council is held FOR SHARE until commit: a change
 * of how it decides in flight (`updateCouncil` holds it FOR UPDATE) finishes first, and one that
 * comes after counts this proposal open, so no proposal is voted under a rule changing beneath it.
 */
export const createCouncilProposal = defineCommand<{ agendaItem: Named<CouncilAgendaItem>; text: string }, CouncilProposal>({
  name: 'council.createProposal',
  async run(uow, { agendaItem, text }) {
    const council = await councilOfAgendaItem(uow, agendaItem);
    await requireMember(uow, council);
    await uow.em.execute(`SELECT 1 FROM ${t('council')} WHERE id = ? FOR SHARE`, [council.uuid]);
    const proposal = uow.em.create(CouncilProposal, { agendaItem, text: requireText(text, 'text') });
    await uow.em.flush();
    return proposal;
  },
});

/** A vote of the signed-in person for their seat (or the seat they name). */
interface VoteInput {
  proposal: Named<CouncilProposal>;
  choice: VoteChoice;
  seat?: Named<CouncilMember> | null;
}

/**
 * Casts (or, with `change`, changes) the vote of the actor's seat. The proposal row is locked
 * FOR SHARE first: votes run side by side, but a close waits for them, and a vote after a close
 * sees it closed. So a vote is either counted or refused, never lost.
 */
async function vote(
  uow: UnitOfWork,
  input: { proposal: CouncilProposal; choice: VoteChoice; seat?: CouncilMember | null },
  change: boolean,
) {
  const { proposal, choice } = input;
  if ((await statusForVoting(uow, proposal)) !== ProposalStatus.OPEN) {
    throw councilMessages.votingProposalClosedOutcome.error('proposalId');
  }
  const council = await councilOfProposal(uow, proposal);
  const { person, seat } = await requireSeat(uow, council, input.seat);
  const ballot = { proposal, seat, choice, castBy: person, at: uow.now() };
  const ballotId = change ? await updateBallot(uow, ballot) : await insertBallot(uow, ballot);
  if (!ballotId && change) {
    throw councilMessages.votedProposalYetCast.error({ seatName: seatName(seat) }, 'proposalId');
  }
  if (!ballotId) {
    const existing = await uow.em.findOneOrFail(CouncilBallot, { proposal, member: seat }, { refresh: true, populate: ['castBy'] });
    throw councilMessages.alreadyVotedCastOne.error(
      { seatName: seatName(seat), toUpperCase: existing.choice.toUpperCase(), castByName: existing.castBy.name },
      'proposalId',
    );
  }
  await uow.emit('council.vote-cast', { ...councilEventBase(council), proposalId: proposal.uuid, memberId: seat.uuid, changed: change });
  return uow.em.findOneOrFail(CouncilBallot, { uuid: ballotId }, { refresh: true });
}

/** Casts the seat's one vote; a second is ALREADY_VOTED. */
export const castCouncilVote = defineCommand<VoteInput, CouncilBallot>({
  name: 'council.castVote',
  run: (uow, input) => vote(uow, input, false),
});

/** Changes the seat's vote while the proposal is open. */
export const changeCouncilVote = defineCommand<VoteInput, CouncilBallot>({
  name: 'council.changeVote',
  run: (uow, input) => vote(uow, input, true),
});

/** The weights of the seats' ballots by the council's counting (per person, an organisation's seat weighs its member count). */
async function tally(uow: UnitOfWork, proposal: CouncilProposal, council: Council): Promise<Tally> {
  const seats = await seatChoices(uow, proposal, council);
  const weights = await Promise.all(
    seats.map(async ({ choice, organization_id: organizationId }) => ({
      choice,
      weight:
        council.voteCounting === VoteCounting.PER_PERSON && organizationId
          ? Math.max(1, await organizationMemberCount(uow, organizationId))
          : 1,
    })),
  );
  const result = { forWeight: 0, againstWeight: 0, abstainWeight: 0, eligibleWeight: 0 };
  for (const { choice, weight } of weights) {
    result.eligibleWeight += weight;
    if (choice === VoteChoice.FOR) result.forWeight += weight;
    else if (choice === VoteChoice.AGAINST) result.againstWeight += weight;
    else if (choice === VoteChoice.ABSTAIN) result.abstainWeight += weight;
  }
  return result;
}

/**
 * Closes a proposal and records its outcome by the council's rule, counting and quorum. The
 * proposal is loaded FOR UPDATE, which waits for votes in flight (they hold it FOR SHARE), so
 * the tally counts every vote committed before the close and none after.
 */
export const closeCouncilProposal = defineCommand<{ proposal: Named<CouncilProposal> }, CouncilProposal>({
  name: 'council.closeProposal',
  lock: ['proposal'],
  async run(uow, { proposal }) {
    if (proposal.status !== ProposalStatus.OPEN) {
      throw councilMessages.proposalAlreadyClosedOutcome.error('proposalId');
    }
    const council = await councilOfProposal(uow, proposal);
    const closer = await requireMember(uow, council);
    const counted = await tally(uow, proposal, council);
    const result = outcome(council.votingRule, counted, council.quorumPercent);
    Object.assign(proposal, {
      ...counted,
      status: ProposalStatus.CLOSED,
      outcome: result,
      votingRule: council.votingRule,
      voteCounting: council.voteCounting,
      quorumPercent: council.quorumPercent,
      closedAt: uow.now(),
      closedBy: closer,
    });
    await uow.em.flush();
    await uow.emit('council.proposal-closed', { ...councilEventBase(council), proposalId: proposal.uuid, outcome: result });
    return proposal;
  },
});
