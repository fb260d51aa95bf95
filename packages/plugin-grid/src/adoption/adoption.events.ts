/** A partner unit adopted a grid (`grid.adopted`). */
export interface GridAdopted {
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  organizationId: string;
  adoptionId: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.adopted': GridAdopted;
  }
}
