import {
  batchLoader,
  ByParentKey,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  coreMessages,
  type GongzhiContext,
  hasMany,
  loadById,
  loadPageByForeignKey,
  Node,
  Organization,
  pageOfRows,
  pageRequest,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  refId,
  toGlobalId,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { MoralBankBooking } from '../booking/booking.entity.js';
import { MoralBankTransaction, TransactionKind } from '../transaction/transaction.entity.js';
import { type Holder, openAccount, setKeeper, setRankingOptIn } from './account.commands.js';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import { activityPoints, statementPages, type StatementRow } from './account.queries.js';

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

  /** Its place in the posting order: the statement's order and cursor. */
  seq!: number;
}

const MoralBankAccountConnection = connectionType(MoralBankAccount);
const MoralBankStatementLineConnection = connectionType(MoralBankStatementLine);

/** A statement: newest first by posting order (`seq` is unique and follows posting). */
const BY_POSTING: ConnectionOrder<MoralBankStatementLine> = { keys: ['seq'], direction: 'desc' };
const STATEMENT_PAGE = 50;
const ACCOUNTS_BY_NAME: ConnectionOrder<MoralBankAccount> = { keys: ['name', 'uuid'], direction: 'asc' };

/** A page of the accounts whose `foreignKey` points at the parent, as plain rows (their fields read columns only). */
function accountsOf(
  ctx: GongzhiContext,
  foreignKey: 'person' | 'organization' | 'community',
  parentUuid: string,
  page: ConnectionArgs,
  connection: string,
): Promise<ConnectionPage<MoralBankAccount>> {
  return loadPageByForeignKey(ctx, MoralBankAccount, foreignKey, parentUuid, ACCOUNTS_BY_NAME, page, {
    connection,
    defaultSize: 50,
    rows: true,
  });
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

  @Mutation(() => MoralBankAccountPayload, {
    description:
      "Names the keeper of a team account, who may spend its minutes (staff holding moral-bank.manage at its community): a team whose keeper left, or whose keeper's personal data was erased, spends again. The keeper must be of the account's community (OUT_OF_SCOPE otherwise).",
  })
  setMoralBankAccountKeeper(
    @RefArg('accountId', () => MoralBankAccount) account: Ref<MoralBankAccount>,
    @RefArg('keeperId', () => Person) keeper: Ref<Person>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, MoralBankAccountPayload, setKeeper, { account, keeper });
  }

  @FieldResolver(() => ID, {
    description: 'Global id of the holder: a Person, an Organization, a VolunteerTeam, or (the bank) the community Place.',
  })
  holderId(@Root() account: MoralBankAccount): string {
    switch (account.holderKind) {
      case AccountHolderKind.PERSON:
        return toGlobalId('Person', refId(account.person)!);
      case AccountHolderKind.ORGANIZATION:
        return toGlobalId('Organization', refId(account.organization)!);
      case AccountHolderKind.TEAM:
        return toGlobalId('VolunteerTeam', account.teamId!);
      default:
        return toGlobalId('Place', refId(account.community)!);
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

  @FieldResolver(() => MoralBankStatementLineConnection, {
    description:
      'Statement: entries newest first (posting order) with the running balance after each, optionally within [from, to), a page at a time.',
  })
  async statement(
    @Root() account: MoralBankAccount,
    @Arg('from', () => Date, { nullable: true }) from: Date | null | undefined,
    @Arg('to', () => Date, { nullable: true }) to: Date | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<MoralBankStatementLine>> {
    const filter = { from: from ?? null, to: to ?? null };
    const options = { connection: 'MoralBankAccount.statement', filter, defaultSize: STATEMENT_PAGE };
    const request = pageRequest(page, STATEMENT_PAGE, BY_POSTING.keys.length, options.connection, filter);
    const past = request.from && Number(request.from[0]);
    if (past !== null && !Number.isSafeInteger(past)) {
      const argument = request.backward ? 'before' : 'after';
      throw coreMessages.notACursor.topLevel({ argument }, { argument });
    }
    const range = { ...filter, size: request.size + 1, backward: request.backward, past };
    const rows =
      request.size === 0
        ? []
        : await batchLoader<string, StatementRow[]>(ctx, `MoralBankAccount.statement:${JSON.stringify(range)}`, async (ids) => {
            const lines = await statementPages(ctx.em, ids, range);
            return ids.map((id) => lines.filter((l) => l.account_id === id));
          }).load(account.uuid);
    const lines = await Promise.all(
      rows.map(async (r) => ({
        transaction: (await loadById(ctx, MoralBankTransaction, r.transaction_id))!,
        kind: r.kind as TransactionKind,
        amount: r.amount,
        balanceAfter: r.balance_after,
        occurredAt: new Date(r.occurred_at),
        memo: r.memo,
        counterparty: r.counterparty,
        seq: Number(r.seq),
      })),
    );
    // The lines SQL read are the page and one more, past the cursor: pageOfRows cuts from them the page it would cut from the whole statement.
    return pageOfRows(lines, BY_POSTING, page, options);
  }
}

/** Adds `MoralBankAccount.bookings`. */
export const MoralBankAccountBookingsResolver = hasMany(
  () => MoralBankAccount,
  'bookings',
  () => MoralBankBooking,
  'account',
  {
    order: { keys: ['startsAt', 'uuid'], direction: 'desc' },
    description: 'Bookings paid from this account, latest start first, a page at a time.',
  },
);

/** Adds `Person.moralBankAccounts`. */
@Resolver(() => Person)
export class PersonMoralBankResolver {
  @ByParentKey()
  @FieldResolver(() => MoralBankAccountConnection, {
    description: "The person's moral-bank accounts, one per community, by name, a page at a time (plugin moral-bank).",
  })
  moralBankAccounts(@Root() person: Person, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext) {
    return accountsOf(ctx, 'person', person.uuid, page, 'Person.moralBankAccounts');
  }
}

/** Adds `Organization.moralBankAccounts`. */
@Resolver(() => Organization)
export class OrganizationMoralBankResolver {
  @ByParentKey()
  @FieldResolver(() => MoralBankAccountConnection, {
    description: "The organisation's moral-bank accounts as a group customer (集团客户), by name, a page at a time (plugin moral-bank).",
  })
  moralBankAccounts(@Root() organization: Organization, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext) {
    return accountsOf(ctx, 'organization', organization.uuid, page, 'Organization.moralBankAccounts');
  }
}

/** Adds `Place.moralBankAccounts`. */
@Resolver(() => Place)
export class PlaceMoralBankResolver {
  @ByParentKey()
  @FieldResolver(() => MoralBankAccountConnection, {
    description: "Accounts of this community's moral bank, by name, a page at a time (plugin moral-bank).",
  })
  moralBankAccounts(@Root() place: Place, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext) {
    return accountsOf(ctx, 'community', place.uuid, page, 'Place.moralBankAccounts');
  }
}
