import {
  defineCommand,
  type Named,
  type Organization,
  organizationMemberIds,
  type Person,
  Permission,
  type Request,
  requireIsoDate,
  type Resolved,
  RequestStatus,
  type UnitOfWork,
} from '@gongzhi/core';
import { ORGANISATIONS_OF_THE_SUBDISTRICT, requireMember, requireText } from '../council/council.commands.js';
import type { Council } from '../council/council.entity.js';
import { councilEventBase } from '../council/council.events.js';
import { type CouncilProposal, ProposalOutcome, ProposalStatus } from '../proposal/proposal.entity.js';
import { councilOfProposal } from '../proposal/proposal.queries.js';
import { CouncilResidentPoll } from '../poll/poll.entity.js';
import { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource, type FundingKind } from './decision.entity.js';
import { actionItemProgress, councilOfDecision, lockedDecision, requestOfAgendaItem } from './decision.queries.js';
import { advanceDecidedRequest, mayMoveRequest } from './linked-request.commands.js';
import { councilMessages } from '../messages.js';
import { CouncilPermission } from '../permissions.js';
import { communityDate } from './due-day.js';
import { LockMode } from '@mikro-orm/core';

/** A share of the work: exactly one owner, a due date. */
export interface ActionItemDraft {
  title: string;
  ownerOrganization?: Named<Organization> | null;
  ownerPerson?: Named<Person> | null;
  dueOn: string;
}

/** What a decision records. */
export interface NewDecision {
  proposal: Named<CouncilProposal>;
  summary: string;
  actionItems: ActionItemDraft[];
  funding: { kind: FundingKind; description?: string | null; amountFen: number }[];
}

/**
 * Checks the shares of the work: at least one, each with a title, exactly one owner of the
 * council's community (an organisation: of its subdistrict) and a date. Owners sit inside
 * a list, so their linking rule is checked here rather than declared.
 */
async function checkActionItems(uow: UnitOfWork, council: Council, items: Resolved<ActionItemDraft>[]): Promise<void> {
  if (!items.length) {
    throw councilMessages.inputActionitemsAssignLeast.error('input.actionItems');
  }
  for (const [i, item] of items.entries()) {
    const field = `input.actionItems.${i}`;
    requireText(item.title, `${field}.title`);
    if (!item.ownerOrganization === !item.ownerPerson) {
      throw councilMessages.needsExactlyOneOwner.error({ field, itemTitle: item.title }, field);
    }
    requireIsoDate(item.dueOn, `${field}.dueOn`);
    if (item.ownerPerson) await uow.requireWithin(item.ownerPerson, council, `${field}.ownerPersonId`);
    if (item.ownerOrganization) {
      await uow.requireWithin(item.ownerOrganization, council, `${field}.ownerOrganizationId`, ORGANISATIONS_OF_THE_SUBDISTRICT);
    }
  }
}

/** Refuses unless `proposal` passed and, when residents were asked, more of them agreed than disagreed. */
async function checkDecidable(uow: UnitOfWork, proposal: CouncilProposal): Promise<void> {
  if (proposal.outcome !== ProposalOutcome.PASSED) {
    throw proposal.status === ProposalStatus.OPEN
      ? councilMessages.proposalStillOpen.error('input.proposalId')
      : councilMessages.proposalNotPassed.error({ outcome: proposal.outcome }, 'input.proposalId');
  }
  const poll = await uow.em.findOne(CouncilResidentPoll, { proposal });
  if (poll?.status === ProposalStatus.OPEN) {
    throw councilMessages.residentsPollProposalStill.error('input.proposalId');
  }
  if (poll && !(poll.agreeCount! > poll.disagreeCount!)) {
    throw councilMessages.residentsDidAgreeAgree.error(
      { agreeCount: poll.agreeCount, disagreeCount: poll.disagreeCount },
      'input.proposalId',
    );
  }
  if (await uow.em.count(CouncilDecision, { proposal })) {
    throw councilMessages.proposalAlreadyDecisionRecord.error('input.proposalId');
  }
}

/** Refuses an amount that is not a whole, non-negative number of fen. */
function checkFunding(funding: NewDecision['funding']): void {
  funding.forEach((f, i) => {
    if (!Number.isInteger(f.amountFen) || f.amountFen < 0) {
      throw councilMessages.inputFundingAmountfenWhole.error({ i, amountFen: f.amountFen }, `input.funding.${i}.amountFen`);
    }
  });
}

/**
 * The request the decision is about, which recording it moves to in progress (or null): the
 * decider must be allowed to move it, so a decision and its request move together or not at all.
 */
async function requestToMove(uow: UnitOfWork, proposal: CouncilProposal, decider: Person): Promise<Request | null> {
  const request = await requestOfAgendaItem(uow, proposal.agendaItem);
  if (request && !mayMoveRequest(uow, request)) {
    throw councilMessages.decisionRequestWhichMoves.error({ deciderName: decider.name }, 'input.proposalId', {
      permission: Permission.REQUEST_MANAGE,
    });
  }
  return request;
}

/**
 * A member records the decision on a passed proposal: who does what by when (明确分工), paid
 * from where. When the proposal's agenda item is a request, the decision also moves it to in
 * progress, through core's request commands with the member's authority: recording such a
 * decision needs `request.manage` where the request is (FORBIDDEN otherwise, nothing written).
 */
export const recordCouncilDecision = defineCommand<NewDecision, CouncilDecision>({
  name: 'council.recordDecision',
  async run(uow, input) {
    const { proposal } = input;
    const council = await councilOfProposal(uow, proposal);
    const decider = await requireMember(uow, council);
    const summary = requireText(input.summary, 'input.summary');
    await checkActionItems(uow, council, input.actionItems);
    checkFunding(input.funding);
    await checkDecidable(uow, proposal);
    const request = await requestToMove(uow, proposal, decider);
    const decision = uow.em.create(CouncilDecision, { proposal, summary, decidedBy: decider });
    // One millisecond apart, so "in the order sent" is the order of creation (one transaction's now() is one instant).
    const at = uow.now().getTime();
    const items = input.actionItems.map((a, i) =>
      uow.em.create(CouncilActionItem, {
        createdAt: new Date(at + i),
        decision,
        title: a.title.trim(),
        ownerOrganization: a.ownerOrganization ?? null,
        ownerPerson: a.ownerPerson ?? null,
        dueOn: a.dueOn.trim(),
        placePath: council.community.path,
        updatedAt: uow.now(),
      }),
    );
    for (const f of input.funding) {
      uow.em.create(CouncilFundingSource, { decision, kind: f.kind, description: f.description?.trim() || null, amountFen: f.amountFen });
    }
    await uow.em.flush();
    if (request) await uow.run(advanceDecidedRequest, { request, to: RequestStatus.IN_PROGRESS, note: `${council.name}决定：${summary}` });
    await uow.emit('council.decision-made', {
      ...councilEventBase(council),
      decisionId: decision.uuid,
      proposalId: proposal.uuid,
      requestId: request?.uuid ?? null,
      actionItemIds: items.map((a) => a.uuid),
    });
    return decision;
  },
});

/** Whether `person` owns the action item: it is theirs, or they are a member of the owning organisation. */
async function owns(uow: UnitOfWork, item: CouncilActionItem, person: Person): Promise<boolean> {
  if (item.ownerPerson) return item.ownerPerson.uuid === person.uuid;
  return (await organizationMemberIds(uow, item.ownerOrganization!.uuid)).includes(person.uuid);
}

/**
 * When the last action item is done: the decision completes, and the request it came from is
 * walked to resolved if the person finishing may move it (`request.manage` there). An owner
 * without that right still finishes their share; the request then waits, in progress, for staff.
 */
async function complete(uow: UnitOfWork, decision: CouncilDecision): Promise<void> {
  const council = await councilOfDecision(uow, decision);
  decision.completedAt = uow.now();
  await uow.em.flush();
  const request = await requestOfAgendaItem(uow, decision.proposal.agendaItem);
  const resolve = !!request && mayMoveRequest(uow, request);
  if (request && resolve) {
    const note = `${council.name}决定「${decision.summary}」的分工已全部完成`;
    await uow.run(advanceDecidedRequest, { request, to: RequestStatus.RESOLVED, note });
  }
  await uow.emit('council.decision-completed', {
    ...councilEventBase(council),
    decisionId: decision.uuid,
    requestId: request?.uuid ?? null,
    requestResolved: resolve,
  });
}

/**
 * Moves an action item forward. Only its owner updates it: the owning person, or a member of
 * the owning organisation. The decision row is locked, so when the last two items are finished
 * at the same moment exactly one of them sees the decision complete.
 */
export const updateCouncilActionItem = defineCommand<{ actionItem: Named<CouncilActionItem>; status: ActionItemStatus }, CouncilActionItem>(
  {
    name: 'council.updateActionItem',
    async run(uow, { actionItem, status }) {
      const person = await uow.actingPerson();
      const decision = await lockedDecision(uow, actionItem.decision.uuid);
      const item = await uow.em.findOneOrFail(
        CouncilActionItem,
        { uuid: actionItem.uuid },
        { refresh: true, populate: ['ownerOrganization', 'ownerPerson'] },
      );
      if (!(await owns(uow, item, person))) {
        throw item.ownerPerson
          ? councilMessages.onlyOwnerUpdates.error({ itemTitle: item.title, owner: item.ownerPerson.name, personName: person.name }, 'id')
          : councilMessages.onlyOwnerOrganizationUpdates.error(
              { itemTitle: item.title, organizationName: item.ownerOrganization!.name, personName: person.name },
              'id',
            );
      }
      if (item.status === ActionItemStatus.DONE) {
        throw councilMessages.alreadyDoneFinishedShare.error({ itemTitle: item.title }, 'status');
      }
      item.status = status;
      item.updatedAt = uow.now();
      await uow.em.flush();
      const { done, total } = await announceActionItem(uow, decision, item);
      if (done === total && !decision.completedAt) await complete(uow, decision);
      return item;
    },
  },
);

/** Tells boards and listeners that `item` changed (`council.action-item-updated`), with its decision's progress. */
async function announceActionItem(
  uow: UnitOfWork,
  decision: CouncilDecision,
  item: CouncilActionItem,
): Promise<{ done: number; total: number }> {
  const { done, total } = await actionItemProgress(uow, decision);
  const council = await councilOfDecision(uow, decision);
  await uow.emit('council.action-item-updated', {
    ...councilEventBase(council),
    actionItemId: item.uuid,
    decisionId: decision.uuid,
    status: item.status,
    ownerPersonId: item.ownerPerson?.uuid ?? null,
    ownerOrganizationId: item.ownerOrganization?.uuid ?? null,
    done,
    total,
  });
  return { done, total };
}

/**
 * Gives an unfinished action item to another owner, exactly one: a person of the council's
 * community or an organisation of its subdistrict. Community staff (`council.manage`) do it when
 * its owner left, or their personal data was erased (only its owner moves an item forward).
 */
export const reassignCouncilActionItem = defineCommand<
  { actionItem: Named<CouncilActionItem>; ownerPerson?: Named<Person> | null; ownerOrganization?: Named<Organization> | null },
  CouncilActionItem
>({
  name: 'council.reassignActionItem',
  async run(uow, { actionItem, ownerPerson, ownerOrganization }) {
    const decision = await lockedDecision(uow, actionItem.decision.uuid);
    const council = await councilOfDecision(uow, decision);
    uow.actor.authorize(CouncilPermission.MANAGE, council.community.path);
    if (!ownerPerson === !ownerOrganization) {
      throw councilMessages.needsExactlyOneOwner.error(
        { field: 'id', itemTitle: actionItem.title },
        ownerPerson ? 'ownerOrganizationId' : 'ownerPersonId',
      );
    }
    if (ownerPerson) await uow.requireWithin(ownerPerson, council, 'ownerPersonId');
    if (ownerOrganization) await uow.requireWithin(ownerOrganization, council, 'ownerOrganizationId', ORGANISATIONS_OF_THE_SUBDISTRICT);
    const item = await uow.em.findOneOrFail(CouncilActionItem, { uuid: actionItem.uuid }, { refresh: true });
    if (item.status === ActionItemStatus.DONE) throw councilMessages.alreadyDoneFinishedShare.error({ itemTitle: item.title }, 'id');
    item.ownerPerson = ownerPerson ?? null;
    item.ownerOrganization = ownerOrganization ?? null;
    item.updatedAt = uow.now();
    await uow.em.flush();
    await announceActionItem(uow, decision, item);
    return item;
  },
});

/**
 * Announces an action item found unfinished after its due day (`council.action-item-overdue`)
 * and records when (`overdueAt`), once: under the item's row lock, so of two rounds at once (two
 * processes) the second finds it announced. True when this run announced it; false when it was
 * done, announced already, not due yet, or gone.
 */
export const announceOverdueActionItem = defineCommand<{ actionItemId: string }, boolean>({
  name: 'council.announceOverdueActionItem',
  async run(uow, { actionItemId }) {
    const item = await uow.em.findOne(CouncilActionItem, { uuid: actionItemId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!item || item.status === ActionItemStatus.DONE || item.overdueAt || item.dueOn >= communityDate(uow)) return false;
    item.overdueAt = uow.now();
    await uow.em.flush();
    const council = await councilOfDecision(uow, item.decision);
    await uow.emit('council.action-item-overdue', {
      ...councilEventBase(council),
      actionItemId: item.uuid,
      decisionId: item.decision.uuid,
      dueOn: item.dueOn,
      status: item.status,
      ownerPersonId: item.ownerPerson?.uuid ?? null,
      ownerOrganizationId: item.ownerOrganization?.uuid ?? null,
    });
    return true;
  },
});
