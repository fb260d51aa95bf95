/** A grid worker was assigned to a grid (`grid.worker-assigned`). */
export interface GridWorkerAssigned {
  gridId: string;
  personId: string;
  assignmentId: string;
  /** YYYY-MM-DD */
  startsOn: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.worker-assigned': GridWorkerAssigned;
  }
}
