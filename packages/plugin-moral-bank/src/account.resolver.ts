import { MoralBankPermission } from './moral-bank.permissions.js';
import {
  actingPerson,
  authorize,
  batchLoader,
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  localId,
  Organization,
  Person,
  Place,
  PlaceType,
  requireEntity,
  requireVisible,
  requirePlace,
  toGlobalId,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import { activityPoints } from './booking.service.js';
import { ensureAccount, sql } from './ledger.service.js';
import { bankOptions } from './moral-bank.service.js';
import { statementLines, type StatementRow } from './report.service.js';
import { MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { MoralBankBooking } from './venue.entity.js';
import { t } from './db.js';

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
  @Mutation(() => MoralBankAccount, {
    description:
      "Opens an account in a community's moral bank for a person, an organisation (集团客户) or a volunteer team (holderId is then the team's VolunteerTeam id; the signed-in person becomes its keeper). Opening an existing account returns it.",
  })
  async openMoralBankAccount(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('holderKind', () => AccountHolderKind) holderKind: AccountHolderKind,
    @Arg('holderId', () => ID) holderId: string,
    @Arg('name', () => String, { nullable: true, description: "Name on statements; defaults to the holder's name (required for teams)." })
    name: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankAccount> {
    const community = await requirePlace(ctx, communityId, 'communityId', [PlaceType.COMMUNITY]);
    const label = name?.trim();
    if (label !== undefined && (label.length < 1 || label.length > 100))
      throw userError('BAD_USER_INPUT', '"name" must be 1 to 100 characters.', 'name');
    let holder: Parameters<typeof ensureAccount>[2];
    if (holderKind === AccountHolderKind.PERSON) {
      const person = await requireEntity(ctx.em, Person, 'Person', holderId, 'holderId');
      holder = { kind: holderKind, id: person.uuid, name: label ?? person.name };
    } else if (holderKind === AccountHolderKind.ORGANIZATION) {
      const org = await requireVisible(ctx, ctx.em, Organization, 'Organization', holderId, 'holderId');
      holder = { kind: holderKind, id: org.uuid, name: label ?? org.name };
    } else if (holderKind === AccountHolderKind.TEAM) {
      const keeper = await actingPerson(ctx);
      if (!label)
        throw userError(
          'BAD_USER_INPUT',
          '"name" is required for a team account: the bank does not read the volunteer plugin\'s tables.',
          'name',
        );
      holder = { kind: holderKind, id: localId(holderId, 'VolunteerTeam', 'holderId'), name: label, keeperId: keeper.uuid };
    } else {
      throw userError(
        'BAD_USER_INPUT',
        "The bank's issuance account opens by itself with the first earning; open accounts for PERSON, TEAM or ORGANIZATION holders.",
        'holderKind',
      );
    }
    const id = await ctx.events.transaction(ctx.em, async ({ em }) => (await ensureAccount(em, community.uuid, holder)).id);
    return ctx.em.fork().findOneOrFail(MoralBankAccount, { uuid: id });
  }

  @Mutation(() => MoralBankAccount, {
    description: 'Opts an account in to (or out of) the public top-contributor list; only its holder may.',
  })
  async setMoralBankRankingOptIn(
    @Arg('accountId', () => ID) accountId: string,
    @Arg('optIn', () => Boolean) optIn: boolean,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankAccount> {
    const actor = await actingPerson(ctx);
    const account = await requireVisible(ctx, ctx.em, MoralBankAccount, 'MoralBankAccount', accountId, 'accountId');
    const mayDecide =
      (account.holderKind === AccountHolderKind.PERSON && account.person?.uuid === actor.uuid) ||
      (account.holderKind === AccountHolderKind.TEAM && account.keeper?.uuid === actor.uuid);
    if (!mayDecide)
      throw userError(
        'NOT_ACCOUNT_HOLDER',
        `Only the holder of ${account.name} (a person, or a team's keeper) decides whether it is ranked.`,
        'accountId',
      );
    await ctx.events.transaction(ctx.em, async ({ em }) => {
      await sql(em, `UPDATE ${t('account')} SET in_rankings = ? WHERE id = ?`, [optIn, account.uuid]);
    });
    return ctx.em.fork().findOneOrFail(MoralBankAccount, { uuid: account.uuid });
  }

  @Mutation(() => Int, {
    description:
      'Sets how many venue minutes one minute of verified service earns in a community ("5 for 1" is 5); applies to later earnings.',
  })
  async setMoralBankRate(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('rate', () => Int) rate: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<number> {
    const community = await requirePlace(ctx, communityId, 'communityId', [PlaceType.COMMUNITY]);
    await authorize(ctx, MoralBankPermission.MANAGE, community.path);
    if (!Number.isInteger(rate) || rate < 1 || rate > 100)
      throw userError('BAD_USER_INPUT', `"rate" must be a whole number from 1 to 100 (5 means "5 for 1"); got ${rate}.`, 'rate');
    await ctx.events.transaction(ctx.em, async ({ em }) => {
      await sql(
        em,
        `INSERT INTO ${t('community_settings')} (community_id, rate, updated_at) VALUES (?, ?, ?) ON CONFLICT (community_id) DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at`,
        [community.uuid, rate, ctx.now()],
      );
    });
    return rate;
  }

  @Query(() => Int, { description: "A community's rate: venue minutes per minute of verified service." })
  async moralBankRate(@Arg('communityId', () => ID) communityId: string, @Ctx() ctx: GongzhiContext): Promise<number> {
    const community = await requirePlace(ctx, communityId, 'communityId', [PlaceType.COMMUNITY]);
    const [row] = await sql<{ rate: number }>(ctx.em, `SELECT rate FROM ${t('community_settings')} WHERE community_id = ?`, [
      community.uuid,
    ]);
    return row?.rate ?? bankOptions(ctx).defaultRate;
  }

  @FieldResolver(() => Place, { description: 'The community whose bank keeps the account.' })
  async community(@Root() account: MoralBankAccount, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, account.community.uuid))!;
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

  @FieldResolver(() => Person, { nullable: true, description: 'The holder, when a person.' })
  person(@Root() account: MoralBankAccount, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    return account.person ? loadById(ctx, Person, account.person.uuid) : null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The holder, when an organisation.' })
  organization(@Root() account: MoralBankAccount, @Ctx() ctx: GongzhiContext): Promise<Organization | null> | null {
    return account.organization ? loadById(ctx, Organization, account.organization.uuid) : null;
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
    if (!Number.isInteger(first) || first < 1 || first > 500) throw userError('BAD_USER_INPUT', '"first" must be from 1 to 500.', 'first');
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
