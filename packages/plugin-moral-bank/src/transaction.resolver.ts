import {
  actingPerson,
  authorize,
  batchLoader,
  canSee,
  type GongzhiContext,
  loadById,
  Person,
  Place,
  placePath,
  refId,
  requireEntity,
  requireVisible,
  userError,
} from '@gongzhi/core';
import { MoralBankPermission } from './moral-bank.permissions.js';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Resolver, Root, registerEnumType } from 'type-graphql';
import { MoralBankAccount } from './account.entity.js';
import { reverse, transfer } from './bank.service.js';
import { marks, sql } from './ledger.service.js';
import { MoralBankEntry, MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { MoralBankBooking } from './venue.entity.js';
import { t } from './db.js';

export enum TransferKind {
  TRANSFER = 'transfer',
  GIFT = 'gift',
}
registerEnumType(TransferKind, {
  name: 'MoralBankTransferKind',
  description: 'A transfer (e.g. a company depositing for its staff) or a gift (e.g. a team to a member).',
});

@InputType({ description: 'Minutes to move from one account to another of the same community bank.' })
export class MoralBankTransferInput {
  @Field(() => ID)
  fromAccountId!: string;

  @Field(() => ID)
  toAccountId!: string;

  @Field(() => Int, { description: 'Whole minutes, 1 to 60000.' })
  minutes!: number;

  @Field(() => TransferKind, { defaultValue: TransferKind.TRANSFER })
  kind!: TransferKind;

  @Field(() => String, { nullable: true })
  memo?: string | null;

  @Field(() => String, {
    description: 'Chosen by the client, unique per intended transfer: a retry with the same key and body returns the first result.',
  })
  idempotencyKey!: string;
}

@Resolver(() => MoralBankTransaction)
export class MoralBankTransactionResolver {
  @Mutation(() => MoralBankTransaction, {
    description: 'Transfers or gifts minutes; the signed-in person must be allowed to spend from the sending account.',
  })
  async transferMoralBankMinutes(
    @Arg('input', () => MoralBankTransferInput) input: MoralBankTransferInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankTransaction> {
    const actor = await actingPerson(ctx);
    const from = await requireVisible(ctx, ctx.em, MoralBankAccount, 'MoralBankAccount', input.fromAccountId, 'fromAccountId');
    const to = await requireEntity(ctx.em, MoralBankAccount, 'MoralBankAccount', input.toAccountId, 'toAccountId');
    return transfer(
      ctx,
      {
        from,
        to,
        minutes: input.minutes,
        kind: input.kind === TransferKind.GIFT ? TransactionKind.GIFT : TransactionKind.TRANSFER,
        memo: input.memo?.trim() || null,
        idempotencyKey: input.idempotencyKey,
      },
      actor,
    );
  }

  @Mutation(() => MoralBankTransaction, {
    description: 'Corrects a transaction by posting its exact opposite; the ledger never changes or deletes an entry.',
  })
  async reverseMoralBankTransaction(
    @Arg('transactionId', () => ID) transactionId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankTransaction> {
    const actor = await actingPerson(ctx);
    const original = await requireVisible(ctx, ctx.em, MoralBankTransaction, 'MoralBankTransaction', transactionId, 'transactionId');
    if (!(await canSee(ctx, original)))
      throw userError('NOT_FOUND', `No MoralBankTransaction has the id given in "transactionId" (${transactionId}).`, 'transactionId');
    await authorize(ctx, MoralBankPermission.MANAGE, await placePath(ctx, refId(original.community)!));
    return reverse(ctx, original, reason, actor);
  }

  @FieldResolver(() => [MoralBankEntry], { description: 'The entries, summing to zero.' })
  entries(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<MoralBankEntry[]> {
    return batchLoader<string, MoralBankEntry[]>(ctx, 'MoralBankTransaction.entries', async (ids) => {
      const rows = await sql<{ transaction_id: string; account_id: string; amount: number }>(
        ctx.em,
        `SELECT transaction_id, account_id, amount FROM ${t('entry')} WHERE transaction_id IN (${marks(ids)}) ORDER BY seq`,
        [...ids],
      );
      return ids.map((id) =>
        rows
          .filter((r) => r.transaction_id === id)
          .map((r) => Object.assign(new MoralBankEntry(), { amount: r.amount, accountId: r.account_id })),
      );
    }).load(tx.uuid);
  }

  @FieldResolver(() => Place)
  async community(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, tx.community.uuid))!;
  }

  @FieldResolver(() => Person, { nullable: true, description: 'Who posted it (null for earnings, which follow verification).' })
  actor(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    return tx.actor ? loadById(ctx, Person, tx.actor.uuid) : null;
  }

  @FieldResolver(() => MoralBankTransaction, { nullable: true, description: 'The transaction this one reverses.' })
  reverses(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<MoralBankTransaction | null> | null {
    return tx.reverses ? loadById(ctx, MoralBankTransaction, tx.reverses.uuid) : null;
  }

  @FieldResolver(() => MoralBankBooking, { nullable: true })
  booking(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<MoralBankBooking | null> | null {
    return tx.bookingId ? loadById(ctx, MoralBankBooking, tx.bookingId) : null;
  }
}

@Resolver(() => MoralBankEntry)
export class MoralBankEntryResolver {
  @FieldResolver(() => MoralBankAccount)
  async account(@Root() entry: MoralBankEntry, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount> {
    return (await loadById(ctx, MoralBankAccount, entry.accountId))!;
  }
}
