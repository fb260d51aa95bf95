import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** Who holds a time-bank account. Holders of other plugins are referred to by id only. */
export enum AccountHolderKind {
  PERSON = 'person',
  TEAM = 'team',
  ORGANIZATION = 'organization',
}
registerEnumType(AccountHolderKind, { name: 'MoralBankHolderKind', description: 'A person, a team or an organisation (集团客户).' });

/** An account of a community's moral bank (道德银行), in minutes of venue time. */
@Entity({ schema: 'moral_bank', tableName: 'account' })
@ObjectType({ implements: Node, description: "An account of a community's moral bank (道德银行)." })
export class MoralBankAccount implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('MoralBankAccount', this.uuid);
  }

  @Enum({ items: () => AccountHolderKind, nativeEnumName: 'moral_bank.holder_kind' })
  @Field(() => AccountHolderKind)
  holderKind!: AccountHolderKind;

  @Property({ type: 'uuid' })
  holderId!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'Name shown on statements.' })
  name!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @Field(() => Place, { description: 'The community whose bank keeps the account.' })
  community!: Place;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
