/** A new request was routed to a grid (`grid.request-routed`); assigneeId is null when nobody was on duty. */
export interface GridRequestRouted {
  requestId: string;
  placePath: string;
  gridId: string;
  assigneeId: string | null;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.request-routed': GridRequestRouted;
  }
}
