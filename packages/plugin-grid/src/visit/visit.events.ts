/** A household visit was recorded, with its findings and the requests they opened (`grid.visit-recorded`). */
export interface GridVisitRecorded {
  visitId: string;
  householdId: string;
  placePath: string;
  workerId: string;
  findingIds: string[];
  requestIds: string[];
}

/** A finding recorded earlier opened a request (`grid.finding-opened-request`). */
export interface GridFindingOpenedRequest {
  findingId: string;
  requestId: string;
  placePath: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.visit-recorded': GridVisitRecorded;
    'grid.finding-opened-request': GridFindingOpenedRequest;
  }
}
