import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Organization, Person, Place, RelationField } from '@gongzhi/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What kind of body a council is. */
export enum CouncilKind {
  /** A grid's weekly meeting (周一网格议事会). */
  GRID_MEETING = 'grid_meeting',
  /** The five-party co-building council (五方共建). */
  FIVE_PARTY = 'five_party',
  /** A community's own named council (一居一特: 山畔议事会, 银发义工议事会…). */
  NAMED = 'named',
}

/** How a council decides. */
export enum VotingRule {
  /** Passes when nobody votes against (abstaining is consenting). */
  CONSENT = 'consent',
  /** Passes when the weight for is more than the weight against (abstentions do not count). */
  SIMPLE_MAJORITY = 'simple_majority',
  /** Passes when the weight for is at least two thirds of the weight for and against. */
  TWO_THIRDS = 'two_thirds',
}

/** What one ballot weighs. */
export enum VoteCounting {
  /** Every seat weighs 1, a person's or an organisation's. */
  PER_SEAT = 'per_seat',
  /** A person's seat weighs 1; an organisation's seat weighs the number of its members (at least 1). */
  PER_PERSON = 'per_person',
}

/** The seat a member holds; the first five are the five parties of co-building. */
export enum SeatType {
  PARTY_BRANCH = 'party_branch',
  RESIDENTS_COMMITTEE = 'residents_committee',
  OWNERS_COMMITTEE = 'owners_committee',
  PROPERTY_COMPANY = 'property_company',
  RESIDENT_UNIT = 'resident_unit',
  RESIDENT_REPRESENTATIVE = 'resident_representative',
  GRID_WORKER = 'grid_worker',
  SOCIAL_WORKER = 'social_worker',
  VOLUNTEER = 'volunteer',
  OTHER = 'other',
}

registerEnumType(CouncilKind, {
  name: 'CouncilKind',
  description: "A grid's weekly meeting, the five-party council (五方共建) or a community's named council.",
});
registerEnumType(VotingRule, { name: 'CouncilVotingRule', description: 'How a council reaches a decision.' });
registerEnumType(VoteCounting, {
  name: 'CouncilVoteCounting',
  description: 'Per seat (every seat 1) or per person (an organisation seat weighs its member count).',
});
registerEnumType(SeatType, {
  name: 'CouncilSeatType',
  description: 'The seat a member holds; the first five are the five parties of co-building.',
});

/** A deliberation body (议事会) of a community: its members, rule and quorum. */
@Entity({ schema: 'council', tableName: 'council' })
@ObjectType({ implements: Node, description: 'A deliberation council (议事会) of a community.' })
export class Council extends NodeEntity<'votingRule' | 'voteCounting' | 'quorumPercent' | 'kind' | 'description'> {
  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Enum({ items: () => CouncilKind, nativeEnumName: 'council.council_kind' })
  @Field(() => CouncilKind)
  kind: CouncilKind = CouncilKind.NAMED;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Enum({ items: () => VotingRule, nativeEnumName: 'council.voting_rule' })
  @Field(() => VotingRule)
  votingRule: VotingRule = VotingRule.SIMPLE_MAJORITY;

  @Enum({ items: () => VoteCounting, nativeEnumName: 'council.vote_counting' })
  @Field(() => VoteCounting)
  voteCounting: VoteCounting = VoteCounting.PER_SEAT;

  @Property({ type: 'smallint' })
  @Field(() => Int, {
    description: 'Share (0–100) of the total voting weight that must cast a ballot (for, against or abstain) for a vote to count.',
  })
  quorumPercent: number = 50;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { description: 'The community the council serves.' })
  community!: Place;

  @Field(() => Date)
  override createdAt!: Date;
}

/**
 * A seat on a council, held by a person or by an organisation. An organisation's seat is
 * voted by any person who is a member of that organisation (core OrganizationMember).
 */
@Entity({ schema: 'council', tableName: 'member' })
@ObjectType({ implements: Node, description: 'A seat on a council, held by a person or an organisation.' })
export class CouncilMember extends NodeEntity<'person' | 'organization'> {
  @ManyToOne(() => Council, { deleteRule: 'cascade' })
  @RelationField(() => Council)
  council!: Council;

  @Enum({ items: () => SeatType, nativeEnumName: 'council.seat_type' })
  @Field(() => SeatType)
  seatType!: SeatType;

  @ManyToOne(() => Person, { nullable: true, deleteRule: 'cascade' })
  @RelationField(() => Person, { nullable: true, description: 'The person holding the seat (or null for an organisation seat).' })
  person?: Person | null;

  @ManyToOne(() => Organization, { nullable: true, deleteRule: 'cascade' })
  @RelationField(() => Organization, { nullable: true, description: 'The organisation holding the seat; any of its members votes for it.' })
  organization?: Organization | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      "When the seat was vacated (vacateCouncilSeat, or its holder's personal data erased): nobody acts for it, it keeps its ballots and attendance and no longer counts towards a vote it did not cast.",
  })
  vacatedAt?: Date | null;
}

/** A seat's name for messages: who holds it and as what (its holder loaded). */
export function seatName(seat: CouncilMember): string {
  return `${seat.person?.name ?? seat.organization?.name ?? 'a seat'} (${seat.seatType})`;
}
