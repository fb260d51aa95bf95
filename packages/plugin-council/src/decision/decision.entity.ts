import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Organization, Person, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CouncilProposal } from '../proposal/proposal.entity.js';

export enum ActionItemStatus {
  TODO = 'todo',
  IN_PROGRESS = 'in_progress',
  DONE = 'done',
}

/** Where the money comes from (e.g. 停车和广告收益 paid for new door access). */
export enum FundingKind {
  PARKING_AND_ADVERTISING_INCOME = 'parking_and_advertising_income',
  HOUSING_MAINTENANCE_FUND = 'housing_maintenance_fund',
  SUBDISTRICT_ALLOCATION = 'subdistrict_allocation',
  OWNERS_CONTRIBUTION = 'owners_contribution',
  PROPERTY_COMPANY = 'property_company',
  DONATION = 'donation',
  OTHER = 'other',
}

registerEnumType(ActionItemStatus, { name: 'CouncilActionItemStatus' });
registerEnumType(FundingKind, {
  name: 'CouncilFundingKind',
  description: 'Parking and advertising income, housing maintenance fund, subdistrict allocation…',
});

/** What a council decided on a passed proposal: who does what by when, paid from where. */
@Entity({ schema: 'council', tableName: 'decision' })
@ObjectType({ implements: Node, description: 'A decision: the action items (明确了各自分工) and the funding of a passed proposal.' })
export class CouncilDecision extends NodeEntity<'completedAt' | 'decidedBy'> {
  @ManyToOne(() => CouncilProposal, { deleteRule: 'restrict', unique: true })
  @RelationField(() => CouncilProposal)
  proposal!: CouncilProposal;

  @Property({ type: 'text' })
  @Field(() => String)
  summary!: string;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'set null' })
  @RelationField(() => Person, { nullable: true })
  decidedBy?: Person | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the last action item was done.' })
  completedAt?: Date | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** A share of the work (分工): owned by exactly one organisation or person, due on a date. */
@Entity({ schema: 'council', tableName: 'action_item' })
@ObjectType({ implements: Node, description: 'A share of the work a decision assigns, owned by an organisation or a person.' })
export class CouncilActionItem extends NodeEntity<'updatedAt' | 'status' | 'ownerOrganization' | 'ownerPerson' | 'overdueAt'> {
  @ManyToOne(() => CouncilDecision, { deleteRule: 'cascade' })
  @RelationField(() => CouncilDecision)
  decision!: CouncilDecision;

  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Organization, { nullable: true, description: 'The owning organisation (or null when a person owns it).' })
  ownerOrganization?: Organization | null;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Person, { nullable: true, description: 'The owning person (or null when an organisation owns it).' })
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

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      'When the platform found the item unfinished after its due day and announced it (council.action-item-overdue, once); null before. It stays when the item is finished late.',
  })
  overdueAt?: Date | null = null;
}

/** Money a decision names, in fen (分, 1/100 yuan): a whole, non-negative number. */
@Entity({ schema: 'council', tableName: 'funding_source' })
@ObjectType({ implements: Node, description: 'Where the money for a decision comes from; amounts in fen (分, 1/100 yuan).' })
export class CouncilFundingSource extends NodeEntity<'description'> {
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
}
