import { Field, ID, InputType, Int } from 'type-graphql';
import { CouncilKind, FundingKind, VoteCounting, VotingRule } from './council-enums.js';

@InputType({ description: 'A new council of a community.' })
export class CreateCouncilInput {
  @Field(() => ID, { description: 'The community (社区) the council serves.' })
  communityId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => CouncilKind, { defaultValue: CouncilKind.NAMED })
  kind!: CouncilKind;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => VotingRule, { defaultValue: VotingRule.SIMPLE_MAJORITY })
  votingRule!: VotingRule;

  @Field(() => VoteCounting, { defaultValue: VoteCounting.PER_SEAT })
  voteCounting!: VoteCounting;

  @Field(() => Int, { defaultValue: 50, description: 'Share (0–100) of the voting weight that must cast a ballot.' })
  quorumPercent!: number;
}

@InputType({
  description: 'A meeting to schedule. Without `urgent`, it needs the notice the plugin option `noticeHours` asks (24 h by default).',
})
export class ScheduleCouncilMeetingInput {
  @Field(() => ID)
  councilId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => ID, { nullable: true, description: 'Where: an activity room, the community office…' })
  placeId?: string | null;

  @Field(() => Date)
  scheduledAt!: Date;

  @Field(() => Boolean, { defaultValue: false, description: 'Convened within hours (紧急议事), e.g. for a sewer collapse.' })
  urgent!: boolean;
}

@InputType({ description: 'An agenda item: give requestId for a request, gridFindingId for a grid finding, neither for a free topic.' })
export class AddCouncilAgendaItemInput {
  @Field(() => ID)
  meetingId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => ID, { nullable: true })
  requestId?: string | null;

  @Field(() => ID, { nullable: true, description: "A finding's id as the grid plugin gives it (a uuid)." })
  gridFindingId?: string | null;
}

@InputType({ description: 'A share of the work: exactly one owner (an organisation or a person) and a due date.' })
export class CouncilActionItemInput {
  @Field(() => String)
  title!: string;

  @Field(() => ID, { nullable: true })
  ownerOrganizationId?: string | null;

  @Field(() => ID, { nullable: true })
  ownerPersonId?: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  dueOn!: string;
}

@InputType({ description: 'A source of money, amount in fen (分, 1/100 yuan), whole and not negative.' })
export class CouncilFundingInput {
  @Field(() => FundingKind)
  kind!: FundingKind;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { description: 'Fen: 1 yuan = 100 fen.' })
  amountFen!: number;
}

@InputType({ description: 'The decision on a passed proposal: who does what by when, paid from where.' })
export class RecordCouncilDecisionInput {
  @Field(() => ID)
  proposalId!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => [CouncilActionItemInput])
  actionItems!: CouncilActionItemInput[];

  @Field(() => [CouncilFundingInput], { defaultValue: [] })
  funding!: CouncilFundingInput[];
}
