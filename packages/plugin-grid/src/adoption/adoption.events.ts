/** A partner unit adopted a grid (`grid.adopted`). */
export interface GridAdopted {
  gridId: string;
  organizationId: string;
  adoptionId: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.adopted': GridAdopted;
  }
}
