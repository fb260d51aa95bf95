import { type GongzhiContext, loadById, loadByForeignKey, Organization, pageSize, Person, refId, requirePlace } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ActionItemStatus } from './council-enums.js';
import { RecordCouncilDecisionInput } from './council.inputs.js';
import { CouncilService } from './council.service.js';
import { CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { CouncilProposal } from './proposal.entity.js';

@ObjectType({ description: "How far a decision's action items have come." })
export class CouncilProgress {
  @Field(() => Int) done!: number;
  @Field(() => Int) inProgress!: number;
  @Field(() => Int) total!: number;
  @Field(() => Float, { description: 'done / total, from 0 to 1.' }) ratio!: number;
}

@Resolver(() => CouncilDecision)
export class CouncilDecisionResolver {
  @Mutation(() => CouncilDecision, {
    description:
      'Records the decision on a passed proposal: action items (each with one owner and a due date) and funding (fen). Emits council.decision-made.',
  })
  recordCouncilDecision(
    @Arg('input', () => RecordCouncilDecisionInput) input: RecordCouncilDecisionInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilDecision> {
    return new CouncilService(ctx).recordDecision(input);
  }

  @Mutation(() => CouncilActionItem, {
    description:
      'Moves an action item forward (its owner: the person, or a member of the organisation). When all are done the linked request is resolved.',
  })
  updateCouncilActionItem(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => ActionItemStatus) status: ActionItemStatus,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilActionItem> {
    return new CouncilService(ctx).updateActionItem(id, status);
  }

  @FieldResolver(() => CouncilProposal)
  async proposal(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilProposal> {
    return (await loadById(ctx, CouncilProposal, refId(decision.proposal)!))!;
  }

  @FieldResolver(() => Person, { nullable: true })
  decidedBy(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(decision.decidedBy);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => [CouncilActionItem], { description: 'The shares of the work (分工), by due date.' })
  actionItems(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilActionItem[]> {
    return loadByForeignKey(ctx, CouncilActionItem, 'decision', decision.uuid, { dueOn: 'asc', createdAt: 'asc' });
  }

  @FieldResolver(() => [CouncilFundingSource])
  fundingSources(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilFundingSource[]> {
    return loadByForeignKey(ctx, CouncilFundingSource, 'decision', decision.uuid, { createdAt: 'asc' });
  }

  @FieldResolver(() => Int, { description: 'Sum of the funding, in fen.' })
  async totalFundingFen(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<number> {
    return (await this.fundingSources(decision, ctx)).reduce((sum, f) => sum + f.amountFen, 0);
  }

  @FieldResolver(() => CouncilProgress, { description: 'Progress of the action items, rolled up.' })
  async progress(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilProgress> {
    const items = await this.actionItems(decision, ctx);
    const done = items.filter((i) => i.status === ActionItemStatus.DONE).length;
    const inProgress = items.filter((i) => i.status === ActionItemStatus.IN_PROGRESS).length;
    return Object.assign(new CouncilProgress(), { done, inProgress, total: items.length, ratio: items.length ? done / items.length : 0 });
  }
}

@Resolver(() => CouncilActionItem)
export class CouncilActionItemResolver {
  @Query(() => [CouncilActionItem], {
    description:
      'Action items of the councils of communities under a place, optionally of some statuses; soonest due first (at most 500). What a task board shows.',
  })
  async councilActionItems(
    @Arg('under', () => ID) under: string,
    @Arg('status', () => [ActionItemStatus], { nullable: true }) status: ActionItemStatus[] | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilActionItem[]> {
    const root = await requirePlace(ctx, under, 'under');
    return ctx.em.find(
      CouncilActionItem,
      {
        ...(status?.length ? { status: { $in: status } } : {}),
        decision: { proposal: { agendaItem: { meeting: { council: { community: { path: { $like: `${root.path}%` } } } } } } },
      },
      { orderBy: { dueOn: 'asc', uuid: 'asc' }, limit: pageSize(first, 50) },
    );
  }

  @FieldResolver(() => CouncilDecision)
  async decision(@Root() item: CouncilActionItem, @Ctx() ctx: GongzhiContext): Promise<CouncilDecision> {
    return (await loadById(ctx, CouncilDecision, refId(item.decision)!))!;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The owning organisation (or null when a person owns it).' })
  ownerOrganization(@Root() item: CouncilActionItem, @Ctx() ctx: GongzhiContext): Promise<Organization | null> | null {
    const id = refId(item.ownerOrganization);
    return id ? loadById(ctx, Organization, id) : null;
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The owning person (or null when an organisation owns it).' })
  ownerPerson(@Root() item: CouncilActionItem, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(item.ownerPerson);
    return id ? loadById(ctx, Person, id) : null;
  }
}
