/** A place's colour on the people's-conditions map changed (`grid.attention-changed`). */
export interface GridAttentionChanged {
  markId: string;
  placeId: string;
  placePath: string;
  level: string;
  previousLevel: string | null;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.attention-changed': GridAttentionChanged;
  }
}
