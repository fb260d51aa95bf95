import { BoundedList, batchLoader, type GongzhiContext, loadById, payloadType, perform, type Ref, RefArg, RefField } from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Resolver, Root, registerEnumType } from 'type-graphql';
import { MoralBankAccount } from '../account/account.entity.js';
import { MoralBankBooking } from '../booking/booking.entity.js';
import { reverseTransaction, transferMinutes } from './transaction.commands.js';
import { MoralBankEntry, MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { entriesOfTransactions } from './transaction.queries.js';

export const MoralBankTransactionPayload = payloadType('MoralBankTransactionPayload', 'transaction', () => MoralBankTransaction);

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
  @RefField(() => MoralBankAccount, { description: 'An account the signed-in person may spend from.' })
  fromAccountId!: Ref<MoralBankAccount>;

  @RefField(() => MoralBankAccount, { description: "An account of the same community's bank." })
  toAccountId!: Ref<MoralBankAccount>;

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
  @Mutation(() => MoralBankTransactionPayload, {
    description: 'Transfers or gifts minutes; the signed-in person must be allowed to spend from the sending account.',
  })
  transferMoralBankMinutes(@Arg('input', () => MoralBankTransferInput) input: MoralBankTransferInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, MoralBankTransactionPayload, transferMinutes, {
      from: input.fromAccountId,
      to: input.toAccountId,
      minutes: input.minutes,
      kind: input.kind === TransferKind.GIFT ? TransactionKind.GIFT : TransactionKind.TRANSFER,
      memo: input.memo ?? null,
      idempotencyKey: input.idempotencyKey,
    });
  }

  @Mutation(() => MoralBankTransactionPayload, {
    description: 'Corrects a transaction by posting its exact opposite; the ledger never changes or deletes an entry.',
  })
  reverseMoralBankTransaction(
    @RefArg('transactionId', () => MoralBankTransaction) transaction: Ref<MoralBankTransaction>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, MoralBankTransactionPayload, reverseTransaction, { transaction, reason });
  }

  @BoundedList('the double-entry lines of one transaction')
  @FieldResolver(() => [MoralBankEntry], { description: 'The entries, summing to zero.' })
  entries(@Root() tx: MoralBankTransaction, @Ctx() ctx: GongzhiContext): Promise<MoralBankEntry[]> {
    return batchLoader<string, MoralBankEntry[]>(ctx, 'MoralBankTransaction.entries', async (ids) => {
      const rows = await entriesOfTransactions(ctx.em, ids);
      return ids.map((id) =>
        rows
          .filter((r) => r.transactionId === id)
          .map((r) => Object.assign(new MoralBankEntry(), { amount: r.amount, accountId: r.accountId })),
      );
    }).load(tx.uuid);
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
