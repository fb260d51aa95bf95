import type { GridHandOff } from './handoff.service.js';
import type { GridOptions } from './grid.options.js';

/**
 * What the grid plugin offers to plugins that depend on it (`dependsOn: { grid: '^0.2.0' }`)
 * and to its own resolvers. Ids are local uuids.
 */
export interface GridServices {
  /** The options the plugin runs with. */
  readonly options: GridOptions;
  /** Escalates every request overdue at its level once; returns the ids escalated. */
  escalateOverdue(): Promise<string[]>;
  /** The weekly-meeting hand-off of a grid (findings since the last meeting, open requests); null for an unknown grid. */
  handOff(gridId: string): Promise<GridHandOff | null>;
  /** Records that a grid's weekly meeting was held (the next hand-off starts after it); returns the meeting id. */
  recordMeeting(gridId: string, heldAt: Date, notes?: string | null, recordedById?: string | null): Promise<string>;
  /** The grid and micro-grid covering a place, by the place's materialized path. */
  gridsCovering(placePath: string): Promise<{ gridId: string | null; microGridId: string | null }>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    grid: GridServices;
  }
}
