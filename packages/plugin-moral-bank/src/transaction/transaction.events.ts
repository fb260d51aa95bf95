/** The event the ledger emits: one per posted transaction, delivered after commit. */
export interface MoralBankTransactionPosted {
  transactionId: string;
  communityId: string;
  /** Materialized path of the community, for scoped boards. */
  placePath: string;
  kind: string;
  minutes: number;
  /** The accounts of the entries, in posting order. */
  accountIds: string[];
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A ledger transaction was posted (earning, transfer, gift, booking, refund, reversal). */
    'moral-bank.transaction-posted': MoralBankTransactionPosted;
  }
}
