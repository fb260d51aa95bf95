import { registerEnumType } from 'type-graphql';

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

export enum AgendaItemKind {
  REQUEST = 'request',
  GRID_FINDING = 'grid_finding',
  TOPIC = 'topic',
}

export enum ProposalStatus {
  OPEN = 'open',
  CLOSED = 'closed',
}

export enum ProposalOutcome {
  PASSED = 'passed',
  REJECTED = 'rejected',
  NO_QUORUM = 'no_quorum',
}

export enum VoteChoice {
  FOR = 'for',
  AGAINST = 'against',
  ABSTAIN = 'abstain',
}

export enum PollAnswer {
  AGREE = 'agree',
  DISAGREE = 'disagree',
}

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
registerEnumType(AgendaItemKind, { name: 'CouncilAgendaItemKind', description: 'A request, a finding of a grid, or a free topic.' });
registerEnumType(ProposalStatus, { name: 'CouncilProposalStatus' });
registerEnumType(ProposalOutcome, {
  name: 'CouncilProposalOutcome',
  description: 'Passed, rejected, or no quorum (too few ballots to decide).',
});
registerEnumType(VoteChoice, { name: 'CouncilVoteChoice' });
registerEnumType(PollAnswer, { name: 'CouncilPollAnswer' });
registerEnumType(ActionItemStatus, { name: 'CouncilActionItemStatus' });
registerEnumType(FundingKind, {
  name: 'CouncilFundingKind',
  description: 'Parking and advertising income, housing maintenance fund, subdistrict allocation…',
});
