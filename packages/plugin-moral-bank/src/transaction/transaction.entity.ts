import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { GlobalIdEntity, Node, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What a ledger transaction records. */
export enum TransactionKind {
  /** Verified service credited at the community's rate (negative for a verified correction). */
  EARN = 'earn',
  TRANSFER = 'transfer',
  GIFT = 'gift',
  BOOKING = 'booking',
  REFUND = 'refund',
  /** A correction: the exact opposite of an earlier transaction. */
  REVERSAL = 'reversal',
}
registerEnumType(TransactionKind, {
  name: 'MoralBankTransactionKind',
  description: 'Earning, transfer, gift, booking, refund or reversal.',
});

/**
 * One balanced ledger transaction. Rows are written by SQL (ledger.ts) and never
 * change (the database refuses UPDATE and DELETE); this entity only reads them.
 */
@Entity({ schema: 'moral_bank', tableName: 'ledger_transaction', readonly: true })
@ObjectType({ implements: Node, description: 'A balanced, append-only ledger transaction of a moral bank.' })
export class MoralBankTransaction extends GlobalIdEntity {
  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place)
  community!: Place;

  @Enum({ items: () => TransactionKind, nativeEnumName: 'moral_bank.transaction_kind' })
  @Field(() => TransactionKind)
  kind!: TransactionKind;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Minutes moved (the sum of the credits).' })
  minutes!: number;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Earnings: venue minutes per service minute applied ("5 for 1" is 5).' })
  rate?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Earnings: the verified service minutes (negative for a correction).' })
  serviceMinutes?: number | null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => String, { nullable: true, description: 'Earnings: uuid of the verified service entry (volunteer plugin).' })
  sourceId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  teamId?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The key the client supplied (transfers and gifts).' })
  idempotencyKey?: string | null;

  @Property({ type: 'text', nullable: true })
  requestHash?: string | null;

  @ManyToOne(() => MoralBankTransaction, { nullable: true })
  @RelationField(() => MoralBankTransaction, { nullable: true, description: 'The transaction this one reverses.' })
  reverses?: MoralBankTransaction | null;

  @Property({ type: 'uuid', nullable: true })
  bookingId?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  memo?: string | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true, description: 'Who posted it (null for earnings, which follow verification).' })
  actor?: Person | null;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  occurredAt!: Date;
}

/** One line of a transaction: an amount on one account (credit > 0, debit < 0). */
@ObjectType({ description: 'One entry of a ledger transaction: minutes added to (positive) or taken from (negative) an account.' })
export class MoralBankEntry {
  @Field(() => Int)
  amount!: number;

  accountId!: string;
}
