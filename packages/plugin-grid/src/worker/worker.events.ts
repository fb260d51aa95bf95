/** A grid worker was assigned to a grid (`grid.worker-assigned`). */
export interface GridWorkerAssigned {
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  personId: string;
  assignmentId: string;
  /** YYYY-MM-DD */
  startsOn: string;
}

/** A grid worker's assignment got its last day (`grid.worker-assignment-ended`). */
export interface GridWorkerAssignmentEnded {
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  personId: string;
  assignmentId: string;
  /** The last day worked, YYYY-MM-DD. */
  endsOn: string;
  /** The colleague their open requests in the grid went to, if handed over. */
  handedOverToId: string | null;
  /** How many requests were handed over (0 without a colleague). */
  handedOver: number;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.worker-assigned': GridWorkerAssigned;
    'grid.worker-assignment-ended': GridWorkerAssignmentEnded;
  }
}
