import {
  batchLoader,
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  Node,
  Organization,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  toGlobalId,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { MoralBankBooking } from '../booking/booking.entity.js';
import { MoralBankTransaction, TransactionKind } from '../transaction/transaction.entity.js';
import { type Holder, openAccount, setRankingOptIn } from './account.commands.js';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import { activityPoints, statementLines, type StatementRow } from './account.queries.js';
import { bankMessages } from '../messages.js';

export const MoralBankAccountPayload = payloadType('MoralBankAccountPayload', 'account', () => MoralBankAccount);

/** One line of an account's statement, with the balance right after it. */
@ObjectType({ description: "One line of an account's statement: the entry and the running balance after it." })
export class MoralBankStatementLine {
  @Field(() => MoralBankTransaction)
  transaction!: MoralBankTransaction;

  @Field(() => TransactionKind)
  kind!: TransactionKind;

  @Field(() => Int, { description: 'Minutes added (positive) or taken (negative).' })
  amount!: number;

  @Field(() => Int, { description: 'Running balance after this line (a window over the whole history).' })
  balanceAfter!: number;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  memo?: string | null;

  @Field(() => String, { nullable: true, description: 'The other accounts of the transaction.' })
  counterparty?: string | null;
}

@Resolver(() => MoralBankAccount)
export class MoralBankAccountResolver {
  @Mutation(() => MoralBankAccountPayload, {
    description:
      "Opens an account in a community's moral bank for a person, an organisation (集团客户) or a volunteer team (the signed-in person becomes the team account's keeper). The holder must belong to the community. Opening an existing account returns it.",
  })
  openMoralBankAccount(
    @RefArg('communityId', () => Place) community: Ref<Place>,
    @Arg('holderKind', () => AccountHolderKind) holderKind: AccountHolderKind,
    @RefArg('holderId', () => Node, { description: 'A Person, a VolunteerTeam or an Organization, as holderKind says.' })
    holder: Ref<Holder>,
    @Arg('name', () => String, { nullable: true, description: "Name on statements; defaults to the holder's name." })
    name: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, MoralBankAccountPayload, openAccount, { community, holderKind, holder, name });
  }

  @Mutation(() => MoralBankAccountPayload, {
    description: 'Opts an account in to (or out of) the public top-contributor list; only its holder may.',
  })
  setMoralBankRankingOptIn(
    @RefArg('accountId', () => MoralBankAccount) account: Ref<MoralBankAccount>,
    @Arg('optIn', () => Boolean) optIn: boolean,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, MoralBankAccountPayload, setRankingOptIn, { account, optIn });
  }

  @FieldResolver(() => ID, {
    description: 'Global id of the holder: a Person, an Organization, a VolunteerTeam, or (the bank) the community Place.',
  })
  holderId(@Root() account: MoralBankAccount): string {
    switch (account.holderKind) {
      case AccountHolderKind.PERSON:
        return toGlobalId('Person', account.person!.uuid);
      case AccountHolderKind.ORGANIZATION:
        return toGlobalId('Organization', account.organization!.uuid);
      case AccountHolderKind.TEAM:
        return toGlobalId('VolunteerTeam', account.teamId!);
      default:
        return toGlobalId('Place', account.community.uuid);
    }
  }

  @FieldResolver(() => Int, {
    description: 'Activity points (积分): service minutes verified in the last 365 days; they open priority windows.',
  })
  activityPoints(@Root() account: MoralBankAccount, @Ctx() ctx: GongzhiContext): Promise<number> {
    return batchLoader<string, number>(ctx, 'MoralBankAccount.activityPoints', async (ids) => {
      const points = await activityPoints(ctx.em, ids, ctx.now());
      return ids.map((id) => points.get(id) ?? 0);
    }).load(account.uuid);
  }

  @FieldResolver(() => [MoralBankStatementLine], {
    description: 'Statement: entries in posting order with the running balance, optionally within [from, to).',
  })
  async statement(
    @Root() account: MoralBankAccount,
    @Arg('from', () => Date, { nullable: true }) from: Date | null | undefined,
    @Arg('to', () => Date, { nullable: true }) to: Date | null | undefined,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankStatementLine[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw bankMessages.firstFrom1To500.error('first');
    const key = `MoralBankAccount.statement:${from?.toISOString() ?? ''}:${to?.toISOString() ?? ''}:${first}`;
    const rows = await batchLoader<string, StatementRow[]>(ctx, key, async (ids) => {
      const lines = await statementLines(ctx.em, ids, from ?? null, to ?? null, first);
      return ids.map((id) => lines.filter((l) => l.account_id === id));
    }).load(account.uuid);
    return Promise.all(
      rows.map(async (r) => ({
        transaction: (await loadById(ctx, MoralBankTransaction, r.transaction_id))!,
        kind: r.kind as TransactionKind,
        amount: r.amount,
        balanceAfter: r.balance_after,
        occurredAt: new Date(r.occurred_at),
        memo: r.memo,
        counterparty: r.counterparty,
      })),
    );
  }

  @FieldResolver(() => [MoralBankBooking], { description: 'Bookings paid from this account, latest first.' })
  bookings(@Root() account: MoralBankAccount, @Ctx() ctx: GongzhiContext): Promise<MoralBankBooking[]> {
    return loadByForeignKey(ctx, MoralBankBooking, 'account', account.uuid, { startsAt: 'desc' });
  }
}

/** Adds `Person.moralBankAccounts`. */
@Resolver(() => Person)
export class PersonMoralBankResolver {
  @FieldResolver(() => [MoralBankAccount], { description: "The person's moral-bank accounts, one per community (plugin moral-bank)." })
  moralBankAccounts(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount[]> {
    return loadByForeignKey(ctx, MoralBankAccount, 'person', person.uuid, { name: 'asc' });
  }
}

/** Adds `Organization.moralBankAccounts`. */
@Resolver(() => Organization)
export class OrganizationMoralBankResolver {
  @FieldResolver(() => [MoralBankAccount], {
    description: "The organisation's moral-bank accounts as a group customer (集团客户) (plugin moral-bank).",
  })
  moralBankAccounts(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount[]> {
    return loadByForeignKey(ctx, MoralBankAccount, 'organization', organization.uuid, { name: 'asc' });
  }
}

/** Adds `Place.moralBankAccounts`. */
@Resolver(() => Place)
export class PlaceMoralBankResolver {
  @FieldResolver(() => [MoralBankAccount], { description: "Accounts of this community's moral bank (plugin moral-bank)." })
  moralBankAccounts(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount[]> {
    return loadByForeignKey(ctx, MoralBankAccount, 'community', place.uuid, { name: 'asc' });
  }
}
