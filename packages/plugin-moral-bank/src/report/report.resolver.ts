import {
  BoundedList,
  authorize,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  pageOfRows,
  Place,
  type Ref,
  RefArg,
  RelationField,
  requireRef,
  toGlobalId,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { MoralBankAccount } from '../account/account.entity.js';
import { bankOptions } from '../options.js';
import { MoralBankPermission } from '../permissions.js';
import { requireCommunity } from '../place-types.js';
import { monthlySummary, topContributors, verifyLedger } from './report.queries.js';
import { bankMessages } from '../messages.js';

@ObjectType({ description: 'An account whose cached balance differs from the sum of its entries (should never happen).' })
export class MoralBankBalanceMismatch {
  @Field(() => ID)
  accountId!: string;

  @Field(() => Int)
  cachedBalance!: number;

  @Field(() => Int)
  entryBalance!: number;
}

@ObjectType({ description: 'The result of checking the ledger: ok when every rule holds.' })
export class MoralBankLedgerCheck {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int)
  transactions!: number;

  @Field(() => Int)
  entries!: number;

  @Field(() => Int, { description: 'Sum of all entries: always 0 in a sound double-entry ledger.' })
  entrySum!: number;

  /** What `balanceMismatches` pages, and the community checked (null: all). */
  mismatches!: MoralBankBalanceMismatch[];
  communityUuid!: string | null;

  @Field(() => [ID], { description: 'Transactions whose entries are fewer than two, do not sum to zero, or do not match their minutes.' })
  unbalancedTransactions!: string[];

  @Field(() => [ID], { description: 'Accounts below their floor.' })
  accountsBelowFloor!: string[];
}

@ObjectType({ description: "One month of a community bank's activity (in the bank's time zone)." })
export class MoralBankMonth {
  @Field(() => String, { description: 'YYYY-MM.' })
  month!: string;

  @Field(() => Int, { description: 'Service minutes verified (net of corrections).' })
  serviceMinutes!: number;

  @Field(() => Int, { description: 'Venue minutes earned for it.' })
  earnedMinutes!: number;

  @Field(() => Int, { description: 'Minutes spent on venues, net of refunds.' })
  spentMinutes!: number;

  @Field(() => Int, { description: 'Minutes moved between holders (transfers and gifts).' })
  transferredMinutes!: number;

  @Field(() => Int, { description: "Minutes held by all holders at the month's end." })
  outstandingMinutes!: number;
}

@ObjectType({ description: 'A person or team that opted in to the ranking, with the service they did.' })
export class MoralBankContributor {
  /** The account's uuid, loaded (batched) as the field. */
  @RelationField(() => MoralBankAccount)
  account!: string;

  @Field(() => Int)
  serviceMinutes!: number;
}

const MoralBankBalanceMismatchConnection = connectionType(MoralBankBalanceMismatch);
const MoralBankContributorConnection = connectionType(MoralBankContributor);
/** Most service first; the account's uuid orders ties, so equal service pages stably. */
const BY_SERVICE: ConnectionOrder<MoralBankContributor> = { keys: ['serviceMinutes', 'account'], direction: 'desc' };
const BY_ACCOUNT: ConnectionOrder<MoralBankBalanceMismatch> = { keys: ['accountId'], direction: 'asc' };

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

@Resolver()
export class MoralBankReportResolver {
  @Query(() => MoralBankLedgerCheck, {
    description:
      'Admin check of the ledger (all communities, or one): balanced transactions, cached balances equal to entries, floors held. Needs moral-bank.manage at the community, or everywhere for all communities.',
  })
  async verifyMoralBankLedger(
    @RefArg('communityId', () => Place, { nullable: true }) communityRef: Ref<Place> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankLedgerCheck> {
    const community = communityRef ? requireCommunity(await requireRef(ctx, communityRef), 'communityId') : null;
    // Its counts and ids span every community it checks: only their managers may see them ('' = everywhere).
    await authorize(ctx, MoralBankPermission.MANAGE, community?.path ?? '');
    const check = await verifyLedger(ctx.em, community?.uuid ?? null);
    return {
      ok: check.entrySum === 0 && check.mismatches.length === 0 && check.unbalanced.length === 0 && check.belowFloor.length === 0,
      transactions: check.transactions,
      entries: check.entries,
      entrySum: check.entrySum,
      mismatches: check.mismatches.map((m) => ({
        accountId: toGlobalId('MoralBankAccount', m.account_id),
        cachedBalance: m.cached,
        entryBalance: m.computed,
      })),
      communityUuid: community?.uuid ?? null,
      unbalancedTransactions: check.unbalanced.map((id) => toGlobalId('MoralBankTransaction', id)),
      accountsBelowFloor: check.belowFloor.map((id) => toGlobalId('MoralBankAccount', id)),
    };
  }

  @BoundedList('one row per month of the range asked')
  @Query(() => [MoralBankMonth], {
    description: "Monthly summary of a community's bank: earned, spent, transferred, outstanding. Months given as YYYY-MM, inclusive.",
  })
  async moralBankMonthlySummary(
    @RefArg('communityId', () => Place) communityRef: Ref<Place>,
    @Arg('fromMonth', () => String, { nullable: true }) fromMonth: string | null | undefined,
    @Arg('toMonth', () => String, { nullable: true }) toMonth: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankMonth[]> {
    const community = requireCommunity(await requireRef(ctx, communityRef), 'communityId');
    for (const [name, value] of [
      ['fromMonth', fromMonth],
      ['toMonth', toMonth],
    ] as const) {
      if (value && !MONTH.test(value)) throw bankMessages.monthYyyyMm.error({ name, value }, name);
    }
    const rows = await monthlySummary(ctx.em, community.uuid, bankOptions(ctx.services).timeZone, fromMonth ?? null, toMonth ?? null);
    return rows.map((r) => ({
      month: r.month,
      serviceMinutes: r.service_minutes,
      earnedMinutes: r.earned_minutes,
      spentMinutes: r.spent_minutes,
      transferredMinutes: r.transferred_minutes,
      outstandingMinutes: r.outstanding_minutes,
    }));
  }

  @Query(() => MoralBankContributorConnection, {
    description:
      'Top contributors of a community (people and teams that opted in), by service verified (most first), optionally since a date, a page at a time.',
  })
  async moralBankTopContributors(
    @RefArg('communityId', () => Place) communityRef: Ref<Place>,
    @Arg('since', () => Date, { nullable: true }) since: Date | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<MoralBankContributor>> {
    const community = requireCommunity(await requireRef(ctx, communityRef), 'communityId');
    const rows = await topContributors(ctx.em, community.uuid, since ?? null);
    const ranking = rows.map((r) => ({ account: r.account_id, serviceMinutes: r.service_minutes }));
    return pageOfRows(ranking, BY_SERVICE, page, {
      connection: 'Query.moralBankTopContributors',
      filter: { community: community.uuid, since: since ?? null },
      defaultSize: 10,
    });
  }
}

@Resolver(() => MoralBankLedgerCheck)
export class MoralBankLedgerCheckResolver {
  @FieldResolver(() => MoralBankBalanceMismatchConnection, {
    description: 'Accounts whose cached balance differs from their entries (none in a sound ledger), a page at a time.',
  })
  balanceMismatches(
    @Root() check: MoralBankLedgerCheck,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
  ): ConnectionPage<MoralBankBalanceMismatch> {
    return pageOfRows(check.mismatches, BY_ACCOUNT, page, {
      connection: 'MoralBankLedgerCheck.balanceMismatches',
      filter: { community: check.communityUuid },
      defaultSize: 50,
    });
  }
}
