import {
  type GongzhiContext,
  loadByForeignKey,
  Organization,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { recordCouncilDecision, updateCouncilActionItem } from './decision.commands.js';
import { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { newDecision, RecordCouncilDecisionInput } from './decision.inputs.js';
import { actionItemsUnder } from './decision.queries.js';

@ObjectType({ description: "How far a decision's action items have come." })
export class CouncilProgress {
  @Field(() => Int) done!: number;
  @Field(() => Int) inProgress!: number;
  @Field(() => Int) total!: number;
  @Field(() => Float, { description: 'done / total, from 0 to 1.' }) ratio!: number;
}

export const CouncilDecisionPayload = payloadType('CouncilDecisionPayload', 'decision', () => CouncilDecision);
export const CouncilActionItemPayload = payloadType('CouncilActionItemPayload', 'actionItem', () => CouncilActionItem);

@Resolver(() => CouncilDecision)
export class CouncilDecisionResolver {
  @Mutation(() => CouncilDecisionPayload, {
    description:
      'Records the decision on a passed proposal: action items (each with one owner and a due date) and funding (fen). On a request, it moves the request to IN_PROGRESS (needs request.manage there). Emits council.decision-made.',
  })
  recordCouncilDecision(@Arg('input', () => RecordCouncilDecisionInput) input: RecordCouncilDecisionInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, CouncilDecisionPayload, recordCouncilDecision, newDecision(input));
  }

  @Mutation(() => CouncilActionItemPayload, {
    description:
      'Moves an action item forward (its owner: the person, or a member of the organisation). When all are done the linked request is resolved, if the owner finishing may move it (request.manage); else it waits for staff.',
  })
  updateCouncilActionItem(
    @RefArg('id', () => CouncilActionItem) actionItem: Ref<CouncilActionItem>,
    @Arg('status', () => ActionItemStatus) status: ActionItemStatus,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilActionItemPayload, updateCouncilActionItem, { actionItem, status });
  }

  @FieldResolver(() => [CouncilActionItem], { description: 'The shares of the work (分工), in the order they were recorded.' })
  actionItems(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilActionItem[]> {
    return loadByForeignKey(ctx, CouncilActionItem, 'decision', decision.uuid, { createdAt: 'asc' });
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
      'Action items of the councils of communities under a place, optionally of some statuses; soonest due first, at most `first` (up to 100). What a task board shows.',
  })
  async councilActionItems(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('status', () => [ActionItemStatus], { nullable: true }) status: ActionItemStatus[] | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilActionItem[]> {
    return actionItemsUnder(ctx, { under: await requireRef(ctx, under), status: status ?? null, first });
  }
}

/** Adds `Organization.councilActionItems`. */
@Resolver(() => Organization)
export class OrganizationCouncilActionItemsResolver {
  @FieldResolver(() => [CouncilActionItem], { description: 'Council action items this organisation owns, by due date (plugin council).' })
  councilActionItems(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<CouncilActionItem[]> {
    return loadByForeignKey(ctx, CouncilActionItem, 'ownerOrganization', organization.uuid, { dueOn: 'asc' });
  }
}
