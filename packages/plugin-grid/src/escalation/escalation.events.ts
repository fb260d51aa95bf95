/** An escalation time limit was set for a grid or a community (`grid.escalation-limit-set`). Escalations themselves emit core's `request.escalated`. */
export interface GridEscalationLimitSet {
  scope: 'grid' | 'community';
  scopeId: string;
  /** Materialized path of the community (the grid's, for a grid): who may see the event. */
  placePath: string;
  level: string;
  /** The limit in minutes. */
  minutes: number;
  /** @deprecated The limit in whole hours, rounded up; read `minutes`. */
  hours: number;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.escalation-limit-set': GridEscalationLimitSet;
  }
}
