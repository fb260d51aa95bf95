import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  hasMany,
  Organization,
  payloadType,
  Person,
  perform,
  Place,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { reassignCouncilActionItem, recordCouncilDecision, updateCouncilActionItem } from './decision.commands.js';
import { ActionItemStatus, CouncilActionItem, CouncilDecision, CouncilFundingSource } from './decision.entity.js';
import { newDecision, RecordCouncilDecisionInput } from './decision.inputs.js';
import { EARLIEST_FIRST } from '../db.js';
import { actionItemsUnder, decisionProgressOf, fundingTotalOf } from './decision.queries.js';
import { communityDate } from './due-day.js';

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

  @Mutation(() => CouncilActionItemPayload, {
    description:
      "Gives an unfinished action item to another owner, exactly one: a person of the council's community (ownerPersonId) or an organisation of its subdistrict (ownerOrganizationId). Community staff (council.manage) do it when its owner left or their personal data was erased.",
  })
  reassignCouncilActionItem(
    @RefArg('id', () => CouncilActionItem) actionItem: Ref<CouncilActionItem>,
    @RefArg('ownerPersonId', () => Person, { nullable: true }) ownerPerson: Ref<Person> | undefined,
    @RefArg('ownerOrganizationId', () => Organization, { nullable: true }) ownerOrganization: Ref<Organization> | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CouncilActionItemPayload, reassignCouncilActionItem, {
      actionItem,
      ownerPerson: ownerPerson ?? null,
      ownerOrganization: ownerOrganization ?? null,
    });
  }

  @FieldResolver(() => Int, { description: 'Sum of the funding, in fen.' })
  totalFundingFen(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<number> {
    return fundingTotalOf(ctx, decision.uuid);
  }

  @FieldResolver(() => CouncilProgress, { description: 'Progress of the action items, rolled up.' })
  async progress(@Root() decision: CouncilDecision, @Ctx() ctx: GongzhiContext): Promise<CouncilProgress> {
    const { done, inProgress, total } = await decisionProgressOf(ctx, decision.uuid);
    return Object.assign(new CouncilProgress(), { done, inProgress, total, ratio: total ? done / total : 0 });
  }
}

/** Adds `CouncilDecision.actionItems`. */
export const CouncilDecisionActionItemsResolver = hasMany(
  () => CouncilDecision,
  'actionItems',
  () => CouncilActionItem,
  'decision',
  {
    order: EARLIEST_FIRST,
    description: 'The shares of the work (分工), in the order they were recorded, a page at a time.',
  },
);

/** Adds `CouncilDecision.fundingSources`. */
export const CouncilDecisionFundingSourcesResolver = hasMany(
  () => CouncilDecision,
  'fundingSources',
  () => CouncilFundingSource,
  'decision',
  {
    order: EARLIEST_FIRST,
    description: 'Where the money comes from, in the order recorded, a page at a time.',
  },
);

const CouncilActionItemConnection = connectionType(CouncilActionItem);

@Resolver(() => CouncilActionItem)
export class CouncilActionItemResolver {
  @Query(() => CouncilActionItemConnection, {
    description:
      'Action items of the councils of communities under a place, optionally of some statuses; soonest due first, a page at a time. What a task board shows.',
  })
  async councilActionItems(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Arg('status', () => [ActionItemStatus], { nullable: true }) status: ActionItemStatus[] | null | undefined,
    @Arg('overdue', () => Boolean, {
      nullable: true,
      description: 'true: only unfinished items past their due day (what to chase up); false: only the others.',
    })
    overdue: boolean | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<CouncilActionItem>> {
    const filter = {
      under: await requireRef(ctx, under),
      status: status ?? null,
      overdue: overdue ?? null,
      today: communityDate(ctx),
    };
    return actionItemsUnder(ctx, filter, page);
  }

  @FieldResolver(() => Boolean, {
    description: 'Unfinished after its due day ended (the end of dueOn in the council time zone, the district one unless set), now.',
  })
  overdue(@Root() item: CouncilActionItem, @Ctx() ctx: GongzhiContext): boolean {
    return item.status !== ActionItemStatus.DONE && item.dueOn < communityDate(ctx);
  }
}

/** Adds `Organization.councilActionItems`. */
export const OrganizationCouncilActionItemsResolver = hasMany(
  () => Organization,
  'councilActionItems',
  () => CouncilActionItem,
  'ownerOrganization',
  {
    order: { keys: ['dueOn', 'uuid'], direction: 'asc' },
    description: 'Council action items this organisation owns, soonest due first, a page at a time (plugin council).',
  },
);
