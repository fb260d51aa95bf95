/** A person was registered as a little bee for an area (`grid.reporter-registered`). */
export interface GridReporterRegistered {
  reporterId: string;
  personId: string;
  /** The area's materialized path. */
  placePath: string;
}

/** A little bee reported something; the request it opened is `requestId` (`grid.little-bee-reported`). */
export interface GridLittleBeeReported {
  reportId: string;
  requestId: string;
  placePath: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.reporter-registered': GridReporterRegistered;
    'grid.little-bee-reported': GridLittleBeeReported;
  }
}
