import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Organization, Person, toGlobalId } from '@gongzhi/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ActionItemStatus, FundingKind } from './council-enums.js';
import { CouncilProposal } from './proposal.entity.js';

/** What a council decided on a passed proposal: who does what by when, paid from where. */
@Entity({ schema: 'council', tableName: 'decision' })
@ObjectType({ implements: Node, description: 'A decision: the action items (明确了各自分工) and the funding of a passed proposal.' })
export class CouncilDecision implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'completedAt' | 'decidedBy';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('CouncilDecision', this.uuid);
  }

  @ManyToOne(() => CouncilProposal, { deleteRule: 'restrict', unique: true })
  proposal!: CouncilProposal;

  @Property({ type: 'text' })
  @Field(() => String)
  summary!: string;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  decidedBy?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the last action item was done.' })
  completedAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt: Date = new Date();
}

/** A share of the work (分工): owned by exactly one organisation or person, due on a date. */
@Entity({ schema: 'council', tableName: 'action_item' })
@ObjectType({ implements: Node, description: 'A share of the work a decision assigns, owned by an organisation or a person.' })
export class CouncilActionItem implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'updatedAt' | 'status' | 'ownerOrganization' | 'ownerPerson';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('CouncilActionItem', this.uuid);
  }

  @ManyToOne(() => CouncilDecision, { deleteRule: 'cascade' })
  decision!: CouncilDecision;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'restrict' })
  ownerOrganization?: Organization | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  ownerPerson?: Person | null;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'YYYY-MM-DD.' })
  dueOn!: string;

  /** The materialized path of the council's community (copied on creation, for live task boards). */
  @Property({ type: 'text' })
  placePath!: string;

  @Enum({ items: () => ActionItemStatus, nativeEnumName: 'council.action_item_status' })
  @Field(() => ActionItemStatus)
  status: ActionItemStatus = ActionItemStatus.TODO;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => Date)
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Money a decision names, in fen (分, 1/100 yuan): a whole, non-negative number. */
@Entity({ schema: 'council', tableName: 'funding_source' })
@ObjectType({ implements: Node, description: 'Where the money for a decision comes from; amounts in fen (分, 1/100 yuan).' })
export class CouncilFundingSource implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'description';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('CouncilFundingSource', this.uuid);
  }

  @ManyToOne(() => CouncilDecision, { deleteRule: 'cascade' })
  decision!: CouncilDecision;

  @Enum({ items: () => FundingKind, nativeEnumName: 'council.funding_kind' })
  @Field(() => FundingKind)
  kind!: FundingKind;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Amount in fen (分): 1 yuan = 100 fen. Never negative.' })
  amountFen!: number;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
