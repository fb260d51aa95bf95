import { VotingRule } from '../council/council.entity.js';
import { ProposalOutcome } from './proposal.entity.js';

/** Weights of the ballots cast and of every seat, in the units of the council's counting. */
export interface Tally {
  forWeight: number;
  againstWeight: number;
  abstainWeight: number;
  eligibleWeight: number;
}

/** Whether enough weight cast a ballot (for, against or abstain): at least one, and quorumPercent of all. */
export function quorumMet(tally: Tally, quorumPercent: number): boolean {
  const cast = tally.forWeight + tally.againstWeight + tally.abstainWeight;
  return cast > 0 && cast * 100 >= tally.eligibleWeight * quorumPercent;
}

/**
 * The outcome of a vote by a council's rule. Without quorum nothing is decided. Consent passes
 * when nobody objects (abstaining stands aside); a simple majority needs more weight for than
 * against; two thirds needs for ≥ 2/3 of for + against. Abstentions never count as for or against.
 */
export function outcome(rule: VotingRule, tally: Tally, quorumPercent: number): ProposalOutcome {
  if (!quorumMet(tally, quorumPercent)) return ProposalOutcome.NO_QUORUM;
  const { forWeight: yes, againstWeight: no } = tally;
  let passed: boolean;
  switch (rule) {
    case VotingRule.CONSENT:
      passed = no === 0;
      break;
    case VotingRule.SIMPLE_MAJORITY:
      passed = yes > no;
      break;
    case VotingRule.TWO_THIRDS:
      passed = yes > 0 && yes * 3 >= (yes + no) * 2;
      break;
  }
  return passed ? ProposalOutcome.PASSED : ProposalOutcome.REJECTED;
}
