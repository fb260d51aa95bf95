import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Organization, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Who holds a time-bank account. Teams belong to the volunteer plugin and are kept by id only. */
export enum AccountHolderKind {
  PERSON = 'person',
  TEAM = 'team',
  ORGANIZATION = 'organization',
  /** The community bank's own issuance account: the other side of every earning and booking. */
  BANK = 'bank',
}
registerEnumType(AccountHolderKind, {
  name: 'MoralBankHolderKind',
  description: "A person, a volunteer team, an organisation (集团客户), or the bank's own issuance account.",
});

/**
 * An account of a community's moral bank (道德银行), in whole minutes of venue time. The
 * `balance` is a cache the database keeps equal to the sum of the account's entries.
 */
@Entity({ schema: 'moral_bank', tableName: 'account' })
@ObjectType({ implements: Node, description: "An account of a community's moral bank (道德银行), in minutes of venue time." })
export class MoralBankAccount extends NodeEntity<'balance' | 'minBalance' | 'inRankings'> {
  @Enum({ items: () => AccountHolderKind, nativeEnumName: 'moral_bank.holder_kind' })
  @Field(() => AccountHolderKind)
  holderKind!: AccountHolderKind;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Person, { nullable: true, description: 'The holder, when a person.' })
  person?: Person | null;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Organization, { nullable: true, description: 'The holder, when an organisation.' })
  organization?: Organization | null;

  /** uuid of the volunteer team (volunteer plugin), without a foreign key. */
  @Property({ type: 'uuid', nullable: true })
  teamId?: string | null;

  /** Who may spend a team account's minutes. */
  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  keeper?: Person | null;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'Name shown on statements.' })
  name!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { rows: true, description: 'The community whose bank keeps the account.' })
  community!: Place;

  /** Kept by the database from the entries; never written by code. */
  @Property({ type: 'integer', defaultRaw: '0' })
  @Field(() => Int, { description: 'Balance in minutes: always the sum of the account’s ledger entries.' })
  balance: number = 0;

  @Property({ type: 'integer', nullable: true, defaultRaw: '0' })
  @Field(() => Int, { nullable: true, description: 'The lowest balance allowed; null means no floor (only the bank’s issuance account).' })
  minBalance?: number | null = 0;

  @Property({ type: 'boolean', defaultRaw: 'false' })
  @Field(() => Boolean, { description: 'Whether the holder opted in to the top-contributor list.' })
  inRankings: boolean = false;

  @Field(() => Date)
  override createdAt!: Date;
}
