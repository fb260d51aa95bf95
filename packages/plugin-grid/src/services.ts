import { type PluginRuntimeContext, readContext } from '@gongzhi/core';
import { escalateOverdue } from './escalation/escalation.task.js';
import { coveringGrids } from './grid/grid.queries.js';
import { type GridHandOff, plainHandOff } from './meeting/meeting.queries.js';
import type { GridOptions } from './options.js';

/**
 * What the grid plugin offers to plugins that depend on it (`dependsOn: { grid: '^0.3.0' }`)
 * and to its own resolvers: reads and the escalation run. Ids are local uuids. Changes go
 * through the plugin's commands (exported from the package, run with `uow.run`).
 */
export interface GridServices {
  /** The options the plugin runs with. */
  readonly options: GridOptions;
  /** Runs the escalation job now: every request overdue at its level escalates once; returns the ids escalated. */
  escalateOverdue(): Promise<string[]>;
  /** The weekly-meeting hand-off of a grid (findings since the last meeting, open requests); null for an unknown grid. */
  handOff(gridId: string): Promise<GridHandOff | null>;
  /** The grid and micro-grid covering a place, by the place's materialized path. */
  gridsCovering(placePath: string): Promise<{ gridId: string | null; microGridId: string | null }>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    grid: GridServices;
  }
}

export function createGridServices(runtime: PluginRuntimeContext<GridOptions>): GridServices {
  return {
    options: runtime.options,
    escalateOverdue: () => escalateOverdue(runtime),
    handOff: (gridId) => plainHandOff(readContext(runtime.em()), gridId),
    async gridsCovering(placePath) {
      const covering = (await coveringGrids(readContext(runtime.em()), [placePath])).get(placePath)!;
      return { gridId: covering.grid?.uuid ?? null, microGridId: covering.microGrid?.uuid ?? null };
    },
  };
}
