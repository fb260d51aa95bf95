import { Organization, Person, type Ref, RefField } from '@gongzhi/core';
import { Field, InputType, Int } from 'type-graphql';
import { CouncilProposal } from '../proposal/proposal.entity.js';
import type { NewDecision } from './decision.commands.js';
import { FundingKind } from './decision.entity.js';

@InputType({ description: 'A share of the work: exactly one owner (an organisation or a person) and a due date.' })
export class CouncilActionItemInput {
  @Field(() => String)
  title!: string;

  @RefField(() => Organization, { nullable: true, description: "An organisation of the council's subdistrict." })
  ownerOrganizationId?: Ref<Organization> | null;

  @RefField(() => Person, { nullable: true, description: "A person of the council's community." })
  ownerPersonId?: Ref<Person> | null;

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
  @RefField(() => CouncilProposal)
  proposalId!: Ref<CouncilProposal>;

  @Field(() => String)
  summary!: string;

  @Field(() => [CouncilActionItemInput])
  actionItems!: CouncilActionItemInput[];

  @Field(() => [CouncilFundingInput], { defaultValue: [] })
  funding!: CouncilFundingInput[];
}

/** The command's input: plain objects (core resolves references inside plain objects and lists only). */
export function newDecision(input: RecordCouncilDecisionInput): NewDecision {
  return {
    proposal: input.proposalId,
    summary: input.summary,
    actionItems: input.actionItems.map((a) => ({
      title: a.title,
      ownerOrganization: a.ownerOrganizationId ?? null,
      ownerPerson: a.ownerPersonId ?? null,
      dueOn: a.dueOn,
    })),
    funding: input.funding.map((f) => ({ kind: f.kind, description: f.description ?? null, amountFen: f.amountFen })),
  };
}
